import { useEffect, useState } from 'react'
import { Anchor, Group, MultiSelect, Select, Stack, type OptionsFilter } from '@mantine/core'
import { IconExternalLink } from '@tabler/icons-react'
import { useDebouncedValue } from '@mantine/hooks'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FormDto, RecordDto } from '@shared/api/contracts'
import { api } from '../api/client'
import { i18n } from '../i18n'
import { loadForm } from '../lib/cache'
import { guardedNavigate } from '../lib/unsaved'
import type { FieldCellProps, FieldInputProps, FieldRenderer, FilterValueProps } from './types'
import { inputChrome } from './shared'

// A link to records of another form: read as {id, title} (or a list when config.multiple),
// written as the id(s). The picker searches the target form with records.list.

interface RelationRef {
  id: number
  title: string
}
interface RelationConfig {
  targetFormId: number
  multiple?: boolean
}
const configOf = (field: FieldDto) => field.config as unknown as RelationConfig

function asRef(value: unknown): RelationRef | null {
  if (typeof value !== 'object' || value === null) return null
  const { id, title } = value as { id?: unknown; title?: unknown }
  return typeof id === 'number' ? { id, title: typeof title === 'string' && title ? title : `#${id}` } : null
}

export function relationRefs(value: unknown): RelationRef[] {
  const list = Array.isArray(value) ? value : [value]
  return list.map(asRef).filter((r): r is RelationRef => r !== null)
}

const TEXT_LIKE = new Set(['text', 'autonumber', 'phone', 'email', 'url', 'select'])

/** The text a record is known by: its form's title field, else the first text-like field. */
export function recordTitle(record: Pick<RecordDto, 'id' | 'fields'>, form: FormDto): string {
  const live = form.fields.filter((f) => f.deletedAt === null && f.parentFieldId === null)
  const titleField = live.find((f) => f.id === form.titleFieldId) ?? [...live].sort((a, b) => a.position - b.position).find((f) => TEXT_LIKE.has(f.type))
  const value = titleField ? record.fields[titleField.apiKey] : null
  if (typeof value === 'string' && value) return value
  if (typeof value === 'number') return String(value)
  return `#${record.id}`
}

function useTargetOptions(field: FieldDto, search: string): RelationRef[] {
  const [debounced] = useDebouncedValue(search, 250)
  const [options, setOptions] = useState<RelationRef[]>([])
  const { targetFormId } = configOf(field)
  useEffect(() => {
    let live = true
    Promise.all([loadForm(targetFormId), api.records.list({ form: targetFormId, search: debounced.trim() || undefined, limit: 20 })]).then(
      ([form, page]) => live && setOptions(page.records.map((r) => ({ id: r.id, title: recordTitle(r, form) }))),
      () => live && setOptions([])
    )
    return () => {
      live = false
    }
  }, [targetFormId, debounced])
  return options
}

/** Selected records first (they may not be in the current search), then the search results. */
function optionData(selected: RelationRef[], found: RelationRef[]) {
  const seen = new Set<number>()
  const data: { value: string; label: string }[] = []
  for (const ref of [...selected, ...found]) {
    if (seen.has(ref.id)) continue
    seen.add(ref.id)
    data.push({ value: String(ref.id), label: ref.title })
  }
  return data
}

/** The server already searched; filtering again here would hide matches on other fields. */
const passThrough: OptionsFilter = ({ options }) => options

function RelationInput({ field, value, onChange, error, compact }: FieldInputProps) {
  const { t } = useTranslation()
  const multiple = configOf(field).multiple === true
  const selected = relationRefs(value)
  const [search, setSearch] = useState('')
  const found = useTargetOptions(field, search)
  const data = optionData(selected, found)
  const byId = (id: string): RelationRef | undefined => [...selected, ...found].find((r) => String(r.id) === id)
  const common = {
    ...inputChrome(field, { compact, error }),
    data,
    searchable: true,
    clearable: true,
    searchValue: search,
    onSearchChange: setSearch,
    filter: passThrough,
    nothingFoundMessage: t('field.relation.nothing'),
    placeholder: selected.length ? undefined : t('field.relation.placeholder'),
    comboboxProps: { withinPortal: true }
  }
  const { targetFormId } = configOf(field)
  const picker = multiple ? (
    <MultiSelect
      {...common}
      value={selected.map((r) => String(r.id))}
      onChange={(ids) => onChange(ids.map(byId).filter((r): r is RelationRef => r !== undefined))}
    />
  ) : (
    <Select {...common} value={selected[0] ? String(selected[0].id) : null} onChange={(id) => onChange(id ? (byId(id) ?? null) : null)} />
  )
  // Under the picker, each linked record is a link that opens it (not in a sub-table cell: no room).
  if (compact || selected.length === 0) return picker
  return (
    <Stack gap={4}>
      {picker}
      <Group gap={6} data-testid={`relation-links-${field.apiKey}`}>
        {selected.map((ref) => (
          <Anchor
            key={ref.id}
            size="xs"
            onClick={() => guardedNavigate({ formId: targetFormId, recordId: ref.id })}
            aria-label={t('field.relation.open', { title: ref.title })}
          >
            <Group gap={2} wrap="nowrap" component="span">
              <IconExternalLink size={12} />
              {ref.title}
            </Group>
          </Anchor>
        ))}
      </Group>
    </Stack>
  )
}

function RelationCell({ value, field }: FieldCellProps) {
  const refs = relationRefs(value)
  if (!refs.length) return null
  const { targetFormId } = configOf(field)
  return (
    // A long title is cut with an ellipsis (the full one on hover), never clipped mid-character.
    <Group gap={6} wrap="nowrap" style={{ minWidth: 0, overflow: 'hidden' }}>
      {refs.map((ref) => (
        <Anchor
          key={ref.id}
          size="sm"
          truncate="end"
          title={ref.title}
          style={{ minWidth: 0, flexShrink: 1 }}
          onClick={(e) => {
            e.stopPropagation()
            guardedNavigate({ formId: targetFormId, recordId: ref.id })
          }}
        >
          {ref.title}
        </Anchor>
      ))}
    </Group>
  )
}

function RelationFilterValue({ field, op, value, onChange }: FilterValueProps) {
  const { t } = useTranslation()
  const [search, setSearch] = useState('')
  const found = useTargetOptions(field, search)
  const ids = (Array.isArray(value) ? value : value === null || value === undefined ? [] : [value]).map(String)
  const data = optionData([], found)
  for (const id of ids) if (!data.some((d) => d.value === id)) data.push({ value: id, label: `#${id}` })
  const common = { size: 'xs' as const, 'aria-label': t('filter.value'), placeholder: t('filter.value'), data, searchable: true, searchValue: search, onSearchChange: setSearch, filter: passThrough, comboboxProps: { withinPortal: true } }
  if (op === 'in') return <MultiSelect {...common} value={ids} onChange={(v) => onChange(v.map(Number))} />
  return <Select {...common} value={ids[0] ?? null} onChange={(v) => onChange(v === null ? null : Number(v))} />
}

export const relation: FieldRenderer = {
  Input: RelationInput,
  Cell: RelationCell,
  FilterValue: RelationFilterValue,
  empty: (field) => (configOf(field).multiple ? [] : null),
  toWrite: (value, field) => {
    const ids = relationRefs(value).map((r) => r.id)
    return configOf(field).multiple ? ids : (ids[0] ?? null)
  },
  text: (value) =>
    relationRefs(value)
      .map((r) => r.title)
      .join(i18n.t('common.listSeparator')),
  isEmpty: (value) => relationRefs(value).length === 0,
  sortable: false
}
