import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import { ActionIcon, Alert, Badge, Box, Button, Center, Drawer, Group, Kbd, Loader, Modal, Stack, Tabs, Text, Title, Tooltip } from '@mantine/core'
import { useHotkeys } from '@mantine/hooks'
import { IconAlertCircle, IconArrowsMaximize, IconArrowsMinimize, IconHistory, IconLink, IconListDetails, IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FormDto, RecordDto, RecordWriteResult } from '@shared/api/contracts'
import { api, ApiError, errorMessage, queuedOffline } from '../../api/client'
import { FormFieldsContext } from '../../fields/context'
import { formatInstant } from '../../fields/datetime'
import { recordTitle } from '../../fields/relation'
import { rendererOf } from '../../fields/registry'
import type { WriteContext } from '../../fields/types'
import { notifyError, notifySuccess } from '../../lib/notify'
import { addUnsavedGuard } from '../../lib/unsaved'
import { ConfirmDialog } from '../ConfirmDialog'
import { useFieldStates } from '../record/conditions'
import { resolveLayout, tabOfField } from '../record/layout'
import { RecordSections } from '../record/RecordSections'
import { applyFill, computeLive, pendingFills } from '../record/live'
import { FileScopeContext } from '../../lib/files'
import { RelatedLists } from '../record/RelatedLists'
import { maySave, permitsOf, useFormAccess } from '../../lib/form-access'
import { RecordFlowPanel } from '../flows/RecordFlowPanel'
import { recordExtensions, type RecordExtensionProps } from '../record/extensions'
import '../documents/register'
import '../print/register'
import { OwnerSection } from './OwnerSection'
import { RecordHistory } from './RecordHistory'
import { savedOutOfScope } from './saved'
import { useLiveRecord } from './LiveRecord'
import { usePhone } from '../../lib/phone'
import { ContactLinks } from '../mobile/ContactLinks'

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
  /** Saved: the record as the user sees it now, or saved out of their sight (the drawer then closes itself). */
  onSaved(record: RecordWriteResult, created: boolean): void
  onDelete(record: RecordDto): Promise<void>
  /** Something was saved without closing the drawer (owner, collaborators): the list reloads. */
  onChanged?(): void
  /** A new record starts with these values (API read shape, by field API key), e.g. the parent it is linked to. */
  preset?: Values
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

const HISTORY = '__history'
const RELATED = '__related'

const WIDE_KEY = 'jimu.recordDrawerWide'
/** Whether the record opens across the whole window; remembered on this computer. */
function readWide(): boolean {
  try {
    return localStorage.getItem(WIDE_KEY) === '1'
  } catch {
    return false
  }
}
function writeWide(wide: boolean): void {
  try {
    localStorage.setItem(WIDE_KEY, wide ? '1' : '0')
  } catch {
    // Storage disabled: the choice lasts until the page reloads.
  }
}

/** Open record drawers, newest last: keyboard shortcuts go to the topmost one only. */
const openDrawers: symbol[] = []

/**
 * The record page: the form rendered from its definition (tabs, sections, columns, conditional
 * fields), its related records, its history, and the owner. Create, edit, delete.
 */
