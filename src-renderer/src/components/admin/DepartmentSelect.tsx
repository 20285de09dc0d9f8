import { Select, Text, type SelectProps } from '@mantine/core'
import { departmentTree, flattenTree, type Department } from '../../lib/org'

type Props = Omit<SelectProps, 'data' | 'value' | 'onChange'> & {
  departments: readonly Department[]
  value: number | null
  onChange(id: number | null): void
  /** Departments that may not be chosen (a department cannot move under itself or its children). */
  exclude?: ReadonlySet<number>
}

/** The department tree as an indented, searchable list. */
export function DepartmentSelect({ departments, value, onChange, exclude, ...props }: Props) {
  const flat = flattenTree(departmentTree(departments))
  const depth = new Map(flat.map((n) => [String(n.department.id), n.depth]))
  return (
    <Select
      searchable
      clearable
      // Picking the chosen department again keeps it; the clear button empties the field.
      allowDeselect={false}
      comboboxProps={{ withinPortal: true }}
      {...props}
      data={flat.map((n) => ({ value: String(n.department.id), label: n.department.name, disabled: exclude?.has(n.department.id) }))}
      value={value === null ? null : String(value)}
      onChange={(v) => onChange(v === null ? null : Number(v))}
      renderOption={({ option }) => (
        <Text size="sm" pl={(depth.get(option.value) ?? 0) * 16}>
          {option.label}
        </Text>
      )}
    />
  )
}
