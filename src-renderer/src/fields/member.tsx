import { Group, MultiSelect, Select, Text } from '@mantine/core'
import { UserAvatar } from '../components/UserAvatar'
import { useTranslation } from 'react-i18next'
import { useUsers } from '../lib/cache'
import type { FieldCellProps, FieldInputProps, FieldRenderer, FilterValueProps } from './types'
import { inputChrome } from './shared'

// A member is a user: read as {id, name}, written as the user id.

interface MemberRef {
  id: number
  name: string
}

export function asMember(value: unknown): MemberRef | null {
  if (typeof value !== 'object' || value === null) return null
  const { id, name } = value as { id?: unknown; name?: unknown }
  return typeof id === 'number' ? { id, name: typeof name === 'string' ? name : `#${id}` } : null
}

function useUserOptions(current: MemberRef[]) {
  const users = useUsers()
  const options = users.filter((u) => u.active).map((u) => ({ value: String(u.id), label: u.name }))
  // A member who was deactivated still shows on records that name them.
  for (const m of current) if (!options.some((o) => o.value === String(m.id))) options.push({ value: String(m.id), label: m.name })
  return { users, options }
}

function MemberInput({ field, value, onChange, error, compact }: FieldInputProps) {
  const { t } = useTranslation()
  const current = asMember(value)
  const { users, options } = useUserOptions(current ? [current] : [])
  return (
    <Select
      {...inputChrome(field, { compact, error })}
      data={options}
      value={current ? String(current.id) : null}
      onChange={(v) => {
        const user = users.find((u) => String(u.id) === v)
        onChange(user ? { id: user.id, name: user.name } : v && current && String(current.id) === v ? current : null)
      }}
      placeholder={t('field.member.placeholder')}
      searchable
      clearable
      comboboxProps={{ withinPortal: true }}
    />
  )
}

export function MemberName({ member }: { member: MemberRef }) {
  return (
    <Group gap={6} wrap="nowrap">
      <UserAvatar size={22} fz={9} name={member.name} />
      <Text span size="sm">
        {member.name}
      </Text>
    </Group>
  )
}

function MemberCell({ value }: FieldCellProps) {
  const member = asMember(value)
  return member ? <MemberName member={member} /> : null
}

const idsOf = (value: unknown): string[] => (Array.isArray(value) ? value : value === null || value === undefined ? [] : [value]).map(String)

function MemberFilterValue({ op, value, onChange }: FilterValueProps) {
  const { t } = useTranslation()
  const { options } = useUserOptions([])
  if (op === 'in' || op === 'notIn') {
    return (
      <MultiSelect size="xs" aria-label={t('filter.value')} placeholder={t('filter.value')} data={options} value={idsOf(value)} onChange={(v) => onChange(v.map(Number))} searchable comboboxProps={{ withinPortal: true }} />
    )
  }
  return (
    <Select
      size="xs"
      aria-label={t('filter.value')}
      placeholder={t('filter.value')}
      data={options}
      value={idsOf(value)[0] ?? null}
      onChange={(v) => onChange(v === null ? null : Number(v))}
      searchable
      comboboxProps={{ withinPortal: true }}
    />
  )
}

export const member: FieldRenderer = {
  Input: MemberInput,
  Cell: MemberCell,
  FilterValue: MemberFilterValue,
  empty: () => null,
  toWrite: (value) => asMember(value)?.id ?? null,
  text: (value) => asMember(value)?.name ?? (typeof value === 'number' ? `#${value}` : ''),
  isEmpty: (value) => asMember(value) === null,
  sortable: true
}
