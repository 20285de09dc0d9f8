import { ActionIcon, Badge, Button, Checkbox, Divider, Group, Menu, NumberInput, Popover, ScrollArea, SegmentedControl, Select, Stack, Text } from '@mantine/core'
import { IconArrowsSort, IconEye, IconEyeOff, IconLayoutList, IconLineHeight, IconPlus, IconX } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto, ViewConfig } from '@shared/api/contracts'
import { rendererOf } from '../../fields/registry'
import { columnsToConfig, groupableFields, resolveColumns } from './config'

interface Props {
  fields: FieldDto[]
  /** Sortable fields, system fields (创建时间…) included. */
  sortFields: FieldDto[]
  config: ViewConfig
  onConfig(patch: Partial<ViewConfig>): void
}

/** 排序: up to five keys, each ascending or descending, applied in order. */
export function SortControl({ sortFields, config, onConfig }: Omit<Props, 'fields'>) {
  const { t } = useTranslation()
  const sortable = sortFields.filter((f) => rendererOf(f.type).sortable)
  const data = sortable.map((f) => ({ value: f.apiKey, label: f.label }))
  const count = config.sort.length
  const set = (sort: ViewConfig['sort']) => onConfig({ sort })
  return (
    <Popover position="bottom-start" withinPortal shadow="md" width={380}>
      <Popover.Target>
        <Button variant={count ? 'light' : 'default'} color={count ? 'indigo' : 'gray'} leftSection={<IconArrowsSort size={16} />} data-testid="sort-toggle">
          {count ? t('views.sort.count', { count }) : t('views.sort.button')}
        </Button>
      </Popover.Target>
      <Popover.Dropdown data-testid="sort-panel">
        <Stack gap="xs">
          <Text size="sm" fw={600}>
            {t('views.sort.title')}
          </Text>
          {count === 0 && (
            <Text size="sm" c="dimmed">
              {t('views.sort.none')}
            </Text>
          )}
          {config.sort.map((s, i) => (
            <Group key={`${s.field}-${i}`} gap="xs" wrap="nowrap" data-testid="sort-rule">
              <Text size="xs" c="dimmed" w={36}>
                {i === 0 ? t('views.sort.first') : t('views.sort.then')}
              </Text>
              <Select
                size="xs"
                style={{ flex: 1 }}
                data={data}
                value={s.field}
                aria-label={t('filter.field')}
                allowDeselect={false}
                onChange={(field) => field && set(config.sort.map((x, j) => (j === i ? { ...x, field } : x)))}
                comboboxProps={{ withinPortal: false }}
              />
              <SegmentedControl
                size="xs"
                value={s.dir}
                onChange={(dir) => set(config.sort.map((x, j) => (j === i ? { ...x, dir: dir as 'asc' | 'desc' } : x)))}
                data={[
                  { value: 'asc', label: t('records.sortAsc') },
                  { value: 'desc', label: t('records.sortDesc') }
                ]}
              />
              <ActionIcon variant="subtle" color="gray" aria-label={t('views.sort.remove')} onClick={() => set(config.sort.filter((_, j) => j !== i))}>
                <IconX size={14} />
              </ActionIcon>
            </Group>
          ))}
          <Group>
            <Button
              size="xs"
              variant="light"
              leftSection={<IconPlus size={14} />}
              disabled={count >= 5 || sortable.length === 0}
              onClick={() => {
                const used = new Set(config.sort.map((s) => s.field))
                const next = sortable.find((f) => !used.has(f.apiKey)) ?? sortable[0]!
                set([...config.sort, { field: next.apiKey, dir: 'asc' }])
              }}
              data-testid="sort-add"
            >
              {t('views.sort.add')}
            </Button>
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  )
}

