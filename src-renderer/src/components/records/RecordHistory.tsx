import { useEffect, useMemo, useState } from 'react'
import { Box, Center, Group, Loader, Stack, Text, ThemeIcon, Timeline } from '@mantine/core'
import { IconArrowRight, IconEdit, IconHistory, IconPlus, IconRestore, IconTrash } from '@tabler/icons-react'
import dayjs from 'dayjs'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FormDto, MethodOutput } from '@shared/api/contracts'
import { api, errorMessage } from '../../api/client'
import { rendererOf } from '../../fields/registry'
import { optionsOf } from '../../fields/select'
import { systemFields } from '../../fields/system'
import { formatInstant } from '../../fields/datetime'

type Entry = MethodOutput<'records.history'>[number]

const OP_ICONS = { create: IconPlus, update: IconEdit, delete: IconTrash, restore: IconRestore } as const
const OP_COLORS = { create: 'teal', update: 'indigo', delete: 'red', restore: 'grape' } as const

/** Entries of one calendar day, newest first. */
interface Day {
  key: string
  label: string
  entries: Entry[]
}

/** The record's change log, newest first and grouped by day: who changed which field from what to what. */
export function RecordHistory({ form, recordId, fields }: { form: FormDto; recordId: number; fields: FieldDto[] }) {
  const { t, i18n } = useTranslation()
  const [entries, setEntries] = useState<Entry[] | null>(null)
  const [failure, setFailure] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    api.records.history({ form: form.id, id: recordId }).then(
      (list) => live && setEntries([...list].sort((a, b) => b.at.localeCompare(a.at) || b.id - a.id)),
      (error: unknown) => live && setFailure(errorMessage(error))
    )
    return () => {
      live = false
    }
  }, [form.id, recordId])

  const fieldByKey = useMemo(() => {
    const map = new Map<string, FieldDto>()
    for (const f of [...systemFields(form.id, t), ...fields]) {
      // A sub-table's column may share an API key with a field of the form (回款计划's 计划金额 and the
      // contract's 合同总金额 are both `amount`): the log names the form's fields by key, columns by id.
      if (!f.parentFieldId) map.set(f.apiKey, f)
      map.set(String(f.id), f)
    }
    return map
  }, [form.id, fields, t])

  const days = useMemo((): Day[] => {
    const out: Day[] = []
    const today = dayjs().format('YYYY-MM-DD')
    const yesterday = dayjs().subtract(1, 'day').format('YYYY-MM-DD')
    for (const entry of entries ?? []) {
      const at = dayjs(entry.at)
      const key = at.format('YYYY-MM-DD')
      let day = out[out.length - 1]
      if (!day || day.key !== key) {
        const label =
          key === today
            ? t('record.history.today')
            : key === yesterday
              ? t('record.history.yesterday')
              : at.locale(i18n.language === 'en' ? 'en' : 'zh-cn').format(i18n.language === 'en' ? 'ddd, MMM D, YYYY' : 'YYYY年M月D日 dddd')
        day = { key, label, entries: [] }
        out.push(day)
      }
      day.entries.push(entry)
    }
    return out
  }, [entries, t, i18n.language])

  if (failure) {
    return (
      <Text c="red" size="sm" py="md">
        {t('history.loadFailed', { message: failure })}
      </Text>
    )
  }
  if (!entries) {
    return (
      <Center py="xl">
        <Loader size="sm" />
      </Center>
    )
  }
  if (entries.length === 0) {
    return (
      <Stack align="center" gap={6} py="xl">
        <ThemeIcon size={44} radius="xl" variant="light" color="gray">
          <IconHistory size={22} />
        </ThemeIcon>
        <Text fw={600}>{t('record.history.emptyTitle')}</Text>
        <Text size="sm" c="dimmed" ta="center" maw={420}>
          {t('record.history.emptyBody')}
        </Text>
      </Stack>
    )
  }

  /** A value as the user knows it: option labels, amounts with ¥, dates, names and titles. */
  const show = (key: string, value: unknown): string => {
    const field = fieldByKey.get(key)
    if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return t('common.empty')
    if (field?.type === 'subtable' && Array.isArray(value)) return t('record.history.rows', { count: value.length })
    if (field?.type === 'attachment' && Array.isArray(value)) {
      const names = value.map((v) => (typeof v === 'object' && v !== null && 'name' in v ? String((v as { name: unknown }).name) : null))
      return names.every((n) => n !== null) ? names.join(t('common.listSeparator')) : t('record.history.files', { count: value.length })
    }
    // Bare ids (the server sends titles; this is the fallback for a value it could not resolve).
    if (field?.type === 'relation' && Array.isArray(value) && value.every((v) => typeof v === 'number')) return value.map((id) => `#${id}`).join(t('common.listSeparator'))
    if (field) return rendererOf(field.type).text(value, field) || t('common.empty')
    return typeof value === 'object' ? JSON.stringify(value) : String(value)
  }

  /** A sub-table cell as logged (stored form: option ids, 1/0, epoch ms) in the user's terms. */
  const showCell = (child: FieldDto, value: unknown): string => {
    if (value === null || value === undefined || value === '') return t('common.empty')
    let api: unknown = value
    if (child.type === 'select') api = optionsOf(child).find((o) => o.id === value)?.label ?? value
    else if (child.type === 'multiselect') {
      const ids = typeof value === 'string' ? (JSON.parse(value) as unknown[]) : Array.isArray(value) ? value : []
      api = ids.map((id) => optionsOf(child).find((o) => o.id === id)?.label ?? String(id))
    } else if (child.type === 'checkbox') api = value === 1 || value === true
    else if (child.type === 'datetime' && typeof value === 'number') api = new Date(value).toISOString()
    return rendererOf(child.type).text(api, child) || t('common.empty')
  }

  /** Row by row: which rows were added or removed, and which cells of a row changed. */
  const subtableLines = (field: FieldDto, before: unknown, after: unknown): string[] => {
    const children = fields.filter((f) => f.parentFieldId === field.id).sort((a, b) => a.position - b.position)
    const rowsOf = (v: unknown) => (Array.isArray(v) ? (v as Array<Record<string, unknown>>) : [])
    const oldRows = rowsOf(before)
    const newRows = rowsOf(after)
    const describe = (row: Record<string, unknown>) =>
      children
        .filter((c) => row[String(c.id)] !== null && row[String(c.id)] !== undefined && row[String(c.id)] !== '')
        .map((c) => `${c.label} ${showCell(c, row[String(c.id)])}`)
        .join(' · ')
    const lines: string[] = []
    newRows.forEach((row, index) => {
      const previous = typeof row.id === 'number' && row.id > 0 ? oldRows.find((o) => o.id === row.id) : undefined
      if (!previous) {
        lines.push(`${t('record.history.rowAdded', { index: index + 1 })}${describe(row)}`)
        return
      }
      const changed = children.filter((c) => JSON.stringify(previous[String(c.id)] ?? null) !== JSON.stringify(row[String(c.id)] ?? null))
      if (changed.length) {
        lines.push(
          `${t('record.history.rowChanged', { index: index + 1 })}${changed.map((c) => `${c.label} ${showCell(c, previous[String(c.id)])} → ${showCell(c, row[String(c.id)])}`).join(' · ')}`
        )
      }
    })
    for (const row of oldRows) if (!newRows.some((n) => n.id === row.id)) lines.push(`${t('record.history.rowRemoved')}${describe(row)}`)
    return lines
  }

  return (
    <Stack gap="lg" py="xs" data-testid="record-history">
      {days.map((day) => (
        <Box key={day.key}>
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" mb="sm">
            {day.label}
          </Text>
          <Timeline bulletSize={26} lineWidth={2}>
            {day.entries.map((entry) => {
              const Icon = OP_ICONS[entry.op]
              const changes = Object.entries(entry.changes)
              return (
                <Timeline.Item
                  key={entry.id}
                  bullet={
                    <ThemeIcon size={26} radius="xl" color={OP_COLORS[entry.op]} variant="light">
                      <Icon size={14} />
                    </ThemeIcon>
                  }
                  title={
                    <Group gap={8} wrap="nowrap" justify="space-between">
                      <Text size="sm" fw={600}>
                        {t(`history.${entry.op}`, { actor: entry.actor?.name ?? t('history.system') })}
                      </Text>
                      <Text size="xs" c="dimmed" style={{ flexShrink: 0 }} title={formatInstant(entry.at)}>
                        {dayjs(entry.at).format('HH:mm')}
                      </Text>
                    </Group>
                  }
                >
                  <Stack gap={4} mt={4}>
                    {changes.map(([key, change]) => {
                      const field = fieldByKey.get(key)
                      if (field?.type === 'subtable' && entry.op === 'update') {
                        const lines = subtableLines(field, change.old, change.new)
                        return (
                          <Box key={key} data-testid="history-change">
                            <Text size="sm" c="dimmed">
                              {t('history.fieldLabel', { field: field.label })}
                            </Text>
                            {lines.map((line, i) => (
                              <Text key={i} size="sm" pl="sm">
                                {line}
                              </Text>
                            ))}
                          </Box>
                        )
                      }
                      return (
                      <Group key={key} gap={6} wrap="wrap" align="baseline" data-testid="history-change">
                        <Text size="sm" c="dimmed" style={{ flexShrink: 0 }}>
                          {t('history.fieldLabel', { field: fieldByKey.get(key)?.label ?? key })}
                        </Text>
                        {entry.op === 'update' && (
                          <>
                            <Text size="sm" td="line-through" c="dimmed">
                              {show(key, change.old)}
                            </Text>
                            <IconArrowRight size={12} style={{ flexShrink: 0, alignSelf: 'center' }} />
                          </>
                        )}
                        <Text size="sm" fw={entry.op === 'update' ? 500 : undefined}>
                          {show(key, entry.op === 'delete' ? change.old : change.new)}
                        </Text>
                      </Group>
                      )
                    })}
                  </Stack>
                </Timeline.Item>
              )
            })}
          </Timeline>
        </Box>
      ))}
    </Stack>
  )
}
