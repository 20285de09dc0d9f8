import { useMemo, useState } from 'react'
import {
  ActionIcon,
  Badge,
  Box,
  Button,
  Divider,
  EmptyState,
  Group,
  Menu,
  Modal,
  Paper,
  ScrollArea,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip
} from '@mantine/core'
import {
  IconArrowsExchange,
  IconBuilding,
  IconDots,
  IconEdit,
  IconKey,
  IconLock,
  IconPlus,
  IconSearch,
  IconTrash,
  IconUserCheck,
  IconUserOff,
  IconUserPlus,
  IconUsers
} from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { LoadState } from '../../components/LoadState'
import type { FormDto } from '@shared/api/contracts'
import { api } from '../../api/client'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { PageHeader } from '../../components/PageHeader'
import { UserAvatar } from '../../components/UserAvatar'
import { DepartmentModal, type DepartmentEdit } from '../../components/admin/DepartmentModal'
import { DepartmentTree, type DepartmentAction, type DepartmentFilter } from '../../components/admin/DepartmentTree'
import { HandOverModal, type HandOverMode } from '../../components/admin/HandOverModal'
import { ResetPasswordModal } from '../../components/admin/ResetPasswordModal'
import { UserDrawer, type UserEdit } from '../../components/admin/UserDrawer'
import { formatInstant } from '../../fields/datetime'
import { invalidateUsers } from '../../lib/cache'
import { notifyError, notifySuccess } from '../../lib/notify'
import { departmentPath, departmentTree, isLocked, useOrgData, type Department, type UserInfo } from '../../lib/org'

export function UserStatus({ user }: { user: UserInfo }) {
  const { t } = useTranslation()
  if (!user.active) {
    return (
      <Badge color="gray" variant="light" radius="sm" fw={500}>
        {t('org.statusInactive')}
      </Badge>
    )
  }
  if (isLocked(user)) {
    return (
      <Tooltip label={t('org.lockedHint', { time: formatInstant(user.lockedUntil) })} withArrow multiline w={240}>
        <Badge color="orange" variant="light" radius="sm" fw={500} leftSection={<IconLock size={12} />}>
          {t('org.statusLocked')}
        </Badge>
      </Tooltip>
    )
  }
  return (
    <Badge color="teal" variant="light" radius="sm" fw={500}>
      {t('org.statusActive')}
    </Badge>
  )
}

