import { useCallback, useEffect, useMemo, useReducer, useState } from 'react'
import { ActionIcon, Badge, Box, Button, Center, Group, Loader, Text, Tooltip } from '@mantine/core'
import {
  DndContext,
  DragOverlay,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useSensor,
  useSensors,
  type CollisionDetection,
  type DragEndEvent,
  type DragStartEvent
} from '@dnd-kit/core'
import { useHotkeys } from '@mantine/hooks'
import { IconArrowBackUp, IconArrowForwardUp, IconArrowLeft, IconDeviceFloppy, IconEye, IconTrashX, IconWorldUpload } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FormDto } from '@shared/api/contracts'
import type { FieldType, SelectOption } from '@shared/field-types'
import { api, errorMessage } from '../api/client'
import { Canvas, type Selection } from '../components/designer/Canvas'
import { DeletedFields } from '../components/designer/DeletedFields'
import { fieldFromDto, fieldKeyOf, fromForm, historyReducer, initHistory, makeField, newKey, type Draft, type DraftField } from '../components/designer/draft'
import { CHILD_TYPES, TYPE_ICON } from '../components/designer/field-meta'
import { Palette, PaletteChip } from '../components/designer/Palette'
import { PreviewDrawer } from '../components/designer/PreviewDrawer'
import { previewFields } from '../components/designer/preview-fields'
import { PropertyPanel } from '../components/designer/PropertyPanel'
import { applyPlan, dryRunTypeChanges, planIsEmpty, planSave, validateDraft, type DryRunReport, type SavePlan } from '../components/designer/save'
import { SaveReview } from '../components/designer/SaveReview'
import classes from '../components/designer/designer.module.css'
import { clearCache } from '../lib/cache'
import { notifyError, notifySuccess } from '../lib/notify'
import { guardedNavigate } from '../lib/unsaved'
import { useLeaveGuard } from '../components/LeaveGuard'
import { notifications } from '@mantine/notifications'
import { PublishFormModal } from '../components/publicforms/PublishFormModal'

// The form designer: palette, canvas and property panel over an unsaved draft with undo/redo.
// Saving applies the difference to the saved form in one forms.design call, one transaction
// (see save.ts), after showing what a deletion or a type change does to existing data.

interface Props {
  formId: number
  /** The navigation lists form names: it reloads after a save. */
  onFormsChanged(): void
}

const SAVE_API = {
  fieldsCreate: api.fields.create,
  fieldsUpdate: api.fields.update,
  fieldsDelete: api.fields.delete,
  formsUpdate: api.forms.update,
  formsGet: api.forms.get,
  formsDesign: api.forms.design
}

/** Palette items, canvas cards and sub-table columns nest; the innermost target under the pointer wins. */
const RANK: Record<string, number> = { child: 0, children: 1, field: 2, section: 3 }
const collisions: CollisionDetection = (args) => {
  const within = pointerWithin(args)
  const found = within.length ? within : rectIntersection(args)
  return [...found].sort((a, b) => (RANK[String(a.id).split(':')[0]] ?? 9) - (RANK[String(b.id).split(':')[0]] ?? 9))
}

export function DesignerPage({ formId, onFormsChanged }: Props) {
  const { t } = useTranslation()
  const [form, setForm] = useState<FormDto | null>(null)
  const [forms, setForms] = useState<FormDto[]>([])
  const [failure, setFailure] = useState<string | null>(null)
  const labels = useMemo(() => ({ tab: t('designer.defaultTab'), section: null }), [t])

  const load = useCallback(async () => {
    const [loaded, all] = await Promise.all([api.forms.get({ form: formId }), api.forms.list()])
    setForm(loaded)
    setForms(all)
    return loaded
  }, [formId])

  useEffect(() => {
    load().catch((error: unknown) => setFailure(errorMessage(error)))
  }, [load])

  if (failure) {
    return (
      <Center h="60vh">
        <Text c="red">{failure}</Text>
      </Center>
    )
  }
  if (!form) {
    return (
      <Center h="60vh">
        <Loader />
      </Center>
    )
  }
  return <Designer key={form.id} initial={form} forms={forms} labels={labels} reload={load} onFormsChanged={onFormsChanged} />
}

interface DesignerProps {
  initial: FormDto
  forms: FormDto[]
  labels: { tab: string; section: string | null }
  reload(): Promise<FormDto>
  onFormsChanged(): void
}

type DragItem = { kind: 'new'; fieldType: FieldType } | { kind: 'field'; key: string } | { kind: 'child'; key: string } | null

