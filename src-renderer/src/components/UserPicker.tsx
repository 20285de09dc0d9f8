import { Group, MultiSelect, Select, Text, type MultiSelectProps, type SelectProps } from '@mantine/core'
import { UserAvatar } from './UserAvatar'

// Choosing colleagues: a searchable list with avatars. Deactivated users are left out unless
// they are already chosen, so a record that names one still shows the name.

export interface PickableUser {
  id: number
  name: string
  login?: string
  active?: boolean
}

function options(users: readonly PickableUser[], chosen: readonly number[], exclude: readonly number[]) {
  return users
    .filter((u) => (u.active !== false || chosen.includes(u.id)) && !exclude.includes(u.id))
    .map((u) => ({ value: String(u.id), label: u.name }))
}

function renderUser(byId: Map<string, PickableUser>): SelectProps['renderOption'] {
  return ({ option }) => {
    const user = byId.get(option.value)
    return (
      <Group gap={8} wrap="nowrap">
        <UserAvatar size={22} fz={9} name={option.label} />
        <Text size="sm">{option.label}</Text>
        {user?.login && (
          <Text size="xs" c="dimmed">
            {user.login}
          </Text>
        )}
      </Group>
    )
  }
}

type UserSelectProps = Omit<SelectProps, 'data' | 'value' | 'onChange'> & {
  users: readonly PickableUser[]
  value: number | null
  onChange(id: number | null): void
  exclude?: readonly number[]
}

export function UserSelect({ users, value, onChange, exclude = [], ...props }: UserSelectProps) {
  const byId = new Map(users.map((u) => [String(u.id), u]))
  return (
    <Select
      searchable
      allowDeselect={false}
      comboboxProps={{ withinPortal: true }}
      {...props}
      data={options(users, value === null ? [] : [value], exclude)}
      value={value === null ? null : String(value)}
      onChange={(v) => onChange(v === null ? null : Number(v))}
      renderOption={renderUser(byId)}
      leftSection={value !== null && byId.get(String(value)) ? <UserAvatar size={20} fz={8} name={byId.get(String(value))!.name} /> : props.leftSection}
    />
  )
}

type UserMultiSelectProps = Omit<MultiSelectProps, 'data' | 'value' | 'onChange'> & {
  users: readonly PickableUser[]
  value: number[]
  onChange(ids: number[]): void
  exclude?: readonly number[]
}

export function UserMultiSelect({ users, value, onChange, exclude = [], ...props }: UserMultiSelectProps) {
  const byId = new Map(users.map((u) => [String(u.id), u]))
  return (
    <MultiSelect
      searchable
      comboboxProps={{ withinPortal: true }}
      {...props}
      data={options(users, value, exclude)}
      value={value.map(String)}
      onChange={(v) => onChange(v.map(Number))}
      renderOption={renderUser(byId) as MultiSelectProps['renderOption']}
    />
  )
}
