import { useState } from 'react'
import { ActionIcon, Alert, Button, ColorSwatch, Group, Modal, Popover, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core'
import { closestCenter, DndContext, PointerSensor, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core'
import { arrayMove, SortableContext, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable'
import { CSS } from '@dnd-kit/utilities'
import { IconAlertTriangle, IconArrowMerge, IconGripVertical, IconPlus, IconX } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FormDto } from '@shared/api/contracts'
import { OPTION_COLORS, type SelectOption } from '@shared/field-types'
import { api } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'
import { newKey, type DraftField } from './draft'

// Options of a select / multi-select: add, rename, colour, reorder by dragging, merge into
// another option (records are changed at once, through fields.mergeOptions), and remove — an
// option records still use is removed only after a warning that says how many.

interface Props {
  field: DraftField
  /** The saved form, for counting records and merging options of saved fields. */
  form: FormDto
  onChange(options: SelectOption[], coalesce?: string): void
  /** After a merge the saved form changed: the designer reloads it. */
  onMerged(field: FieldDto): void
}

const NEXT_COLORS = ['blue', 'green', 'orange', 'violet', 'red', 'teal', 'pink', 'yellow', 'cyan', 'grape', 'indigo', 'lime', 'gray'] as const

function OptionRow({ option, index, onRename, onColor, onRemove }: { option: SelectOption; index: number; onRename(label: string): void; onColor(color: SelectOption['color']): void; onRemove(): void }) {
  const { t } = useTranslation()
  const { attributes, listeners, setNodeRef, transform, transition } = useSortable({ id: option.id })
  return (
    <Group ref={setNodeRef} gap={4} wrap="nowrap" style={{ transform: CSS.Translate.toString(transform), transition }} {...attributes} data-testid="option-row">
      <ActionIcon variant="subtle" color="gray" size="sm" {...listeners} style={{ cursor: 'grab', touchAction: 'none' }} aria-label={t('designer.drag')}>
        <IconGripVertical size={14} />
      </ActionIcon>
      <Popover position="bottom-start" withinPortal shadow="md">
        <Popover.Target>
          <ActionIcon variant="default" size="sm" aria-label={t('designer.options.color')}>
            <ColorSwatch size={12} color={`var(--mantine-color-${option.color}-5)`} withShadow={false} />
          </ActionIcon>
        </Popover.Target>
        <Popover.Dropdown p={6}>
          <SimpleGrid cols={7} spacing={4}>
            {OPTION_COLORS.map((c) => (
              <ColorSwatch key={c} component="button" type="button" size={20} color={`var(--mantine-color-${c}-5)`} onClick={() => onColor(c)} aria-label={c} style={{ cursor: 'pointer', outline: c === option.color ? '2px solid var(--mantine-color-indigo-6)' : undefined }} />
            ))}
          </SimpleGrid>
        </Popover.Dropdown>
      </Popover>
      <TextInput size="xs" style={{ flex: 1 }} value={option.label} onChange={(e) => onRename(e.currentTarget.value)} aria-label={t('designer.options.label', { n: index + 1 })} />
      <ActionIcon variant="subtle" color="gray" size="sm" onClick={onRemove} aria-label={t('designer.options.remove')}>
        <IconX size={14} />
      </ActionIcon>
    </Group>
  )
}

export function OptionsEditor({ field, form, onChange, onMerged }: Props) {
  const { t } = useTranslation()
  const options = (field.config.options as SelectOption[] | undefined) ?? []
  const saved = field.id === null ? [] : ((form.fields.find((f) => f.id === field.id)?.config.options as SelectOption[] | undefined) ?? [])
  const [removing, setRemoving] = useState<{ option: SelectOption; count: number } | null>(null)
  const [checking, setChecking] = useState<string | null>(null)
  const [mergeOpen, setMergeOpen] = useState(false)
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }))

  const update = (id: string, patch: Partial<SelectOption>, coalesce?: string) => onChange(options.map((o) => (o.id === id ? { ...o, ...patch } : o)), coalesce)
  const add = () => {
    const color = NEXT_COLORS[options.length % NEXT_COLORS.length]
    onChange([...options, { id: newKey('o'), label: t('designer.options.newLabel', { n: options.length + 1 }), color }])
  }

  /** A saved option with records is removed only after the user saw how many records hold it. */
  const requestRemove = async (option: SelectOption) => {
    const savedOption = saved.find((o) => o.id === option.id)
    const fieldDto = form.fields.find((f) => f.id === field.id)
    if (!savedOption || !fieldDto) {
      onChange(options.filter((o) => o.id !== option.id))
      return
    }
    setChecking(option.id)
    try {
      const op = field.type === 'multiselect' ? 'hasAny' : 'eq'
      const value = field.type === 'multiselect' ? [savedOption.label] : savedOption.label
      const { total } = await api.records.count({ form: form.id, filter: { field: fieldDto.apiKey, op, value } })
      if (total === 0) onChange(options.filter((o) => o.id !== option.id))
      else setRemoving({ option: savedOption, count: total })
    } catch (error) {
      notifyError(error)
    } finally {
      setChecking(null)
    }
  }

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return
    const from = options.findIndex((o) => o.id === active.id)
    const to = options.findIndex((o) => o.id === over.id)
    if (from >= 0 && to >= 0) onChange(arrayMove(options, from, to))
  }

  return (
    <Stack gap={6} data-testid="options-editor">
      <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
        <SortableContext items={options.map((o) => o.id)} strategy={verticalListSortingStrategy}>
          {options.map((option, index) => (
            <OptionRow
              key={option.id}
              option={option}
              index={index}
              onRename={(label) => update(option.id, { label }, `option:${option.id}`)}
              onColor={(color) => update(option.id, { color })}
              onRemove={() => void requestRemove(option)}
            />
          ))}
        </SortableContext>
      </DndContext>
      {checking && (
        <Text size="xs" c="dimmed">
          {t('designer.options.checking')}
        </Text>
      )}
      <Group gap="xs">
        <Button variant="light" size="compact-sm" leftSection={<IconPlus size={14} />} onClick={add} data-testid="option-add">
          {t('designer.options.add')}
        </Button>
        {saved.length > 1 && (
          <Button variant="subtle" size="compact-sm" leftSection={<IconArrowMerge size={14} />} onClick={() => setMergeOpen(true)}>
            {t('designer.options.merge')}
          </Button>
        )}
      </Group>
      <RemoveOptionDialog
        state={removing}
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          if (removing) onChange(options.filter((o) => o.id !== removing.option.id))
          setRemoving(null)
        }}
        onMerge={() => {
          setRemoving(null)
          setMergeOpen(true)
        }}
      />
      <MergeDialog opened={mergeOpen} field={field} saved={saved} onClose={() => setMergeOpen(false)} onMerged={onMerged} />
    </Stack>
  )
}

