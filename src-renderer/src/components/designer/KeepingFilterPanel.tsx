import { useState } from 'react'
import { Stack } from '@mantine/core'
import type { FieldDto, FilterNode } from '@shared/api/contracts'
import { FilterPanel } from '../records/FilterPanel'
import { countConditions } from '../records/filter'
import { fromFilterModel, toFilterModel, type FilterModel } from './filter-model'
import { KeptConditions } from './KeptConditions'

interface Props {
  fields: FieldDto[]
  value: FilterNode | null | undefined
  onChange(next: FilterNode | undefined): void
  allowGroups?: boolean
  bare?: boolean
}

/**
 * The filter builder for a stored filter in a designer: conditions it can show are edited, the
 * parts it cannot show are listed read-only and saved as they are (never dropped by an edit).
 */
export function KeepingFilterPanel({ fields, value, onChange, allowGroups = false, bare = false }: Props) {
  const [model, setModel] = useState<FilterModel>(() => toFilterModel(value, fields))
  const emit = (next: FilterModel) => {
    setModel(next)
    onChange(fromFilterModel(next))
  }
  return (
    <Stack gap={6}>
      <FilterPanel fields={fields} value={model.state} allowGroups={allowGroups} bare={bare} onChange={(state) => emit({ ...model, state })} />
      <KeptConditions kept={model.kept} fields={fields} onRemove={(key) => emit({ ...model, kept: model.kept.filter((k) => k.key !== key) })} />
    </Stack>
  )
}

/** How many conditions a stored filter holds, shown or kept (the 筛选 · N badge). */
export function filterCount(value: FilterNode | null | undefined, fields: FieldDto[]): number {
  const model = toFilterModel(value, fields)
  return countConditions(model.state) + model.kept.length
}
