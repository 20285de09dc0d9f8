import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import { Alert, Box, Button, Center, Drawer, Group, Loader, SimpleGrid, Stack, Tabs, Text } from '@mantine/core'
import { IconAlertCircle, IconHistory, IconListDetails, IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FormDto, RecordDto } from '@shared/api/contracts'
import { api, ApiError, errorMessage } from '../../api/client'
import { FormFieldsContext } from '../../fields/context'
import { formatInstant } from '../../fields/datetime'
import { rendererOf } from '../../fields/registry'
import type { WriteContext } from '../../fields/types'
import { notifyError, notifySuccess } from '../../lib/notify'
import { ConfirmDialog } from '../ConfirmDialog'
import { OwnerSection } from './OwnerSection'
import { RecordHistory } from './RecordHistory'

type Values = Record<string, unknown>

interface Props {
  form: FormDto
  /** Top-level live fields in designer order. */
  fields: FieldDto[]
  /** Every live field, sub-table children included. */
  allFields: FieldDto[]
  /** null: a new record. */
  recordId: number | null
  opened: boolean
  onClose(): void
  onSaved(record: RecordDto, created: boolean): void
  onDelete(record: RecordDto): Promise<void>
  /** Something was saved without closing the drawer (owner, collaborators): the list reloads. */
  onChanged?(): void
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/** The record form, generated from the field definitions: create, edit, delete, history. */
export function RecordDrawer({ form, fields, allFields, recordId, opened, onClose, onSaved, onDelete, onChanged }: Props) {
  const { t } = useTranslation()
  const [record, setRecord] = useState<RecordDto | null>(null)
  const [initial, setInitial] = useState<Values>({})
  const [values, setValues] = useState<Values>({})
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [loading, setLoading] = useState(false)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const [tab, setTab] = useState<string | null>('details')
  const [confirm, setConfirm] = useState<'delete' | 'discard' | null>(null)
  const [deleting, setDeleting] = useState(false)
  const bodyRef = useRef<HTMLDivElement>(null)
  const ctx: WriteContext = useMemo(() => ({ fields: allFields }), [allFields])

  useEffect(() => {
    if (!opened) return
    setErrors({})
    setLoadError(null)
    setTab('details')
    if (recordId === null) {
      const empty: Values = {}
      for (const f of fields) empty[f.apiKey] = rendererOf(f.type).empty(f)
      setRecord(null)
      setInitial(empty)
      setValues(empty)
      return
    }
    let live = true
    setLoading(true)
    api.records
      .get({ form: form.id, id: recordId })
      .then(
        (loaded) => {
          if (!live) return
          setRecord(loaded)
          setInitial(loaded.fields)
          setValues(loaded.fields)
        },
        (error: unknown) => live && setLoadError(errorMessage(error))
      )
      .finally(() => live && setLoading(false))
    return () => {
      live = false
    }
  }, [opened, recordId, form.id, fields])

  /** Only changed fields are sent: untouched fields keep their server-side defaults and values. */
  const changes = (): Values => {
    const out: Values = {}
    for (const f of fields) {
      const renderer = rendererOf(f.type)
      const next = renderer.toWrite(values[f.apiKey] ?? null, f, ctx)
      if (next === undefined) continue
      if (!same(next, renderer.toWrite(initial[f.apiKey] ?? null, f, ctx))) out[f.apiKey] = next
    }
    return out
  }
  const dirty = opened && !loading && Object.keys(changes()).length > 0

  const missingRequired = (): Record<string, string> => {
    const found: Record<string, string> = {}
    for (const f of fields) {
      const renderer = rendererOf(f.type)
      if (!f.required || renderer.computed || (recordId === null && f.defaultValue !== null && f.defaultValue !== undefined)) continue
      if (renderer.toWrite(values[f.apiKey] ?? null, f, ctx) === undefined) continue
      if (renderer.isEmpty(values[f.apiKey])) found[f.apiKey] = t('value.required', { field: f.label })
    }
    return found
  }

  const focusFirstError = () => {
    requestAnimationFrame(() => bodyRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], [data-error="true"]')?.scrollIntoView({ block: 'center', behavior: 'smooth' }))
  }

  const save = async (event?: FormEvent) => {
    event?.preventDefault()
    const missing = missingRequired()
    setErrors(missing)
    if (Object.keys(missing).length) {
      setTab('details')
      focusFirstError()
      return
    }
    const payload = changes()
    if (recordId !== null && Object.keys(payload).length === 0) {
      onClose()
      return
    }
    setSaving(true)
    try {
      const saved =
        recordId === null
          ? await api.records.create({ form: form.id, fields: payload })
          : await api.records.update({ form: form.id, id: recordId, fields: payload, version: record?.version })
      notifySuccess(recordId === null ? t('record.created') : t('common.saved'))
      onSaved(saved, recordId === null)
    } catch (error) {
      // A message about a field goes under that field; anything else is a notification.
      if (error instanceof ApiError && error.field && fields.some((f) => f.apiKey === error.field)) {
        setErrors({ [error.field]: error.message })
        setTab('details')
        focusFirstError()
      } else {
        notifyError(error)
      }
    } finally {
      setSaving(false)
    }
  }

  const requestClose = () => (dirty ? setConfirm('discard') : onClose())

  const title =
    recordId === null ? t('record.newTitle', { form: form.label }) : t('record.editTitle', { form: form.label, id: recordId })

  const formBody = (
    <form onSubmit={save} noValidate data-testid="record-form">
      <FormFieldsContext.Provider value={allFields}>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="md">
          {fields.map((field) => {
            const renderer = rendererOf(field.type)
            const Input = renderer.Input
            return (
              <Box key={field.id} style={renderer.wide ? { gridColumn: '1 / -1' } : undefined} data-field={field.apiKey} data-error={errors[field.apiKey] ? 'true' : undefined}>
                <Input
                  field={field}
                  value={values[field.apiKey] ?? null}
                  error={errors[field.apiKey]}
                  onChange={(v) => {
                    setValues((prev) => ({ ...prev, [field.apiKey]: v }))
                    if (errors[field.apiKey]) setErrors(({ [field.apiKey]: _gone, ...rest }) => rest)
                  }}
                />
              </Box>
            )
          })}
        </SimpleGrid>
      </FormFieldsContext.Provider>
      {/* Enter in a text input submits the form. */}
      <button type="submit" hidden aria-hidden tabIndex={-1} />
    </form>
  )

  return (
    <>
      <Drawer
        opened={opened}
        onClose={requestClose}
        position="right"
        size="xl"
        title={
          <Text fw={600} size="lg">
            {title}
          </Text>
        }
        padding="lg"
        closeButtonProps={{ 'aria-label': t('common.close') }}
        styles={{ body: { display: 'flex', flexDirection: 'column', minHeight: 'calc(100% - 70px)', paddingBottom: 0 } }}
      >
        {loading ? (
          <Center py="xl">
            <Loader />
          </Center>
        ) : loadError ? (
          <Alert color="red" title={t('record.loadFailed')} icon={<IconAlertCircle size={18} />}>
            {loadError}
          </Alert>
        ) : (
          <Stack gap="md" style={{ flex: 1 }} ref={bodyRef}>
            {record && (
              <Text size="xs" c="dimmed">
                {t('record.meta', {
                  creator: record.createdBy?.name ?? t('history.system'),
                  createdAt: formatInstant(record.createdAt),
                  updatedAt: formatInstant(record.updatedAt)
                })}
              </Text>
            )}
            {recordId === null ? (
              formBody
            ) : (
              <Tabs value={tab} onChange={setTab} keepMounted={false}>
                <Tabs.List mb="md">
                  <Tabs.Tab value="details" leftSection={<IconListDetails size={16} />}>
                    {t('record.tabDetails')}
                  </Tabs.Tab>
                  <Tabs.Tab value="history" leftSection={<IconHistory size={16} />}>
                    {t('record.tabHistory')}
                  </Tabs.Tab>
                </Tabs.List>
                <Tabs.Panel value="details">
                  <Stack gap="md">
                    {record && <OwnerSection form={form} record={record} onRecordChange={setRecord} onChanged={onChanged} />}
                    {formBody}
                  </Stack>
                </Tabs.Panel>
                <Tabs.Panel value="history">{tab === 'history' && <RecordHistory form={form} recordId={recordId} fields={allFields} />}</Tabs.Panel>
              </Tabs>
            )}
            <Box style={{ flex: 1 }} />
            <Group
              justify="space-between"
              py="md"
              pos="sticky"
              bottom={0}
              bg="var(--mantine-color-body)"
              style={{ borderTop: '1px solid var(--mantine-color-gray-3)', zIndex: 2 }}
            >
              <div>
                {record && (
                  <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => setConfirm('delete')}>
                    {t('common.delete')}
                  </Button>
                )}
              </div>
              <Group gap="sm">
                <Button variant="default" onClick={requestClose}>
                  {t('common.cancel')}
                </Button>
                <Button onClick={() => void save()} loading={saving} data-testid="record-save">
                  {t('common.save')}
                </Button>
              </Group>
            </Group>
          </Stack>
        )}
      </Drawer>
      <ConfirmDialog
        opened={confirm === 'delete'}
        title={t('record.deleteConfirmTitle')}
        message={t('record.deleteConfirmBody')}
        confirmLabel={t('common.delete')}
        danger
        busy={deleting}
        onCancel={() => setConfirm(null)}
        onConfirm={async () => {
          if (!record) return
          setDeleting(true)
          try {
            await onDelete(record)
            setConfirm(null)
          } finally {
            setDeleting(false)
          }
        }}
      />
      <ConfirmDialog
        opened={confirm === 'discard'}
        title={t('record.unsavedTitle')}
        message={t('record.unsavedBody')}
        confirmLabel={t('record.discard')}
        danger
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          setConfirm(null)
          onClose()
        }}
      />
    </>
  )
}
