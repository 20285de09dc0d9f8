import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react'
import { Box, Button, Group, Popover, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { FieldDto, RecordDto } from '@shared/api/contracts'
import { api, errorMessage } from '../../api/client'
import { rendererOf } from '../../fields/registry'
import { notifySuccess } from '../../lib/notify'
import { savedOutOfScope } from '../records/saved'
import { useStageChange } from '../documents/StageChange'

interface Props {
  formId: number
  field: FieldDto
  allFields: FieldDto[]
  record: RecordDto
  /** The cell's content, which the editor is anchored to. */
  children: ReactNode
  onSaved(record: RecordDto): void
  /** Saved, and the record is out of the user's sight now: the list lets it go. */
  onGone(id: number): void
  onClose(): void
}

/** Is this click inside one of Mantine's floating dropdowns (a select's options, a date picker)? */
const inDropdown = (target: EventTarget | null) => target instanceof Element && target.closest('.mantine-Popover-dropdown, .mantine-Combobox-dropdown, .mantine-Modal-root') !== null

/**
 * Edits one cell with the field type's own input. Enter or a click elsewhere saves, Esc cancels.
 * A value the core refuses stays in the editor with the translated message under it, so nothing
 * typed is lost.
 */
export function CellEditor({ formId, field, allFields, record, children, onSaved, onGone, onClose }: Props) {
  const { t } = useTranslation()
  const renderer = rendererOf(field.type)
  const Input = renderer.Input
  const original = record.fields[field.apiKey] ?? null
  const [value, setValue] = useState<unknown>(original)
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const valueRef = useRef(value)
  const busy = useRef(false)
  // A choice that asks for more (销售阶段 → 输单 needs 输单原因) opens the stage dialog before saving.
  const stage = useStageChange({ id: formId, fields: allFields })

  const commit = async () => {
    if (busy.current) return
    const next = valueRef.current
    if (JSON.stringify(renderer.toWrite(next, field, { fields: allFields })) === JSON.stringify(renderer.toWrite(original, field, { fields: allFields }))) {
      onClose()
      return
    }
    busy.current = true
    const extra = field.type === 'select' ? await stage.ask(record, field.apiKey, (next as string | null) ?? null, String(next ?? '')) : {}
    if (extra === null) {
      busy.current = false
      onClose()
      return
    }
    setSaving(true)
    try {
      const saved = await api.records.update({ form: formId, id: record.id, fields: { ...extra, [field.apiKey]: renderer.toWrite(next, field, { fields: allFields }) ?? null } })
      if (savedOutOfScope(saved)) {
        // Saved, and out of the user's sight now (a rule assigned it away): the row leaves the list.
        notifySuccess(saved.message)
        onGone(record.id)
      } else onSaved(saved)
      onClose()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      busy.current = false
      setSaving(false)
    }
  }
  const commitRef = useRef(commit)
  useLayoutEffect(() => {
    commitRef.current = commit
  })

  const dropdown = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const id = requestAnimationFrame(() => dropdown.current?.querySelector<HTMLElement>('input:not([type=hidden]), textarea')?.focus())
    return () => cancelAnimationFrame(id)
  }, [])
  useEffect(() => {
    const onDown = (e: PointerEvent) => {
      if (dropdown.current?.contains(e.target as Node) || inDropdown(e.target)) return
      void commitRef.current()
    }
    // Registered after the double-click that opened the editor has finished.
    const id = setTimeout(() => document.addEventListener('pointerdown', onDown, true), 0)
    return () => {
      clearTimeout(id)
      document.removeEventListener('pointerdown', onDown, true)
    }
  }, [])

  return (
    <>
    {stage.dialog}
    <Popover opened position="bottom-start" offset={-34} width={280} shadow="md" trapFocus={false} closeOnClickOutside={false} closeOnEscape={false} withinPortal>
      <Popover.Target>
        <Box style={{ width: '100%', height: '100%' }}>{children}</Box>
      </Popover.Target>
      <Popover.Dropdown p="xs" data-testid="cell-editor">
        <div
          ref={dropdown}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation()
              onClose()
            } else if (e.key === 'Enter' && !e.shiftKey && !(e.target instanceof HTMLTextAreaElement) && !e.defaultPrevented) {
              e.preventDefault()
              void commit()
            }
          }}
        >
          <Input field={field} value={value} onChange={(v) => {
              valueRef.current = v
              setValue(v)
              setError(null)
            }} compact error={error ?? undefined} />
          <Group justify="space-between" mt={6} gap="xs" wrap="nowrap">
            <Text size="xs" c="dimmed">
              {t('views.edit.hint')}
            </Text>
            <Group gap={4} wrap="nowrap">
              <Button size="compact-xs" variant="subtle" color="gray" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button size="compact-xs" loading={saving} onClick={() => void commit()} data-testid="cell-save">
                {t('common.save')}
              </Button>
            </Group>
          </Group>
        </div>
      </Popover.Dropdown>
    </Popover>
    </>
  )
}
