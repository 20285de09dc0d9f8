import { useCallback, useState, type ReactNode } from 'react'
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FormDto, RecordDto } from '@shared/api/contracts'

/** What the dialog needs of a form: its id and every field (sub-table children included). */
export type StageForm = Pick<FormDto, 'id' | 'fields'>
import { ApiError } from '../../api/client'
import { rendererOf } from '../../fields/registry'
import { FormFieldsContext } from '../../fields/context'
import { FileScopeContext } from '../../lib/files'
import { fieldStates, useCurrentUserId } from '../record/conditions'

// Moving a record to a stage that asks for more (输单 needs 输单原因; 赢单 needs 签约合同扫描件, a
// field required on entering it): instead of refusing the move, a small dialog asks for exactly
// what the stage requires, then moves. What is required is derived from the form itself — fields
// whose conditional required rule the record matches once moved, or whose required-on-entering
// condition the move makes it match (and that are visible then), plus any field the server's
// validation names when it refuses — never from field names.

/** Fields the record would need filled once `fieldKey` is `to` (an option label, as records are read). */
export function stageRequirements(form: StageForm, record: RecordDto, fieldKey: string, to: string | null, userId: number | null): FieldDto[] {
  const top = form.fields.filter((f) => f.parentFieldId === null)
  const values = { ...record.fields, [fieldKey]: to }
  const states = fieldStates(top, form.fields, values, record, userId)
  return top.filter((f) => {
    if (f.apiKey === fieldKey || !(f.apiKey in record.fields)) return false
    const state = states.get(f.apiKey)
    if (!state?.visible || !state.required) return false
    return rendererOf(f.type).isEmpty(record.fields[f.apiKey] ?? null) && !rendererOf(f.type).computed
  })
}

/** The values to write with the move, or null when it is cancelled. */
type Answer = Record<string, unknown> | null

interface Ask {
  record: RecordDto
  stage: string
  fields: FieldDto[]
  message: string | null
  resolve(values: Answer): void
}

/**
 * `ask(record, fieldKey, to)` answers null when the move is cancelled, else the values to write
 * with it (write shape; {} when the stage asks for nothing). `askAfter` asks for the field a refusal
 * names (undefined when the refusal names none the user can fill). Render `dialog` once.
 */
export function useStageChange(form: StageForm): {
  ask(record: RecordDto, fieldKey: string, to: string | null, stageLabel: string): Promise<Record<string, unknown> | null>
  askAfter(error: unknown, record: RecordDto, fieldKey: string, stageLabel: string, already: Record<string, unknown>): Promise<Record<string, unknown> | null | undefined>
  dialog: ReactNode
} {
  const userId = useCurrentUserId()
  const [open, setOpen] = useState<Ask | null>(null)

  const show = useCallback((record: RecordDto, stage: string, fields: FieldDto[], message: string | null): Promise<Answer> => {
    return new Promise((resolve) => setOpen({ record, stage, fields, message, resolve }))
  }, [])

  const ask = useCallback(
    (record: RecordDto, fieldKey: string, to: string | null, stageLabel: string) => {
      const fields = stageRequirements(form, record, fieldKey, to, userId)
      return fields.length ? show(record, stageLabel, fields, null) : Promise.resolve({})
    },
    [form, userId, show]
  )

  const askAfter = useCallback(
    async (error: unknown, record: RecordDto, fieldKey: string, stageLabel: string, already: Record<string, unknown>) => {
      // A refusal naming a field of this form the user may fill (a form rule: 赢单 needs the signed contract).
      if (!(error instanceof ApiError) || error.code !== 'VALIDATION' || !error.field || error.field === fieldKey) return undefined
      const field = form.fields.find((f) => f.apiKey === error.field && f.parentFieldId === null)
      if (!field || !(field.apiKey in record.fields) || rendererOf(field.type).computed) return undefined
      const filled = { ...record, fields: { ...record.fields } }
      const more = await show(filled, stageLabel, [field], error.message)
      return more ? { ...already, ...more } : null
    },
    [form, show]
  )

  const dialog = open ? <StageDialog form={form} ask={open} onDone={(values) => {
    open.resolve(values)
    setOpen(null)
  }} /> : null

  return { ask, askAfter, dialog }
}

/** Inputs that lay out tiles or rows (an uploaded contract scan's name must stay readable): a wider dialog. */
const WIDE_INPUTS: ReadonlySet<string> = new Set(['attachment', 'subtable', 'richtext'])

function StageDialog({ form, ask, onDone }: { form: StageForm; ask: Ask; onDone(values: Record<string, unknown> | null): void }) {
  const { t } = useTranslation()
  const [values, setValues] = useState<Record<string, unknown>>(() => Object.fromEntries(ask.fields.map((f) => [f.apiKey, ask.record.fields[f.apiKey] ?? rendererOf(f.type).empty(f)])))
  const [errors, setErrors] = useState<Record<string, string>>({})
  const confirm = () => {
    const missing = ask.fields.filter((f) => rendererOf(f.type).isEmpty(values[f.apiKey] ?? null))
    if (missing.length) {
      setErrors(Object.fromEntries(missing.map((f) => [f.apiKey, t('value.required', { field: f.label })])))
      return
    }
    const out: Record<string, unknown> = {}
    for (const f of ask.fields) {
      const v = rendererOf(f.type).toWrite(values[f.apiKey] ?? null, f, { fields: form.fields })
      if (v !== undefined) out[f.apiKey] = v
    }
    onDone(out)
  }
  return (
    <Modal opened onClose={() => onDone(null)} title={t('documents.stage.title', { stage: ask.stage })} data-testid="stage-dialog" centered size={ask.fields.some((f) => WIDE_INPUTS.has(f.type)) ? 'lg' : 'md'}>
      <Stack gap="md">
        <Text size="sm">{t('documents.stage.intro', { stage: ask.stage })}</Text>
        {ask.message && (
          <Alert color="orange" variant="light">
            {ask.message}
          </Alert>
        )}
        <FormFieldsContext.Provider value={form.fields}>
          <FileScopeContext.Provider value={{ form: form.id, record: ask.record.id }}>
            {ask.fields.map((f) => {
              const Input = rendererOf(f.type).Input
              return (
                <div key={f.apiKey} data-field={f.apiKey}>
                  <Input field={{ ...f, required: true }} value={values[f.apiKey] ?? null} error={errors[f.apiKey]} onChange={(v) => {
                    setValues((prev) => ({ ...prev, [f.apiKey]: v }))
                    setErrors(({ [f.apiKey]: _gone, ...rest }) => rest)
                  }} />
                </div>
              )
            })}
          </FileScopeContext.Provider>
        </FormFieldsContext.Provider>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => onDone(null)} data-testid="stage-cancel">
            {t('documents.stage.cancel')}
          </Button>
          <Button onClick={confirm} data-testid="stage-confirm">
            {t('documents.stage.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