function RemoveOptionDialog({ state, onCancel, onConfirm, onMerge }: { state: { option: SelectOption; count: number } | null; onCancel(): void; onConfirm(): void; onMerge(): void }) {
  const { t } = useTranslation()
  return (
    <Modal opened={state !== null} onClose={onCancel} title={t('designer.options.removeTitle')} centered>
      {state && (
        <Stack gap="md">
          <Alert color="orange" icon={<IconAlertTriangle size={18} />} data-testid="option-in-use">
            {t('designer.options.inUse', { option: state.option.label, count: state.count })}
          </Alert>
          <Text size="sm">{t('designer.options.removeBody')}</Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
            <Button variant="light" leftSection={<IconArrowMerge size={16} />} onClick={onMerge}>
              {t('designer.options.mergeInstead')}
            </Button>
            <Button color="red" onClick={onConfirm}>
              {t('designer.options.removeAnyway')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}

function MergeDialog({ opened, field, saved, onClose, onMerged }: { opened: boolean; field: DraftField; saved: SelectOption[]; onClose(): void; onMerged(field: FieldDto): void }) {
  const { t } = useTranslation()
  const [from, setFrom] = useState<string | null>(null)
  const [into, setInto] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const data = saved.map((o) => ({ value: o.label, label: o.label }))
  const merge = async () => {
    if (!from || !into || field.id === null) return
    setBusy(true)
    try {
      const result = await api.fields.mergeOptions({ id: field.id, from: [from], into })
      notifySuccess(t('designer.options.merged', { from, into, count: result.updated }))
      onMerged(result.field)
      setFrom(null)
      setInto(null)
      onClose()
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal opened={opened} onClose={onClose} title={t('designer.options.mergeTitle')} centered>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('designer.options.mergeBody')}
        </Text>
        <Select label={t('designer.options.mergeFrom')} data={data} value={from} onChange={setFrom} comboboxProps={{ withinPortal: true }} />
        <Select label={t('designer.options.mergeInto')} data={data.filter((d) => d.value !== from)} value={into} onChange={setInto} comboboxProps={{ withinPortal: true }} />
        <Group justify="flex-end" gap="sm" mt="sm">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button onClick={() => void merge()} loading={busy} disabled={!from || !into}>
            {t('designer.options.mergeConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
