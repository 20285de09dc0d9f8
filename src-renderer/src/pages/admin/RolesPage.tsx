import { useCallback, useEffect, useState } from 'react'
import { ActionIcon, Badge, Box, Button, Divider, Group, Menu, Modal, Paper, ScrollArea, Stack, Text, Title, Tooltip, UnstyledButton } from '@mantine/core'
import { IconDots, IconEdit, IconPlus, IconShieldCheck, IconShieldLock, IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { LoadState } from '../../components/LoadState'
import type { FormDto, MethodOutput } from '@shared/api/contracts'
import { api, errorMessage } from '../../api/client'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { PageHeader } from '../../components/PageHeader'
import { PermissionMatrix } from '../../components/admin/PermissionMatrix'
import { RoleModal } from '../../components/admin/RoleModal'
import { notifySuccess } from '../../lib/notify'
import type { Role } from '../../lib/org'

type AppDto = MethodOutput<'apps.list'>[number]

/** 角色权限: roles on the left, what the chosen role may do on each form on the right. */
export function RolesPage({ apps, forms }: { apps: AppDto[]; forms: FormDto[] }) {
  const { t } = useTranslation()
  const [roles, setRoles] = useState<Role[] | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [selectedId, setSelectedId] = useState<number | null>(null)
  const [editing, setEditing] = useState<{ role: Role | null } | null>(null)
  const [deleting, setDeleting] = useState<Role | null>(null)
  const [dirty, setDirty] = useState(0)
  const [pendingSwitch, setPendingSwitch] = useState<number | null>(null)

  const load = useCallback(async () => {
    try {
      const list = await api.roles.list()
      setRoles(list)
      setFailure(null)
      setSelectedId((current) => (current !== null && list.some((r) => r.id === current) ? current : (list.find((r) => !r.isAdmin)?.id ?? list[0]?.id ?? null)))
    } catch (error) {
      setFailure(errorMessage(error))
    }
  }, [])

  useEffect(() => {
    void load()
  }, [load])

  const onDirtyChange = useCallback((count: number) => setDirty(count), [])

  if (!roles) return <LoadState failure={failure} />

  const selected = roles.find((r) => r.id === selectedId) ?? null
  const choose = (id: number) => {
    if (id === selectedId) return
    if (dirty > 0) setPendingSwitch(id)
    else setSelectedId(id)
  }

  return (
    <Stack gap="md">
      <PageHeader title={t('roles.title')} description={t('roles.subtitle')} />
      <Group align="flex-start" gap="md" wrap="nowrap">
        <Paper withBorder radius="md" w={260} style={{ flexShrink: 0 }}>
          <Group justify="space-between" px="md" py="sm">
            <Text fw={600} size="sm">
              {t('roles.list')}
            </Text>
            <Tooltip label={t('roles.add')} withArrow>
              <ActionIcon variant="subtle" onClick={() => setEditing({ role: null })} aria-label={t('roles.add')}>
                <IconPlus size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
          <Divider />
          <ScrollArea.Autosize mah="calc(100vh - 230px)">
            <Box p={6} data-testid="role-list">
              {roles.map((role) => {
                const active = role.id === selectedId
                return (
                  <Group key={role.id} gap={4} wrap="nowrap" className="jimu-tree-row" data-active={active || undefined} pl={10} pr={4} data-testid={`role-${role.id}`}>
                    <UnstyledButton onClick={() => choose(role.id)} style={{ flex: 1, minWidth: 0 }} py={8} aria-current={active || undefined}>
                      <Group gap={8} wrap="nowrap">
                        {role.isAdmin ? (
                          <IconShieldLock size={16} stroke={1.6} color="var(--mantine-color-grape-6)" style={{ flexShrink: 0 }} />
                        ) : (
                          <IconShieldCheck size={16} stroke={1.6} color="var(--mantine-color-indigo-6)" style={{ flexShrink: 0 }} />
                        )}
                        <Text size="sm" fw={active ? 600 : 400} truncate style={{ flex: 1 }}>
                          {role.name}
                        </Text>
                        <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
                          {t('roles.userCount', { count: role.userCount })}
                        </Text>
                      </Group>
                    </UnstyledButton>
                    <Box w={28} style={{ flexShrink: 0 }}>
                      {!role.isAdmin && (
                        <Menu position="bottom-end" withinPortal shadow="md" width={150}>
                          <Menu.Target>
                            <ActionIcon variant="subtle" color="gray" size="sm" className="jimu-tree-menu" aria-label={t('roles.actions', { name: role.name })}>
                              <IconDots size={14} />
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item leftSection={<IconEdit size={14} />} onClick={() => setEditing({ role })}>
                              {t('roles.rename')}
                            </Menu.Item>
                            <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setDeleting(role)}>
                              {t('common.delete')}
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      )}
                    </Box>
                  </Group>
                )
              })}
            </Box>
          </ScrollArea.Autosize>
        </Paper>

        <Stack gap="md" style={{ flex: 1, minWidth: 0 }}>
          {selected ? (
            <>
              <Paper withBorder radius="md" px="md" py="sm">
                <Group justify="space-between" wrap="nowrap">
                  <Stack gap={2}>
                    <Group gap="xs">
                      <Title order={4} data-testid="role-title">
                        {selected.name}
                      </Title>
                      <Badge variant="light" color="gray" radius="sm" fw={500}>
                        {t('roles.userCount', { count: selected.userCount })}
                      </Badge>
                    </Group>
                    <Text size="sm" c="dimmed">
                      {selected.description || (selected.isAdmin ? t('perm.adminTitle') : t('roles.noDescription'))}
                    </Text>
                  </Stack>
                  {!selected.isAdmin && (
                    <Button variant="default" size="xs" leftSection={<IconEdit size={14} />} onClick={() => setEditing({ role: selected })}>
                      {t('roles.rename')}
                    </Button>
                  )}
                </Group>
              </Paper>
              <PermissionMatrix key={selected.id} role={selected} apps={apps} forms={forms} onDirtyChange={onDirtyChange} />
            </>
          ) : (
            <Text c="dimmed" size="sm">
              {t('roles.none')}
            </Text>
          )}
        </Stack>
      </Group>

      <RoleModal
        opened={editing !== null}
        role={editing?.role ?? null}
        onClose={() => setEditing(null)}
        onSaved={(role) => {
          setEditing(null)
          void load().then(() => {
            if (dirty === 0) setSelectedId(role.id)
          })
        }}
      />

      {deleting && deleting.userCount > 0 && (
        <Modal opened onClose={() => setDeleting(null)} centered size="sm" title={<Text fw={600}>{t('roles.cannotDeleteTitle', { name: deleting.name })}</Text>}>
          <Text size="sm">{t('roles.cannotDeleteBody', { count: deleting.userCount })}</Text>
          <Group justify="flex-end" mt="lg">
            <Button onClick={() => setDeleting(null)}>{t('common.gotIt')}</Button>
          </Group>
        </Modal>
      )}
      <ConfirmDialog
        opened={deleting !== null && deleting.userCount === 0}
        title={t('roles.deleteTitle', { name: deleting?.name ?? '' })}
        message={t('roles.deleteBody')}
        confirmLabel={t('common.delete')}
        danger
        onCancel={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return
          await api.roles.delete({ id: deleting.id })
          notifySuccess(t('roles.deleted', { name: deleting.name }))
          if (selectedId === deleting.id) setSelectedId(null)
          setDeleting(null)
          await load()
        }}
      />
      <ConfirmDialog
        opened={pendingSwitch !== null}
        title={t('perm.unsavedTitle')}
        message={t('perm.unsavedBody', { count: dirty })}
        confirmLabel={t('record.discard')}
        danger
        onCancel={() => setPendingSwitch(null)}
        onConfirm={() => {
          setSelectedId(pendingSwitch)
          setPendingSwitch(null)
          setDirty(0)
        }}
      />
    </Stack>
  )
}