export function RecordDrawer({ form, fields, allFields, recordId, opened, onClose, onSaved, onDelete, onChanged, preset }: Props) {
  const { t } = useTranslation()
  const [record, setRecord] = useState<RecordDto | null>(null)
  const [initial, setInitial] = useState<Values>({})
  const [values, setValues] = useState<Values>({})
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [loading, setLoading] = useState(false)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const [tab, setTab] = useState<string | null>(null)
  const [confirmDelete, setConfirmDelete] = useState(false)
  /** What to do once the user agreed to drop their edits (close, or leave for another page). */
  const [leaving, setLeaving] = useState<{ proceed(): void } | null>(null)
  const [deleting, setDeleting] = useState(false)
  const [relatedCount, setRelatedCount] = useState<number | null>(null)
  const [identity] = useState(() => Symbol('record-drawer'))
  const [wide, setWide] = useState(() => readWide())
  // At phone width the record fills the screen; its sections are one column there already.
  const phone = usePhone()
  const toggleWide = () =>
    setWide((was) => {
      writeWide(!was)
      return !was
    })
  const bodyRef = useRef<HTMLDivElement>(null)
  const ctx: WriteContext = useMemo(() => ({ fields: allFields }), [allFields])
  const tabs = useMemo(() => resolveLayout(form.layout, fields), [form.layout, fields])
  const states = useFieldStates(fields, allFields, values, record)
  const presetKey = JSON.stringify(preset ?? null)
  // Greyed out: fields the viewer's roles make read-only, and while the record is in an approval,
  // those the viewer's step does not let them change (the server refuses both anyway).
  const access = useFormAccess(form.id)
  const [flowEditable, setFlowEditable] = useState<string[] | null>(null)
  useEffect(() => setFlowEditable(null), [recordId])
  const permits = permitsOf(access)
  // Without the right to save (view-only on an existing record, no create on a new one) every field is read-only.
  const canSave = maySave(permits, recordId === null)
  const locked = useMemo(() => {
    const out = new Set(access?.readonly)
    if (!maySave(permitsOf(access), recordId === null)) for (const f of fields) out.add(f.apiKey)
    if (flowEditable && recordId !== null) for (const f of fields) if (!flowEditable.includes(f.apiKey)) out.add(f.apiKey)
    return out
  }, [access, flowEditable, fields, recordId])

  useEffect(() => {
    if (!opened) return
    setErrors({})
    setLoadError(null)
    setTab(tabs[0]?.id ?? null)
    setRelatedCount(null)
    if (recordId === null) {
      const empty: Values = {}
      for (const f of fields) empty[f.apiKey] = rendererOf(f.type).empty(f)
      const start = { ...empty, ...(JSON.parse(presetKey) as Values | null) }
      setRecord(null)
      // The preset is where the record starts, not an edit: closing right away asks nothing.
      setInitial(start)
      setValues(start)
      return
    }
    let live = true
    setLoading(true)
    api.records
      .get({ form: form.id, id: recordId })
      .then(
        (loaded) => {
          if (!live) return
          // For 我的工作台 → 最近打开; forgetting one costs nothing, so a failure is not shown.
          void api.workbench.opened({ form: form.id, id: loaded.id }).catch(() => undefined)
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
  }, [opened, recordId, form.id, fields, presetKey, tabs])

  /** Only changed fields are sent: untouched fields keep their server-side defaults and values. */
  const changes = useCallback((): Values => {
    const out: Values = {}
    for (const f of fields) {
      const renderer = rendererOf(f.type)
      const next = renderer.toWrite(values[f.apiKey] ?? null, f, ctx)
      if (next === undefined) continue
      if (recordId === null || !same(next, renderer.toWrite(initial[f.apiKey] ?? null, f, ctx))) {
        // A new record sends what differs from a blank form (presets included).
        if (recordId === null && same(next, renderer.toWrite(renderer.empty(f), f, ctx))) continue
        out[f.apiKey] = next
      }
    }
    return out
  }, [fields, values, initial, ctx, recordId])

  const edited = useMemo(() => {
    for (const f of fields) {
      const renderer = rendererOf(f.type)
      const a = renderer.toWrite(values[f.apiKey] ?? null, f, ctx)
      if (a === undefined) continue
      if (!same(a, renderer.toWrite(initial[f.apiKey] ?? null, f, ctx))) return true
    }
    return false
  }, [fields, values, initial, ctx])
  const dirty = opened && !loading && edited
  // Changed by someone else while open (LiveRecord.tsx): refresh, or keep my edits over their version.
  const liveRecord = useLiveRecord({
    formId: form.id, recordId: opened ? recordId : null, record, fields, dirty, saving,
    apply: (fresh, keepMine) => {
      const mine: Values = {}
      if (keepMine)
        for (const f of fields) {
          const renderer = rendererOf(f.type)
          const a = renderer.toWrite(values[f.apiKey] ?? null, f, ctx)
          if (a !== undefined && !same(a, renderer.toWrite(initial[f.apiKey] ?? null, f, ctx))) mine[f.apiKey] = values[f.apiKey]
        }
      setRecord(fresh)
      setInitial(fresh.fields)
      setValues({ ...fresh.fields, ...mine })
    }
  })

  const missingRequired = (): Record<string, string> => {
    const found: Record<string, string> = {}
    for (const f of fields) {
      const renderer = rendererOf(f.type)
      const state = states.get(f.apiKey)
      // A hidden or locked field cannot be filled in here, so it is never asked for.
      if (state?.visible === false || locked.has(f.apiKey)) continue
      const required = state?.required ?? f.required
      if (!required || renderer.computed || (recordId === null && f.required && f.defaultValue !== null && f.defaultValue !== undefined)) continue
      if (renderer.toWrite(values[f.apiKey] ?? null, f, ctx) === undefined) continue
      if (renderer.isEmpty(values[f.apiKey])) found[f.apiKey] = t('value.required', { field: f.label })
    }
    return found
  }

  const showFirstError = (keys: string[]) => {
    const target = keys.map((k) => tabOfField(tabs, k)).find((id) => id !== null)
    if (target) setTab(target)
    requestAnimationFrame(() =>
      requestAnimationFrame(() => bodyRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], [data-error="true"]')?.scrollIntoView({ block: 'center', behavior: 'smooth' }))
    )
  }

  /** Resolves true when the record was saved (or nothing needed saving). */
  const save = async (event?: FormEvent): Promise<boolean> => {
    event?.preventDefault()
    if (saving || !canSave) return false
    const missing = missingRequired()
    setErrors(missing)
    if (Object.keys(missing).length) {
      showFirstError(Object.keys(missing))
      return false
    }
    const payload = changes()
    if (recordId !== null && Object.keys(payload).length === 0) {
      onClose()
      return true
    }
    setSaving(true)
    try {
      const saved =
        recordId === null
          ? await api.records.create({ form: form.id, fields: payload })
          : await api.records.update({ form: form.id, id: recordId, fields: payload, version: record?.version })
      // Saved out of the user's sight (a rule assigned it away): say so; the edits are saved all the same.
      notifySuccess(savedOutOfScope(saved) ? saved.message : queuedOffline(saved) ? t('sync.savedOffline') : recordId === null ? t('record.created') : t('common.saved'))
      // The edits are saved: nothing to guard any more.
      setInitial(values)
      release()
      onSaved(saved, recordId === null)
      if (savedOutOfScope(saved)) onClose()
      return true
    } catch (error) {
      // A message about a field goes under that field; anything else is a notification.
      // (A field hidden by its condition cannot show a message: that one is a notification too.)
      if (error instanceof ApiError && error.field && fields.some((f) => f.apiKey === error.field) && states.get(error.field)?.visible !== false) {
        setErrors({ [error.field]: error.message })
        showFirstError([error.field])
      } else {
        notifyError(error)
      }
      return false
    } finally {
      setSaving(false)
    }
  }

  // While edits are unsaved, leaving for another page asks first.
  const releaseGuard = useRef<(() => void) | null>(null)
  useEffect(() => {
    if (!dirty) return
    const remove = addUnsavedGuard((proceed) => setLeaving({ proceed }))
    releaseGuard.current = remove
    return () => {
      remove()
      releaseGuard.current = null
    }
  }, [dirty])
  /** Leaving on purpose (saved, discarded): the guard goes now, not on the next render. */
  const release = () => releaseGuard.current?.()

  useEffect(() => {
    if (!opened) return
    openDrawers.push(identity)
    return () => {
      const index = openDrawers.indexOf(identity)
      if (index >= 0) openDrawers.splice(index, 1)
    }
  }, [opened, identity])

  // Ctrl+S saves while typing too; only the topmost drawer answers.
  useHotkeys(
    [
      [
        'mod+S',
        () => {
          if (opened && openDrawers[openDrawers.length - 1] === identity && !loading && !loadError && !leaving && !confirmDelete) void save()
        }
      ]
    ],
    []
  )

  // Asked on the next tick: the Escape that closes the drawer must not also reach the question
  // (its window listener is added while that same key event is still bubbling).
  const requestClose = () => (dirty ? setTimeout(() => setLeaving({ proceed: onClose }), 0) : onClose())
  const requestCloseRef = useRef(requestClose)
  useEffect(() => {
    requestCloseRef.current = requestClose
  })

  // Esc closes (through the guard) only the topmost record drawer, and only when no dialog is
  // open over it: Mantine closes every open modal on Esc, so the drawer handles the key itself,
  // after the dialogs (they listen in the capture phase) have taken theirs.
  useEffect(() => {
    if (!opened) return
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.isComposing) return
      if (openDrawers[openDrawers.length - 1] !== identity) return
      if ((event.target as HTMLElement | null)?.getAttribute?.('data-mantine-stop-propagation') === 'true') return
      // Any other dialog (a confirmation, the image preview, the command palette, a date popover) takes Esc itself.
      if (document.querySelector('[role="dialog"]:not(.mantine-Drawer-content)')) return
      requestCloseRef.current()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [opened, identity])

  const title = recordId === null ? t('record.newTitle', { form: form.label }) : t('record.editTitle', { form: form.label, id: recordId })
  const heading = record ? recordTitle(record, form) : null

  const errorCount = (tabId: string) => {
    const tabDef = tabs.find((x) => x.id === tabId)
    return tabDef ? tabDef.sections.reduce((n, s) => n + s.fields.filter((f) => errors[f.apiKey]).length, 0) : 0
  }

  const onFieldChange = (field: FieldDto, v: unknown) => {
    const next = { ...values, [field.apiKey]: v }
    setValues((prev) => ({ ...prev, [field.apiKey]: v }))
    if (errors[field.apiKey]) setErrors(({ [field.apiKey]: _gone, ...rest }) => rest)
    // 关联带出: a relation picked fills its dependent empty fields (报价明细 单价 ← 产品 标准单价).
    for (const fill of pendingFills(allFields, values, next)) {
      void api.records.get({ form: fill.formId, id: fill.id }).then(
        (related) => setValues((prev) => applyFill(prev, fill, related.fields[fill.targetFieldKey])),
        // The picked record cannot be read (gone, out of sight): nothing is filled; saving says the rest.
        () => undefined
      )
    }
  }
  // Formulas as the user types (小计, 总额), with the engine the server uses; it computes them again on save.
  const shown = useMemo(() => computeLive(allFields, values), [allFields, values])

  const showTabList = tabs.length > 1 || recordId !== null
  const currentTab = tab ?? tabs[0]?.id ?? null

  const extensions = recordExtensions(form)
  const extensionProps: RecordExtensionProps = {
    form, record, values, onChanged, close: onClose,
    onRecordChange: (next) => {
      setRecord(next)
      setInitial(next.fields)
      setValues(next.fields)
      onChanged?.()
    }
  }

  const formBody = (
    <form onSubmit={(e) => void save(e)} noValidate data-testid="record-form">
      <FormFieldsContext.Provider value={allFields}>
        <FileScopeContext.Provider value={recordId === null ? null : { form: form.id, record: recordId }}>
        {showTabList ? (
          tabs.map((tabDef) => (
            <Box key={tabDef.id} hidden={currentTab !== tabDef.id} data-testid={`record-tab-panel-${tabDef.id}`}>
              <RecordSections tab={tabDef} values={shown} errors={errors} states={states} locked={locked} onChange={onFieldChange} />
            </Box>
          ))
        ) : (
          <RecordSections tab={tabs[0]} values={shown} errors={errors} states={states} locked={locked} onChange={onFieldChange} />
        )}
        </FileScopeContext.Provider>
      </FormFieldsContext.Provider>
      {/* Enter in a text input submits the form. */}
      <button type="submit" hidden aria-hidden tabIndex={-1} />
    </form>
  )

  const onFormTab = currentTab !== HISTORY && currentTab !== RELATED

  return (
    <>
      <Drawer
        opened={opened}
        onClose={requestClose}
        closeOnEscape={false}
        position="right"
        size={wide || phone ? '100%' : 960}
        title={
          <Text fw={600} size="md" c="dimmed">
            {title}
          </Text>
        }
        padding={phone ? 'sm' : 'lg'}
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
          <Stack gap="md" style={{ flex: 1 }} ref={bodyRef} w="100%" maw={wide ? 1280 : undefined} mx="auto">
            {liveRecord.banner}
            {record && (
              <Group justify="space-between" align="flex-start" wrap={phone ? 'wrap' : 'nowrap'} gap="sm">
                <Stack gap={4} style={{ minWidth: 0 }}>
                  <Title order={3} lineClamp={2} data-testid="record-heading">
                    {heading}
                  </Title>
                  <Text size="xs" c="dimmed">
                    {t('record.meta', {
                      creator: record.createdBy?.name ?? t('history.system'),
                      createdAt: formatInstant(record.createdAt),
                      updatedAt: formatInstant(record.updatedAt)
                    })}
                  </Text>
                </Stack>
                <Group gap="xs" wrap={phone ? 'wrap' : 'nowrap'}>
                  {extensions.map((x) => x.Actions && <x.Actions key={x.key} {...extensionProps} />)}
                <Tooltip label={wide ? t('record.narrow') : t('record.widen')}>
                  <ActionIcon variant="subtle" color="gray" visibleFrom="sm" onClick={toggleWide} aria-label={wide ? t('record.narrow') : t('record.widen')} data-testid="record-widen">
                    {wide ? <IconArrowsMinimize size={18} /> : <IconArrowsMaximize size={18} />}
                  </ActionIcon>
                </Tooltip>
                </Group>
              </Group>
            )}
            {phone && record && <ContactLinks fields={fields} values={record.fields} />}
            {record && (
              <OwnerSection
                form={form}
                record={record}
                canAssign={access?.actions.includes('transfer') ?? false}
                onRecordChange={setRecord}
                onChanged={onChanged}
                onGone={() => {
                  release()
                  onChanged?.()
                  onClose()
                }}
              />
            )}
            {record && <RecordFlowPanel key={liveRecord.tick} form={form} recordId={record.id} canSubmit={permits.submit} onEditable={setFlowEditable} onChanged={() => void api.records.get({ form: form.id, id: record.id }).then(setRecord)} />}
            {showTabList ? (
              <Tabs value={currentTab} onChange={setTab} keepMounted={false}>
                <Tabs.List mb="md">
                  {tabs.map((tabDef) => {
                    const count = errorCount(tabDef.id)
                    return (
                      <Tabs.Tab
                        key={tabDef.id}
                        value={tabDef.id}
                        leftSection={tabs.length === 1 ? <IconListDetails size={16} /> : undefined}
                        rightSection={count ? <Badge size="xs" color="red" circle>{count}</Badge> : undefined}
                      >
                        {tabDef.label || t('record.tabDetails')}
                      </Tabs.Tab>
                    )
                  })}
                  {record && (
                    <>
                      <Tabs.Tab
                        value={RELATED}
                        ml={tabs.length > 1 ? 'auto' : undefined}
                        leftSection={<IconLink size={16} />}
                        rightSection={relatedCount ? <Badge size="xs" variant="light" color="gray" circle={relatedCount < 10}>{relatedCount}</Badge> : undefined}
                        data-testid="tab-related"
                      >
                        {t('record.tabRelated')}
                      </Tabs.Tab>
                      <Tabs.Tab value={HISTORY} leftSection={<IconHistory size={16} />}>
                        {t('record.tabHistory')}
                      </Tabs.Tab>
                    </>
                  )}
                </Tabs.List>
              </Tabs>
            ) : null}
            {/* Every part stays mounted under the other tabs: nothing typed is lost when switching, and the related count shows at once. */}
            {onFormTab && extensions.map((x) => x.Notice && <x.Notice key={x.key} {...extensionProps} />)}
            <Box hidden={!onFormTab}>{formBody}</Box>
            {record && (
              <Box hidden={currentTab !== RELATED} data-testid="record-related">
                <RelatedLists form={form} record={record} title={heading ?? ''} onCount={setRelatedCount} />
              </Box>
            )}
            {record && currentTab === HISTORY && <RecordHistory form={form} recordId={record.id} fields={allFields} />}
            <Box style={{ flex: 1 }} />
            <Group
              justify="space-between"
              py="md"
              pos="sticky"
              bottom={0}
              bg="var(--mantine-color-body)"
              style={{ borderTop: '1px solid var(--jimu-border)', zIndex: 2 }}
            >
              <div>
                {record && permits.delete && (
                  <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => setConfirmDelete(true)} data-testid="record-delete">
                    {t('common.delete')}
                  </Button>
                )}
              </div>
              <Group gap="sm">
                {canSave && (
                  <Text size="xs" c="dimmed" visibleFrom="sm">
                    <Kbd size="xs">Ctrl</Kbd> + <Kbd size="xs">S</Kbd> {t('record.saveHint')}
                  </Text>
                )}
                <Button variant="default" onClick={requestClose}>
                  {canSave ? t('common.cancel') : t('common.close')}
                </Button>
                {canSave && (
                  <Button onClick={() => void save()} loading={saving} data-testid="record-save">
                    {t('common.save')}
                  </Button>
                )}
              </Group>
            </Group>
          </Stack>
        )}
      </Drawer>
      <ConfirmDialog
        opened={confirmDelete}
        title={t('record.deleteConfirmTitle')}
        message={t('record.deleteConfirmBody')}
        confirmLabel={t('common.delete')}
        danger
        busy={deleting}
        onCancel={() => setConfirmDelete(false)}
        onConfirm={async () => {
          if (!record) return
          setDeleting(true)
          try {
            await onDelete(record)
            setConfirmDelete(false)
          } finally {
            setDeleting(false)
          }
        }}
      />
      <Modal
        opened={leaving !== null}
        onClose={() => setLeaving(null)}
        title={<Text fw={600}>{t('record.unsavedTitle')}</Text>}
        centered
        size="sm"
        zIndex={400}
      >
        <Text size="sm">{t('record.unsavedLeaveBody')}</Text>
        <Group justify="flex-end" mt="lg" gap="sm">
          <Button variant="default" onClick={() => setLeaving(null)} data-autofocus>
            {t('record.keepEditing')}
          </Button>
          <Button
            color="red"
            variant="light"
            onClick={() => {
              const next = leaving
              setLeaving(null)
              // Dropped: the form goes back to what was loaded, so no guard asks again.
              setValues(initial)
              release()
              next?.proceed()
            }}
          >
            {t('record.discard')}
          </Button>
        </Group>
      </Modal>
    </>
  )
}
