import { useEffect, useState } from 'react'
import { Alert, Button, Group, Modal, Progress, Select, Stack, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FormDto } from '@shared/api/contracts'
import { api, errorMessage } from '../../api/client'
import { rendererOf } from '../../fields/registry'
import { notifySuccess } from '../../lib/notify'
import { savedOutOfScope } from '../records/saved'

interface Props {
  form: FormDto
  /** Fields that may be set (editable, visible in the view). */
  fields: FieldDto[]
  allFields: FieldDto[]
  ids: number[] | null
  onClose(): void
  onDone(): void
}

interface Failure {
  id: number
  message: string
}

/**
 * Sets one field to one value on every selected record, each through the write pipeline (so
 * validation, formulas and the change log apply). Records the core refuses are listed with the
 * reason; the others keep the new value.
 */
export function BulkEditModal({ form, fields, allFields, ids, onClose, onDone }: Props) {
  const { t } = useTranslation()
  const [fieldKey, setFieldKey] = useState<string | null>(null)
  const [value, setValue] = useState<unknown>(null)
  const [running, setRunning] = useState(false)
  const [done, setDone] = useState(0)
  const [failures, setFailures] = useState<Failure[]>([])
  const field = fields.find((f) => f.apiKey === fieldKey) ?? null

  useEffect(() => {
    if (ids === null) return
    setFieldKey(fields[0]?.apiKey ?? null)
    setValue(fields[0] ? rendererOf(fields[0].type).empty(fields[0]) : null)
    setDone(0)
    setFailures([])
  }, [ids, fields])

  const apply = async () => {
    if (!ids || !field) return
    const renderer = rendererOf(field.type)
    const write = renderer.toWrite(value, field, { fields: allFields }) ?? null
    setRunning(true)
    setDone(0)
    const failed: Failure[] = []
    let gone = 0
    for (const id of ids) {
      try {
        const saved = await api.records.update({ form: form.id, id, fields: { [field.apiKey]: write } })
        if (savedOutOfScope(saved)) gone++
      } catch (error) {
        failed.push({ id, message: errorMessage(error) })
      }
      setDone((n) => n + 1)
    }
    setRunning(false)
    setFailures(failed)
    const changed = ids.length - failed.length
    if (changed > 0) notifySuccess(t('views.bulk.done', { count: changed, field: field.label }))
    // Saved all the same; some went out of the user's sight (a rule assigned them away).
    if (gone > 0) notifySuccess(t('views.bulk.outOfScope', { count: gone }))
    if (failed.length === 0) onDone()
  }

  const Input = field ? rendererOf(field.type).Input : null
  return (
    <Modal opened={ids !== null} onClose={running ? () => undefined : failures.length ? onDone : onClose} title={t('views.bulk.title', { count: ids?.length ?? 0 })} size="md">
      <Stack gap="md" data-testid="bulk-edit-modal">
        <Text size="sm" c="dimmed">
          {t('views.bulk.body')}
        </Text>
        <Select
          label={t('views.bulk.field')}
          data={fields.map((f) => ({ value: f.apiKey, label: f.label }))}
          value={fieldKey}
          allowDeselect={false}
          searchable={fields.length > 10}
          onChange={(key) => {
            const next = fields.find((f) => f.apiKey === key)
            setFieldKey(key)
            setValue(next ? rendererOf(next.type).empty(next) : null)
            setFailures([])
          }}
          comboboxProps={{ withinPortal: true }}
        />
        {field && Input && (
          <div data-testid="bulk-edit-value">
            <Input field={{ ...field, required: false, description: null }} value={value} onChange={setValue} />
          </div>
        )}
        {running && <Progress value={ids ? (done / ids.length) * 100 : 0} animated />}
        {failures.length > 0 && (
          <Alert color="red" variant="light" title={t('views.bulk.failedTitle', { count: failures.length })}>
            <Stack gap={2}>
              {failures.slice(0, 8).map((f) => (
                <Text size="sm" key={f.id}>
                  #{f.id}：{f.message}
                </Text>
              ))}
              {failures.length > 8 && (
                <Text size="sm" c="dimmed">
                  {t('views.bulk.more', { count: failures.length - 8 })}
                </Text>
              )}
            </Stack>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={failures.length ? onDone : onClose} disabled={running}>
            {failures.length ? t('views.close') : t('common.cancel')}
          </Button>
          <Button onClick={() => void apply()} loading={running} disabled={!field} data-testid="bulk-edit-apply">
            {t('views.bulk.apply', { count: ids?.length ?? 0 })}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
