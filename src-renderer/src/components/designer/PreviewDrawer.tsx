import { useEffect, useMemo, useState } from 'react'
import { Alert, Box, Drawer, Stack, Tabs, Text } from '@mantine/core'
import { IconEye } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto } from '@shared/api/contracts'
import { matchFilter } from '@shared/filter-match'
import { isRequired } from '@shared/required-state'
import { FormFieldsContext } from '../../fields/context'
import { rendererOf } from '../../fields/registry'
import type { Draft } from './draft'
import { previewable } from './preview-fields'

// 预览: the draft as the end user will fill it in — tabs, sections, columns, live inputs — with
// conditional visibility and conditional required evaluated as the values change. Nothing
// typed here is saved; it is a try-out of the form.

interface Props {
  opened: boolean
  onClose(): void
  draft: Draft
  dtos: Map<string, FieldDto>
  allDtos: FieldDto[]
}

export function PreviewDrawer({ opened, onClose, draft, dtos, allDtos }: Props) {
  const { t } = useTranslation()
  const [values, setValues] = useState<Record<string, unknown>>({})
  const [tab, setTab] = useState<string | null>(draft.tabs[0]?.id ?? null)
  const topLevel = useMemo(() => allDtos.filter((d) => d.parentFieldId === null), [allDtos])

  useEffect(() => {
    if (!opened) return
    const start: Record<string, unknown> = {}
    for (const d of topLevel) start[d.apiKey] = rendererOf(d.type).empty(d)
    setValues(start)
    setTab(draft.tabs[0]?.id ?? null)
    // A fresh try-out each time the preview opens.
    // oxlint-disable-next-line react-hooks/exhaustive-deps
  }, [opened])

  const ctx = useMemo(() => ({ fields: topLevel }), [topLevel])
  const visible = (d: FieldDto) => matchFilter(d.visibleWhen, values, ctx)
  // The try-out is a new record (nothing before it): one created matching a required-on-entering condition enters it.
  const requiredNow = (d: FieldDto) => isRequired(d, (node) => matchFilter(node, values, ctx), null)

  const sectionBody = (fieldKeys: string[], columns: number) => (
    <Box style={{ display: 'grid', gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`, gap: 'var(--mantine-spacing-md)' }}>
      {fieldKeys.map((key) => {
        const draftField = draft.fields[key]
        const dto = dtos.get(key)
        if (!draftField || !dto || !visible(dto)) return null
        const renderer = rendererOf(dto.type)
        const Input = renderer.Input
        const shown = { ...dto, required: requiredNow(dto) }
        return (
          <Box key={key} style={renderer.wide || dto.type === 'subtable' ? { gridColumn: '1 / -1' } : undefined} data-testid={`preview-field-${dto.label}`}>
            {previewable(draftField) ? (
              <Input field={shown} value={values[key] ?? null} onChange={(v) => setValues((prev) => ({ ...prev, [key]: v }))} />
            ) : (
              <Text size="sm" c="dimmed">
                {dto.label}: {t('designer.relationNoTarget')}
              </Text>
            )}
          </Box>
        )
      })}
    </Box>
  )

  const tabBody = (tabId: string) => {
    const current = draft.tabs.find((x) => x.id === tabId)
    if (!current) return null
    return (
      <Stack gap="lg">
        {current.sections.map((s) => (
          <Stack key={s.id} gap="sm">
            {s.label && (
              <Text fw={600} size="sm" pb={4} style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
                {s.label}
              </Text>
            )}
            {sectionBody(s.fields, s.columns)}
          </Stack>
        ))}
      </Stack>
    )
  }

  return (
    <Drawer opened={opened} onClose={onClose} position="right" size="xl" title={<Text fw={600}>{t('designer.preview.title', { form: draft.label })}</Text>} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack gap="md" data-testid="designer-preview">
        <Alert variant="light" color="indigo" icon={<IconEye size={18} />} p="xs">
          <Text size="xs">{t('designer.preview.hint')}</Text>
        </Alert>
        <FormFieldsContext.Provider value={allDtos}>
          {draft.tabs.length > 1 ? (
            <Tabs value={tab} onChange={setTab}>
              <Tabs.List mb="md">
                {draft.tabs.map((x) => (
                  <Tabs.Tab key={x.id} value={x.id}>
                    {x.label || t('designer.untitledTab')}
                  </Tabs.Tab>
                ))}
              </Tabs.List>
              {draft.tabs.map((x) => (
                <Tabs.Panel key={x.id} value={x.id}>
                  {tabBody(x.id)}
                </Tabs.Panel>
              ))}
            </Tabs>
          ) : (
            draft.tabs[0] && tabBody(draft.tabs[0].id)
          )}
        </FormFieldsContext.Provider>
      </Stack>
    </Drawer>
  )
}