/** 组织架构: the department tree on the left, its members on the right. */
export function OrganizationPage({ forms, me }: { forms: FormDto[]; me: number }) {
  const { t } = useTranslation()
  const { data, failure, reload } = useOrgData()
  const [filter, setFilter] = useState<DepartmentFilter>('all')
  const [search, setSearch] = useState('')
  const [deptEdit, setDeptEdit] = useState<DepartmentEdit | null>(null)
  const [deptDelete, setDeptDelete] = useState<Department | null>(null)
  const [userEdit, setUserEdit] = useState<UserEdit | null>(null)
  const [resetFor, setResetFor] = useState<UserInfo | null>(null)
  const [handOver, setHandOver] = useState<{ mode: HandOverMode; user: UserInfo } | null>(null)

  const tree = useMemo(() => departmentTree(data?.departments ?? []), [data])
  const counts = useMemo(() => {
    const out = new Map<number | null, number>()
    for (const u of data?.users ?? []) out.set(u.departmentId, (out.get(u.departmentId) ?? 0) + 1)
    return out
  }, [data])

  if (!data) return <LoadState failure={failure} />

  const { users, departments, roles } = data
  const userById = new Map(users.map((u) => [u.id, u]))
  const roleById = new Map(roles.map((r) => [r.id, r]))
  const deptById = new Map(departments.map((d) => [d.id, d]))
  // A department deleted elsewhere falls back to everyone.
  const current = typeof filter === 'number' ? (deptById.get(filter) ?? null) : null
  const effective: DepartmentFilter = typeof filter === 'number' && !current ? 'all' : filter

  const q = search.trim().toLowerCase()
  const shown = users
    .filter((u) => (effective === 'all' ? true : effective === 'none' ? u.departmentId === null : u.departmentId === effective))
    .filter((u) => !q || [u.name, u.login, u.phone ?? '', u.email ?? ''].some((s) => s.toLowerCase().includes(q)))
    .sort((a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name, 'zh-CN'))

  const onDeptAction = (action: DepartmentAction, d: Department) => {
    if (action === 'addChild') setDeptEdit({ kind: 'create', parentId: d.id })
    else if (action === 'edit') setDeptEdit({ kind: 'edit', department: d })
    else setDeptDelete(d)
  }

  const deleteBlockers = (d: Department) => ({
    members: counts.get(d.id) ?? 0,
    children: departments.filter((x) => x.parentId === d.id).length
  })

  const enable = async (u: UserInfo) => {
    try {
      await api.users.update({ id: u.id, active: true })
      invalidateUsers()
      notifySuccess(t('org.enabled', { name: u.name }))
      await reload()
    } catch (error) {
      notifyError(error)
    }
  }

  const title = effective === 'all' ? t('org.allMembers') : effective === 'none' ? t('org.unassigned') : (current?.name ?? '')
  const head = current?.headUserId ? userById.get(current.headUserId) : undefined
  const blockers = deptDelete ? deleteBlockers(deptDelete) : null
  const deletable = blockers !== null && blockers.members === 0 && blockers.children === 0

  return (
    <Stack gap="md">
      <PageHeader title={t('org.title')} description={t('org.subtitle')} />

      <Group align="flex-start" gap="md" wrap="nowrap">
        <Paper withBorder radius="md" w={260} style={{ flexShrink: 0 }}>
          <Group justify="space-between" px="md" py="sm">
            <Text fw={600} size="sm">
              {t('org.departments')}
            </Text>
            <Tooltip label={t('org.addDept')} withArrow>
              <ActionIcon variant="subtle" onClick={() => setDeptEdit({ kind: 'create', parentId: null })} aria-label={t('org.addDept')}>
                <IconPlus size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
          <Divider />
          <ScrollArea.Autosize mah="calc(100vh - 230px)">
            <Box p={6}>
              <DepartmentTree tree={tree} counts={counts} total={users.length} selected={effective} onSelect={setFilter} onAction={onDeptAction} />
              {departments.length === 0 && (
                <Stack gap={6} align="center" py="lg" px="md">
                  <Text size="xs" c="dimmed" ta="center">
                    {t('org.noDepartments')}
                  </Text>
                  <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setDeptEdit({ kind: 'create', parentId: null })}>
                    {t('org.addDept')}
                  </Button>
                </Stack>
              )}
            </Box>
          </ScrollArea.Autosize>
        </Paper>

        <Paper withBorder radius="md" style={{ flex: 1, minWidth: 0, overflow: 'hidden' }}>
          <Group justify="space-between" px="md" py="sm" wrap="wrap" gap="sm">
            <Stack gap={2}>
              <Group gap="xs">
                {current ? <IconBuilding size={18} stroke={1.6} color="var(--mantine-color-indigo-6)" /> : <IconUsers size={18} stroke={1.6} />}
                <Title order={4} data-testid="members-title">
                  {title}
                </Title>
                <Badge variant="light" color="gray" radius="sm" fw={500}>
                  {t('org.memberCount', { count: shown.length })}
                </Badge>
              </Group>
              {current && (
                <Text size="xs" c="dimmed">
                  {departmentPath(departments, current.id)}
                  {' · '}
                  {head ? t('org.headIs', { name: head.name }) : t('org.noHeadYet')}
                </Text>
              )}
            </Stack>
            <Group gap="xs">
              {current && (
                <>
                  <Button variant="default" size="xs" leftSection={<IconEdit size={14} />} onClick={() => setDeptEdit({ kind: 'edit', department: current })}>
                    {t('org.editDept')}
                  </Button>
                  <Button variant="default" size="xs" leftSection={<IconPlus size={14} />} onClick={() => setDeptEdit({ kind: 'create', parentId: current.id })}>
                    {t('org.addChild')}
                  </Button>
                  <Tooltip label={t('org.deleteDept')} withArrow>
                    <ActionIcon variant="default" size={30} color="red" onClick={() => setDeptDelete(current)} aria-label={t('org.deleteDept')}>
                      <IconTrash size={14} color="var(--mantine-color-red-6)" />
                    </ActionIcon>
                  </Tooltip>
                </>
              )}
              <Button size="xs" leftSection={<IconUserPlus size={14} />} onClick={() => setUserEdit({ kind: 'create', departmentId: current?.id ?? null })}>
                {t('org.addUser')}
              </Button>
            </Group>
          </Group>
          <Divider />
          <Box px="md" py="sm">
            <TextInput
              placeholder={t('org.searchMembers')}
              aria-label={t('org.searchMembers')}
              leftSection={<IconSearch size={16} />}
              value={search}
              onChange={(e) => setSearch(e.currentTarget.value)}
              w={280}
              size="sm"
            />
          </Box>
          {shown.length === 0 ? (
            <Box py={48}>
              <EmptyState
                icon={<IconUsers size={30} />}
                variant="light"
                color="gray"
                title={q ? t('org.noMatch') : t('org.noMembers')}
                description={q ? undefined : t('org.noMembersBody')}
              />
            </Box>
          ) : (
            <Table.ScrollContainer minWidth={900} type="native">
              <Table className="jimu-table" verticalSpacing="sm" horizontalSpacing="md" highlightOnHover data-testid="users-table">
                <Table.Thead bg="var(--jimu-surface-muted)">
                  <Table.Tr>
                    <Table.Th>{t('org.name')}</Table.Th>
                    <Table.Th>{t('org.login')}</Table.Th>
                    <Table.Th>{t('org.phone')}</Table.Th>
                    <Table.Th>{t('org.email')}</Table.Th>
                    <Table.Th>{t('org.department')}</Table.Th>
                    <Table.Th>{t('org.manager')}</Table.Th>
                    <Table.Th>{t('org.roles')}</Table.Th>
                    <Table.Th>{t('org.status')}</Table.Th>
                    <Table.Th w={84} className="jimu-sticky-end" />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shown.map((u) => {
                    const manager = u.managerId === null ? undefined : userById.get(u.managerId)
                    const dept = u.departmentId === null ? undefined : deptById.get(u.departmentId)
                    const isHead = dept?.headUserId === u.id
                    return (
                      <Table.Tr key={u.id} data-testid={`user-row-${u.id}`} style={u.active ? undefined : { opacity: 0.65 }}>
                        <Table.Td>
                          <Group gap={8} wrap="nowrap">
                            <UserAvatar size={28} fz={11} name={u.name} />
                            <Text size="sm" fw={500}>
                              {u.name}
                            </Text>
                            {u.id === me && (
                              <Badge size="xs" variant="outline" color="gray" radius="sm" fw={500}>
                                {t('org.you')}
                              </Badge>
                            )}
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" ff="monospace">
                            {u.login}
                          </Text>
                        </Table.Td>
                        <Table.Td>{u.phone ?? <Text c="dimmed">—</Text>}</Table.Td>
                        <Table.Td>{u.email ?? <Text c="dimmed">—</Text>}</Table.Td>
                        <Table.Td>
                          {dept ? (
                            <Group gap={6} wrap="nowrap">
                              <Text size="sm">{dept.name}</Text>
                              {isHead && (
                                <Badge size="xs" variant="light" color="indigo" radius="sm" fw={500}>
                                  {t('org.headBadge')}
                                </Badge>
                              )}
                            </Group>
                          ) : (
                            <Text c="dimmed">—</Text>
                          )}
                        </Table.Td>
                        <Table.Td>{manager ? manager.name : <Text c="dimmed">—</Text>}</Table.Td>
                        <Table.Td>
                          {u.roleIds.length === 0 && !u.isAdmin ? (
                            <Text c="dimmed">—</Text>
                          ) : (
                            <Group gap={4} wrap="wrap" maw={240}>
                              {u.roleIds.map((id) => {
                                const role = roleById.get(id)
                                return role ? (
                                  <Badge key={id} size="sm" variant="light" color={role.isAdmin ? 'grape' : 'indigo'} radius="sm" fw={500}>
                                    {role.name}
                                  </Badge>
                                ) : null
                              })}
                              {u.isAdmin && !u.roleIds.some((id) => roleById.get(id)?.isAdmin) && (
                                <Badge size="sm" variant="light" color="grape" radius="sm" fw={500}>
                                  {t('shell.admin')}
                                </Badge>
                              )}
                            </Group>
                          )}
                        </Table.Td>
                        <Table.Td>
                          {isLocked(u) && u.active ? (
                            <Box style={{ cursor: 'pointer' }} onClick={() => setResetFor(u)}>
                              <UserStatus user={u} />
                            </Box>
                          ) : (
                            <UserStatus user={u} />
                          )}
                        </Table.Td>
                        <Table.Td className="jimu-sticky-end">
                          <Group gap={2} wrap="nowrap" justify="flex-end">
                            <Tooltip label={t('org.editUser')} withArrow>
                              <ActionIcon variant="subtle" color="gray" onClick={() => setUserEdit({ kind: 'edit', user: u })} aria-label={t('org.editUserNamed', { name: u.name })}>
                                <IconEdit size={16} />
                              </ActionIcon>
                            </Tooltip>
                            <Menu position="bottom-end" withinPortal shadow="md" width={190}>
                              <Menu.Target>
                                <ActionIcon variant="subtle" color="gray" aria-label={t('org.userActions', { name: u.name })}>
                                  <IconDots size={16} />
                                </ActionIcon>
                              </Menu.Target>
                              <Menu.Dropdown>
                                <Menu.Item leftSection={<IconKey size={14} />} onClick={() => setResetFor(u)}>
                                  {isLocked(u) ? t('org.resetAndUnlock') : t('org.resetPassword')}
                                </Menu.Item>
                                <Menu.Item leftSection={<IconArrowsExchange size={14} />} onClick={() => setHandOver({ mode: 'transfer', user: u })}>
                                  {t('org.transferRecords')}
                                </Menu.Item>
                                <Menu.Divider />
                                {u.active ? (
                                  <Menu.Item color="red" leftSection={<IconUserOff size={14} />} disabled={u.id === me} onClick={() => setHandOver({ mode: 'disable', user: u })}>
                                    {t('org.disable')}
                                  </Menu.Item>
                                ) : (
                                  <Menu.Item leftSection={<IconUserCheck size={14} />} onClick={() => void enable(u)}>
                                    {t('org.enable')}
                                  </Menu.Item>
                                )}
                              </Menu.Dropdown>
                            </Menu>
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    )
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
      </Group>

      <DepartmentModal
        edit={deptEdit}
        departments={departments}
        users={users}
        onClose={() => setDeptEdit(null)}
        onSaved={(d) => {
          setDeptEdit(null)
          setFilter(d.id)
          void reload()
        }}
      />

      {deptDelete && !deletable && blockers && (
        <Modal opened onClose={() => setDeptDelete(null)} centered title={<Text fw={600}>{t('org.cannotDeleteTitle', { name: deptDelete.name })}</Text>} size="sm">
          <Text size="sm">
            {blockers.members > 0 && blockers.children > 0
              ? t('org.cannotDeleteBoth', { members: blockers.members, children: blockers.children })
              : blockers.members > 0
                ? t('org.cannotDeleteMembers', { count: blockers.members })
                : t('org.cannotDeleteChildren', { count: blockers.children })}
          </Text>
          <Group justify="flex-end" mt="lg">
            <Button onClick={() => setDeptDelete(null)}>{t('common.gotIt')}</Button>
          </Group>
        </Modal>
      )}
      <ConfirmDialog
        opened={deptDelete !== null && deletable}
        title={t('org.deleteDeptTitle', { name: deptDelete?.name ?? '' })}
        message={t('org.deleteDeptBody')}
        confirmLabel={t('common.delete')}
        danger
        onCancel={() => setDeptDelete(null)}
        onConfirm={async () => {
          if (!deptDelete) return
          await api.departments.delete({ id: deptDelete.id })
          notifySuccess(t('org.deptDeleted', { name: deptDelete.name }))
          if (filter === deptDelete.id) setFilter(deptDelete.parentId ?? 'all')
          setDeptDelete(null)
          await reload()
        }}
      />

      <UserDrawer
        edit={userEdit}
        users={users}
        departments={departments}
        roles={roles}
        onClose={() => setUserEdit(null)}
        onSaved={() => {
          setUserEdit(null)
          void reload()
        }}
        onRequestDisable={(u) => setHandOver({ mode: 'disable', user: u })}
      />
      <ResetPasswordModal
        user={resetFor}
        onClose={() => setResetFor(null)}
        onDone={() => {
          setResetFor(null)
          void reload()
        }}
      />
      <HandOverModal
        mode={handOver?.mode ?? 'transfer'}
        user={handOver?.user ?? null}
        users={users}
        forms={forms}
        onClose={() => setHandOver(null)}
        onChanged={() => void reload()}
      />
    </Stack>
  )
}