function Designer({ initial, forms, labels, reload, onFormsChanged }: DesignerProps) {
  const { t } = useTranslation()
  const [form, setForm] = useState(initial)
  const [baseline, setBaseline] = useState<Draft>(() => fromForm(initial, labels))
  const [history, dispatchHistory] = useReducer(historyReducer, baseline, initHistory)
  const draft = history.present
  const dispatch = dispatchHistory
  const [selection, setSelection] = useState<Selection>(null)
  const [activeTab, setActiveTab] = useState(draft.tabs[0].id)
  const [dragging, setDragging] = useState<DragItem>(null)
  const [overId, setOverId] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const [review, setReview] = useState<{ plan: SavePlan; reports: Map<string, DryRunReport> } | null>(null)
  const [deletedOpen, setDeletedOpen] = useState(false)
  const [previewOpen, setPreviewOpen] = useState(false)
  const [publishOpen, setPublishOpen] = useState(false)

  const dirty = useMemo(() => JSON.stringify(draft) !== JSON.stringify(baseline), [draft, baseline])
  const allDtos = useMemo(() => previewFields(draft), [draft])
  const dtos = useMemo(() => new Map(allDtos.map((d) => [d.apiKey, d])), [allDtos])
  const tab = draft.tabs.find((x) => x.id === activeTab) ?? draft.tabs[0]
  const deletedCount = form.fields.filter((f) => f.deletedAt !== null).length

  // ---------- leaving with unsaved changes ----------
  // Links, the back button and closing the window ask through the shell's guard while the draft differs.
  const leaveGuard = useLeaveGuard(dirty, { title: t('designer.leaveTitle'), message: t('designer.leaveBody') })

  // ---------- undo / redo ----------
  const undo = () => dispatch({ type: 'undo' })
  const redo = () => dispatch({ type: 'redo' })
  useHotkeys([
    ['mod+z', undo],
    ['mod+shift+z', redo],
    ['mod+y', redo],
    ['mod+s', () => void save()],
    ['Delete', () => selection?.kind === 'field' && removeField(selection.key)]
  ])

  // ---------- adding fields ----------
  const uniqueLabel = (base: string, parentKey: string | null) => {
    const taken = new Set(Object.values(draft.fields).filter((f) => f.parentKey === parentKey).map((f) => f.label))
    if (!taken.has(base)) return base
    for (let i = 2; ; i++) if (!taken.has(`${base} ${i}`)) return `${base} ${i}`
  }
  const newField = (type: FieldType, parentKey: string | null = null): { field: DraftField; children: DraftField[] } => {
    const field = makeField(type, uniqueLabel(t(`designer.type.${type}`), parentKey), parentKey)
    if (type === 'rollup') {
      // Offer the first relation that points here, so a count works at once.
      const source = forms.flatMap((f) => f.fields).find((x) => x.type === 'relation' && x.deletedAt === null && (x.config as { targetFormId?: number }).targetFormId === form.id)
      if (source) field.config = { ...field.config, relationFieldId: source.id }
    }
    // A new sub-table starts with one column, so it is never empty.
    const children = type === 'subtable' ? [makeField('text', t('designer.type.text'), field.key)] : []
    return { field, children }
  }
  const addFieldAt = (type: FieldType, sectionId: string, index: number) => {
    const { field, children } = newField(type)
    dispatch({ type: 'addField', field, sectionId, index, children })
    setSelection({ kind: 'field', key: field.key })
  }
  const addChild = (parentKey: string, type: FieldType, index?: number) => {
    if (!CHILD_TYPES.includes(type)) {
      notifications.show({ color: 'orange', message: t('designer.childTypeRefused', { type: t(`designer.type.${type}`) }) })
      return
    }
    const { field } = newField(type, parentKey)
    dispatch({ type: 'addChild', parentKey, field, index })
    setSelection({ kind: 'field', key: field.key })
  }
  /** Click on a palette item: after the selected field, else at the end of the selected (or last) section. */
  const addFromPalette = (type: FieldType) => {
    if (selection?.kind === 'field') {
      const field = draft.fields[selection.key]
      if (field?.parentKey) return addChild(field.parentKey, type)
      for (const s of tab.sections) {
        const i = s.fields.indexOf(selection.key)
        if (i >= 0) return addFieldAt(type, s.id, i + 1)
      }
    }
    const section = (selection?.kind === 'section' && tab.sections.find((s) => s.id === selection.id)) || tab.sections[tab.sections.length - 1]
    addFieldAt(type, section.id, section.fields.length)
  }
  const removeField = (key: string) => {
    const field = draft.fields[key]
    if (!field) return
    dispatch({ type: 'removeField', key })
    if (selection?.kind === 'field' && (selection.key === key || field.children.includes(selection.key))) setSelection(null)
    if (field.id !== null) notifications.show({ color: 'gray', message: t('designer.removedSaved', { field: field.label }), autoClose: 5000 })
  }

  // ---------- drag and drop ----------
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }))
  const sectionOfField = (key: string) => draft.tabs.flatMap((x) => x.sections).find((s) => s.fields.includes(key))
  const onDragStart = ({ active }: DragStartEvent) => {
    const data = active.data.current as { kind: string; fieldType?: FieldType; fieldKey?: string } | undefined
    if (data?.kind === 'new' && data.fieldType) setDragging({ kind: 'new', fieldType: data.fieldType })
    else if (data?.kind === 'field' && data.fieldKey) setDragging({ kind: 'field', key: data.fieldKey })
    else if (data?.kind === 'child' && data.fieldKey) setDragging({ kind: 'child', key: data.fieldKey })
  }
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragging(null)
    setOverId(null)
    if (!over) return
    const a = active.data.current as { kind: string; fieldType?: FieldType; fieldKey?: string; parentKey?: string } | undefined
    const o = over.data.current as { kind: string; sectionId?: string; fieldKey?: string; parentKey?: string } | undefined
    if (!a || !o) return
    if (a.kind === 'new' && a.fieldType) {
      if (o.kind === 'children' && o.parentKey) return addChild(o.parentKey, a.fieldType)
      if (o.kind === 'child' && o.parentKey && o.fieldKey) return addChild(o.parentKey, a.fieldType, draft.fields[o.parentKey]?.children.indexOf(o.fieldKey))
      if (o.kind === 'field' && o.fieldKey) {
        const section = sectionOfField(o.fieldKey)
        if (section) return addFieldAt(a.fieldType, section.id, section.fields.indexOf(o.fieldKey))
      }
      if (o.kind === 'section' && o.sectionId) {
        const section = draft.tabs.flatMap((x) => x.sections).find((s) => s.id === o.sectionId)
        if (section) return addFieldAt(a.fieldType, section.id, section.fields.length)
      }
      return
    }
    if (a.kind === 'field' && a.fieldKey) {
      if (o.kind === 'field' && o.fieldKey && o.fieldKey !== a.fieldKey) {
        const section = sectionOfField(o.fieldKey)
        if (section) dispatch({ type: 'moveField', key: a.fieldKey, sectionId: section.id, index: section.fields.indexOf(o.fieldKey) })
      } else if (o.kind === 'section' && o.sectionId) {
        const section = draft.tabs.flatMap((x) => x.sections).find((s) => s.id === o.sectionId)
        if (section) dispatch({ type: 'moveField', key: a.fieldKey, sectionId: section.id, index: section.fields.filter((k) => k !== a.fieldKey).length })
      }
      return
    }
    if (a.kind === 'child' && a.fieldKey && o.kind === 'child' && o.fieldKey && o.parentKey === a.parentKey) {
      const parent = draft.fields[o.parentKey ?? '']
      if (parent) dispatch({ type: 'moveChild', key: a.fieldKey, index: parent.children.indexOf(o.fieldKey) })
    }
  }

  // ---------- sections and tabs ----------
  const addSection = (tabId: string) => {
    const id = newKey('s')
    dispatch({ type: 'addSection', tabId, section: { id, label: t('designer.newSection'), columns: 2, fields: [] } })
    setSelection({ kind: 'section', id })
  }
  const addTab = () => {
    const id = newKey('t')
    dispatch({ type: 'addTab', tab: { id, label: t('designer.newTab', { n: draft.tabs.length + 1 }), sections: [{ id: newKey('s'), label: null, columns: 2, fields: [] }] } })
    setActiveTab(id)
    setSelection({ kind: 'tab', id })
  }

  // ---------- saving ----------
  const resetTo = (fresh: FormDto, created?: Map<string, number>) => {
    const next = fromForm(fresh, labels)
    setForm(fresh)
    setBaseline(next)
    dispatch({ type: 'reset', draft: next })
    if (!next.tabs.some((x) => x.id === activeTab)) setActiveTab(next.tabs[0].id)
    if (selection?.kind === 'field') {
      const id = created?.get(selection.key) ?? draft.fields[selection.key]?.id
      setSelection(id && next.fields[fieldKeyOf(id)] ? { kind: 'field', key: fieldKeyOf(id) } : null)
    }
  }

  const execute = async (plan: SavePlan) => {
    setSaving(true)
    try {
      // One call, one transaction: the whole draft is saved, or nothing is (the draft stays as it is).
      const { form: fresh, created } = await applyPlan(form, draft, plan, SAVE_API)
      clearCache()
      resetTo(fresh, new Map(Object.entries(created)))
      setReview(null)
      notifySuccess(t('designer.saved'))
      onFormsChanged()
    } catch (error) {
      notifyError(error, t('designer.saveFailed'))
      setReview(null)
    } finally {
      setSaving(false)
    }
  }

  const save = async () => {
    if (saving) return
    const problems = validateDraft(draft)
    if (problems.length) {
      const first = problems[0]
      notifications.show({
        color: 'red',
        title: t('designer.problemsTitle', { count: problems.length }),
        message: problems.slice(0, 4).map((p) => t(p.message, p.params ?? {})).join('\n'),
        autoClose: 8000,
        style: { whiteSpace: 'pre-line' }
      })
      if (first.key) setSelection({ kind: 'field', key: first.key })
      return
    }
    const plan = planSave(form, draft)
    if (planIsEmpty(plan) && !dirty) return
    if (plan.deletes.length || plan.updates.some((u) => u.typeChange)) {
      setSaving(true)
      try {
        const reports = await dryRunTypeChanges(plan, SAVE_API)
        setReview({ plan, reports })
      } catch (error) {
        notifyError(error)
      } finally {
        setSaving(false)
      }
      return
    }
    await execute(plan)
  }

  // ---------- server-side changes made from the designer (merge, restore) ----------
  const onMerged = async (merged: FieldDto) => {
    const before = (form.fields.find((f) => f.id === merged.id)?.config.options as SelectOption[] | undefined) ?? []
    const remaining = new Set(((merged.config.options as SelectOption[] | undefined) ?? []).map((o) => o.id))
    const gone = new Set(before.filter((o) => !remaining.has(o.id)).map((o) => o.id))
    const key = fieldKeyOf(merged.id)
    const field = draft.fields[key]
    if (field) {
      const options = ((field.config.options as SelectOption[] | undefined) ?? []).filter((o) => !gone.has(o.id))
      dispatch({ type: 'updateField', key, patch: { config: { ...field.config, options } } })
    }
    setBaseline((b) => {
      const bf = b.fields[key]
      if (!bf) return b
      return { ...b, fields: { ...b.fields, [key]: { ...bf, config: { ...bf.config, options: ((bf.config.options as SelectOption[] | undefined) ?? []).filter((o) => !gone.has(o.id)) } } } }
    })
    setForm(await api.forms.get({ form: form.id }))
  }
  const onRestored = async (restored: FieldDto) => {
    const fresh = await api.forms.get({ form: form.id })
    setForm(fresh)
    const live = fresh.fields.filter((f) => f.deletedAt === null)
    const byApiKey = new Map(live.filter((f) => f.parentFieldId === null).map((f) => [f.apiKey, fieldKeyOf(f.id)]))
    const dto = live.find((f) => f.id === restored.id)
    if (!dto) return
    const field = fieldFromDto(dto, live, byApiKey)
    const children = live.filter((c) => c.parentFieldId === dto.id).map((c) => fieldFromDto(c, live, byApiKey))
    if (dto.parentFieldId === null) {
      dispatch({ type: 'restoreField', field, children })
      setBaseline((b) => {
        const fields = { ...b.fields, [field.key]: field }
        for (const c of children) fields[c.key] = c
        const tabs = b.tabs.map((x, i) => (i === 0 ? { ...x, sections: x.sections.map((s, si) => (si === x.sections.length - 1 ? { ...s, fields: [...s.fields, field.key] } : s)) } : x))
        return { ...b, fields, tabs }
      })
    } else {
      dispatch({ type: 'addChild', parentKey: fieldKeyOf(dto.parentFieldId), field })
    }
    setSelection({ kind: 'field', key: field.key })
    setDeletedOpen(false)
    clearCache()
  }

  const draggingLabel = dragging?.kind === 'field' || dragging?.kind === 'child' ? draft.fields[dragging.key] : null
  const DragIcon = draggingLabel ? TYPE_ICON[draggingLabel.type] : null

  return (
    <Box className={classes.root} data-testid="designer">
      <Group className={classes.toolbar} justify="space-between" wrap="nowrap">
        <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
          <Tooltip label={t('designer.back')}>
            <ActionIcon variant="subtle" color="gray" size="lg" onClick={() => guardedNavigate({ formId: form.id, recordId: null })} aria-label={t('designer.back')}>
              <IconArrowLeft size={18} />
            </ActionIcon>
          </Tooltip>
          <Box style={{ minWidth: 0 }} onClick={() => setSelection(null)}>
            <Text fw={700} size="lg" truncate style={{ cursor: 'pointer' }} data-testid="designer-title">
              {draft.label || t('designer.untitledForm')}
            </Text>
            <Text size="xs" c="dimmed">
              {t('designer.title')}
            </Text>
          </Box>
          {dirty && (
            <Badge color="orange" variant="light" tt="none" data-testid="designer-dirty">
              {t('designer.unsaved')}
            </Badge>
          )}
        </Group>
        <Group gap="xs" wrap="nowrap">
          <Tooltip label={t('designer.undo')}>
            <ActionIcon variant="default" size="lg" onClick={undo} disabled={history.past.length === 0} aria-label={t('designer.undo')} data-testid="designer-undo">
              <IconArrowBackUp size={18} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label={t('designer.redo')}>
            <ActionIcon variant="default" size="lg" onClick={redo} disabled={history.future.length === 0} aria-label={t('designer.redo')} data-testid="designer-redo">
              <IconArrowForwardUp size={18} />
            </ActionIcon>
          </Tooltip>
          <Button variant="default" leftSection={<IconTrashX size={16} />} onClick={() => setDeletedOpen(true)} data-testid="designer-deleted">
            {t('designer.deletedFields')}
            {deletedCount > 0 && (
              <Badge ml={6} size="sm" variant="light" color="gray" circle>
                {deletedCount}
              </Badge>
            )}
          </Button>
          <Button variant="default" leftSection={<IconWorldUpload size={16} />} onClick={() => setPublishOpen(true)} data-testid="designer-publish-open">
            {t('publicforms.panel.open')}
          </Button>
          <Button variant="default" leftSection={<IconEye size={16} />} onClick={() => setPreviewOpen(true)} data-testid="designer-preview-open">
            {t('designer.preview')}
          </Button>
          <Button leftSection={<IconDeviceFloppy size={16} />} onClick={() => void save()} loading={saving} disabled={!dirty} data-testid="designer-save">
            {t('common.save')}
          </Button>
        </Group>
      </Group>

      <DndContext sensors={sensors} collisionDetection={collisions} onDragStart={onDragStart} onDragOver={({ over }) => setOverId(over ? String(over.id) : null)} onDragEnd={onDragEnd} onDragCancel={() => setDragging(null)}>
        <Box className={classes.palette}>
          <Palette onAdd={addFromPalette} />
        </Box>
        <Box className={classes.canvasWrap} onClick={() => setSelection(null)}>
          <Canvas
            draft={draft}
            dtos={dtos}
            allDtos={allDtos}
            selection={selection}
            onSelect={setSelection}
            activeTab={tab.id}
            onTab={setActiveTab}
            onAddTab={addTab}
            onAddSection={addSection}
            onRemoveField={removeField}
            onAddChild={(parentKey, type) => addChild(parentKey, type)}
            overId={dragging ? overId : null}
          />
        </Box>
        <DragOverlay dropAnimation={null}>
          {dragging?.kind === 'new' ? (
            <PaletteChip type={dragging.fieldType} />
          ) : draggingLabel && DragIcon ? (
            <Box className={classes.paletteItem} data-overlay>
              <Group gap={6} wrap="nowrap">
                <DragIcon size={15} />
                <Text size="sm" truncate>
                  {draggingLabel.label}
                </Text>
              </Group>
            </Box>
          ) : null}
        </DragOverlay>
      </DndContext>

      <Box className={classes.properties}>
        <PropertyPanel
          draft={draft}
          form={form}
          forms={forms}
          selection={selection}
          dispatch={dispatch}
          dtos={dtos}
          allDtos={allDtos}
          onRemoveField={removeField}
          onMerged={(f) => void onMerged(f).catch(notifyError)}
        />
      </Box>

      <SaveReview plan={review?.plan ?? null} reports={review?.reports ?? new Map()} busy={saving} onCancel={() => setReview(null)} onConfirm={() => review && void execute(review.plan)} />
      <DeletedFields
        opened={deletedOpen}
        form={form}
        onClose={() => setDeletedOpen(false)}
        onRestored={(f) => void onRestored(f).catch(notifyError)}
        onPurged={() => void reload().then(setForm, notifyError)}
      />
      <PreviewDrawer opened={previewOpen} onClose={() => setPreviewOpen(false)} draft={draft} dtos={dtos} allDtos={allDtos} />
      <PublishFormModal formId={form.id} formLabel={form.label} opened={publishOpen} onClose={() => setPublishOpen(false)} />
      {leaveGuard.dialog}
    </Box>
  )
}
