import { TextInput } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { FieldDto } from '@shared/api/contracts'
import type { FieldCellProps, FieldInputProps, FieldRenderer } from './types'
import { isBlankValue } from './shared'

// Shared by the types the engine computes (formula, auto-number, roll-up): shown read-only in
// the record form, never written.

export function makeComputedRenderer(base: Pick<FieldRenderer, 'Cell' | 'FilterValue' | 'text' | 'sortable' | 'numeric' | 'summable'>): FieldRenderer {
  function ComputedInput({ field, value, compact }: FieldInputProps) {
    const { t } = useTranslation()
    return (
      <TextInput
        label={compact ? undefined : field.label}
        aria-label={field.label}
        size={compact ? 'xs' : undefined}
        description={compact ? undefined : (field.description ?? undefined)}
        value={base.text(value, field)}
        placeholder={t('record.computedHint')}
        readOnly
        variant="filled"
      />
    )
  }
  return {
    ...base,
    Input: ComputedInput,
    empty: () => null,
    toWrite: () => undefined,
    isEmpty: isBlankValue,
    computed: true
  }
}

export type TextOf = (value: unknown, field: FieldDto) => string
export const cellFromText = (textOf: TextOf) =>
  function ComputedCell({ value, field }: FieldCellProps) {
    return <>{textOf(value, field)}</>
  }
