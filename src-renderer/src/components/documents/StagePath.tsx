import { useEffect, useState } from 'react'
import { Box, Group, Text, UnstyledButton } from '@mantine/core'
import { IconCheck } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto } from '@shared/api/contracts'
import { api } from '../../api/client'
import { optionsOf } from '../../fields/select'
import { mayChangeField, useFormAccess } from '../../lib/form-access'
import { notifyError, notifySuccess } from '../../lib/notify'
import { notifyRecordsChanged } from '../../lib/record-events'
import { savedOutOfScope } from '../records/saved'
import type { RecordExtensionProps } from '../record/extensions'
import { useCurrentUserId } from '../record/conditions'
import { stageRequirements, useStageChange } from './StageChange'

// The stage path bar on a record whose form has a board (商机 by 销售阶段): the stages in order,
// where the record is, and what the next stage requires (derived from the form's conditional
// rules). A user who may change the stage moves it with a click — through the same dialog as a
// drag on the board; anyone else sees the path only.

function useBoardField(formId: number, fields: FieldDto[]): FieldDto | null {
  const [key, setKey] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    api.views.list({ form: formId }).then(
      (views) => live && setKey(views.find((v) => v.type === 'kanban' && v.shared)?.config.kanbanField ?? null),
      () => live && setKey(null)
    )
    return () => {
      live = false
    }
  }, [formId])
  return fields.find((f) => f.apiKey === key && f.type === 'select' && f.parentFieldId === null) ?? null
}

export function StagePath({ form, record, onRecordChange }: RecordExtensionProps) {
  const { t } = useTranslation()
  const field = useBoardField(form.id, form.fields)
  const access = useFormAccess(form.id)
  const userId = useCurrentUserId()
  const stage = useStageChange(form)
  const [busy, setBusy] = useState(false)
  if (!record || !field || !(field.apiKey in record.fields)) return null
  const options = optionsOf(field)
  const current = record.fields[field.apiKey] as string | null
  const at = options.findIndex((o) => o.label === current)
  const next = options[at + 1] ?? null
  const needs = next ? stageRequirements(form, record, field.apiKey, next.label, userId) : []
  const movable = mayChangeField(access, field.apiKey) && access?.actions.includes('edit')

  const moveTo = async (label: string) => {
    if (busy || label === current) return
    let extra = await stage.ask(record, field.apiKey, label, label)
    while (extra) {
      setBusy(true)
      try {
        const saved = await api.records.update({ form: form.id, id: record.id, fields: { ...extra, [field.apiKey]: label } })
        notifySuccess(savedOutOfScope(saved) ? saved.message : t('documents.stage.moved', { stage: label }))
        if (!savedOutOfScope(saved)) onRecordChange(saved)
        notifyRecordsChanged(form.id)
        return
      } catch (e) {
        const more = await stage.askAfter(e, record, field.apiKey, label, extra)
        if (more === undefined) notifyError(e)
        extra = more ?? null
      } finally {
        setBusy(false)
      }
    }
  }

  return (
    <Box data-testid="stage-path" aria-label={t('documents.path.label')}>
      {stage.dialog}
      <Group gap={4} wrap="nowrap" style={{ overflowX: 'auto' }}>
        {options.map((o, i) => {
          const done = i < at
          const here = i === at
          const color = here ? `var(--mantine-color-${o.color ?? 'blue'}-filled)` : done ? 'var(--mantine-color-teal-light)' : 'var(--mantine-color-gray-light)'
          return (
            <UnstyledButton
              key={o.id}
              disabled={!movable || here || busy}
              onClick={() => void moveTo(o.label)}
              data-testid={`stage-step-${o.label}`}
              data-current={here ? 'true' : undefined}
              aria-current={here ? 'step' : undefined}
              title={movable && !here ? t('documents.path.move') : undefined}
              style={{ flex: '1 0 auto', minWidth: 72, padding: '6px 12px', background: color, color: here ? 'var(--mantine-color-white)' : 'var(--mantine-color-text)', clipPath: 'polygon(0 0, calc(100% - 8px) 0, 100% 50%, calc(100% - 8px) 100%, 0 100%, 8px 50%)', textAlign: 'center', cursor: movable && !here ? 'pointer' : 'default' }}
            >
              <Group gap={4} justify="center" wrap="nowrap">
                {done && <IconCheck size={14} />}
                <Text size="sm" fw={here ? 700 : 500} span>
                  {o.label}
                </Text>
              </Group>
            </UnstyledButton>
          )
        })}
      </Group>
      {next && (
        <Text size="xs" c="dimmed" mt={6} data-testid="stage-next">
          {needs.length ? t('documents.path.needs', { stage: next.label, fields: needs.map((f) => f.label).join(t('common.listSeparator')) }) : t('documents.path.ready', { stage: next.label })}
        </Text>
      )}
    </Box>
  )
}
