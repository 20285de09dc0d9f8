import { useEffect, useState } from 'react'
import { Center, Group, Loader, Stack, Text, ThemeIcon, Timeline } from '@mantine/core'
import { IconArrowRight, IconEdit, IconPlus, IconRestore, IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FormDto, MethodOutput } from '@shared/api/contracts'
import { api, errorMessage } from '../../api/client'
import { rendererOf } from '../../fields/registry'
import { systemFields } from '../../fields/system'
import { formatInstant } from '../../fields/datetime'

type Entry = MethodOutput<'records.history'>[number]

const OP_ICONS = { create: IconPlus, update: IconEdit, delete: IconTrash, restore: IconRestore } as const
const OP_COLORS = { create: 'teal', update: 'indigo', delete: 'red', restore: 'grape' } as const

/** The record's change log, newest first: who changed which field from what to what. */
export function RecordHistory({ form, recordId, fields }: { form: FormDto; recordId: number; fields: FieldDto[] }) {
  const { t } = useTranslation()
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
      <Text c="dimmed" size="sm" py="md">
        {t('history.empty')}
      </Text>
    )
  }

  const fieldByKey = new Map<string, FieldDto>()
  for (const f of [...systemFields(form.id, t), ...fields]) {
    fieldByKey.set(f.apiKey, f)
    fieldByKey.set(String(f.id), f)
  }
  const show = (key: string, value: unknown): string => {
    const field = fieldByKey.get(key)
    if (value === null || value === undefined || value === '') return t('common.empty')
    if (field) return rendererOf(field.type).text(value, field) || t('common.empty')
    return typeof value === 'object' ? JSON.stringify(value) : String(value)
  }

  return (
    <Timeline bulletSize={26} lineWidth={2} py="sm" data-testid="record-history">
      {entries.map((entry) => {
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
            title={<Text size="sm" fw={600}>{t(`history.${entry.op}`, { actor: entry.actor?.name ?? t('history.system') })}</Text>}
          >
            <Text size="xs" c="dimmed" mb={4}>
              {formatInstant(entry.at)}
            </Text>
            <Stack gap={2}>
              {changes.map(([key, change]) => (
                <Group key={key} gap={6} wrap="nowrap" align="baseline">
                  <Text size="sm" c="dimmed" style={{ flexShrink: 0 }}>
                    {t('history.fieldLabel', { field: fieldByKey.get(key)?.label ?? key })}
                  </Text>
                  {entry.op === 'update' && (
                    <>
                      <Text size="sm" td="line-through" c="dimmed">
                        {show(key, change.old)}
                      </Text>
                      <IconArrowRight size={12} style={{ flexShrink: 0 }} />
                    </>
                  )}
                  <Text size="sm">{show(key, entry.op === 'delete' ? change.old : change.new)}</Text>
                </Group>
              ))}
            </Stack>
          </Timeline.Item>
        )
      })}
    </Timeline>
  )
}