/** 分组: one field whose values head groups of rows, with counts and sums. */
export function GroupControl({ fields, config, onConfig }: Omit<Props, 'sortFields'>) {
  const { t } = useTranslation()
  const candidates = groupableFields(fields)
  const current = candidates.find((f) => f.apiKey === config.groupBy)
  return (
    <Menu position="bottom-start" withinPortal shadow="md" width={220}>
      <Menu.Target>
        <Button variant={current ? 'light' : 'default'} color={current ? 'indigo' : 'gray'} leftSection={<IconLayoutList size={16} />} data-testid="group-toggle">
          {current ? t('views.group.by', { field: current.label }) : t('views.group.button')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown data-testid="group-menu">
        <Menu.Label>{t('views.group.title')}</Menu.Label>
        {candidates.length === 0 && <Menu.Item disabled>{t('views.group.noFields')}</Menu.Item>}
        {candidates.map((f) => (
          <Menu.Item key={f.apiKey} onClick={() => onConfig({ groupBy: f.apiKey })} fw={f.apiKey === config.groupBy ? 600 : undefined}>
            {f.label}
          </Menu.Item>
        ))}
        {current && (
          <>
            <Menu.Divider />
            <Menu.Item color="red" leftSection={<IconX size={14} />} onClick={() => onConfig({ groupBy: null })}>
              {t('views.group.clear')}
            </Menu.Item>
          </>
        )}
      </Menu.Dropdown>
    </Menu>
  )
}

/** 字段: show or hide columns, and how many leading columns stay frozen. */
export function FieldsControl({ fields, config, onConfig }: Omit<Props, 'sortFields'>) {
  const { t } = useTranslation()
  const columns = resolveColumns(fields, config)
  const hidden = columns.filter((c) => c.hidden).length
  const setHidden = (apiKey: string, value: boolean) => onConfig({ columns: columnsToConfig(columns.map((c) => (c.field.apiKey === apiKey ? { ...c, hidden: value } : c))) })
  return (
    <Popover position="bottom-start" withinPortal shadow="md" width={280}>
      <Popover.Target>
        <Button variant={hidden ? 'light' : 'default'} color={hidden ? 'indigo' : 'gray'} leftSection={hidden ? <IconEyeOff size={16} /> : <IconEye size={16} />} data-testid="fields-toggle">
          {hidden ? t('views.fields.hiddenCount', { count: hidden }) : t('views.fields.button')}
        </Button>
      </Popover.Target>
      <Popover.Dropdown data-testid="fields-panel">
        <Stack gap="xs">
          <Group justify="space-between">
            <Text size="sm" fw={600}>
              {t('views.fields.title')}
            </Text>
            <Group gap={4}>
              <Button size="compact-xs" variant="subtle" onClick={() => onConfig({ columns: columnsToConfig(columns.map((c) => ({ ...c, hidden: false }))) })}>
                {t('views.fields.showAll')}
              </Button>
              <Button size="compact-xs" variant="subtle" color="gray" onClick={() => onConfig({ columns: columnsToConfig(columns.map((c, i) => ({ ...c, hidden: i > 0 }))) })}>
                {t('views.fields.hideAll')}
              </Button>
            </Group>
          </Group>
          <ScrollArea.Autosize mah={300}>
            <Stack gap={6}>
              {columns.map((c) => (
                <Checkbox key={c.field.apiKey} size="sm" label={c.field.label} checked={!c.hidden} onChange={(e) => setHidden(c.field.apiKey, !e.currentTarget.checked)} />
              ))}
            </Stack>
          </ScrollArea.Autosize>
          <Divider />
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm">{t('views.fields.frozen')}</Text>
            <NumberInput size="xs" w={80} min={0} max={10} allowDecimal={false} value={config.frozen} onChange={(v) => typeof v === 'number' && onConfig({ frozen: Math.max(0, Math.min(10, v)) })} aria-label={t('views.fields.frozen')} />
          </Group>
          <Text size="xs" c="dimmed">
            {t('views.fields.hint')}
          </Text>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  )
}

export function RowHeightControl({ config, onConfig }: Pick<Props, 'config' | 'onConfig'>) {
  const { t } = useTranslation()
  return (
    <Menu position="bottom-start" withinPortal shadow="md">
      <Menu.Target>
        <Button variant="default" leftSection={<IconLineHeight size={16} />} data-testid="row-height">
          {t(`views.rowHeight.${config.rowHeight}`)}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('views.rowHeight.title')}</Menu.Label>
        {(['short', 'medium', 'tall'] as const).map((h) => (
          <Menu.Item key={h} onClick={() => onConfig({ rowHeight: h })} rightSection={h === config.rowHeight ? <Badge size="xs" variant="light">✓</Badge> : null}>
            {t(`views.rowHeight.${h}`)}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  )
}
