import { useEffect, useState } from 'react'
import { OfficeConnectionCard } from '../components/lan/OfficeConnectionCard'
import { Badge, Group, Paper, Stack, Tabs, Text } from '@mantine/core'
import { IconDevices, IconKey, IconLock } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { api } from '../api/client'
import type { User } from '../app/App'
import { PageHeader } from '../components/PageHeader'
import { UserAvatar } from '../components/UserAvatar'
import { ApiTokens } from '../components/settings/ApiTokens'
import { ChangePassword } from '../components/settings/ChangePassword'
import { Sessions } from '../components/settings/Sessions'
import { departmentPath, type Department, type Role } from '../lib/org'

/** 个人设置: every user's own account — password, signed-in devices, API tokens. */
export function SettingsPage({ user, onSignedOutEverywhere }: { user: User; onSignedOutEverywhere(): void }) {
  const { t } = useTranslation()
  const [tab, setTab] = useState<string | null>('password')
  const [org, setOrg] = useState<{ departments: Department[]; roles: Role[] } | null>(null)

  useEffect(() => {
    let live = true
    // Only to show where I sit; the page works without it.
    Promise.all([api.departments.list(), api.roles.list()]).then(
      ([departments, roles]) => live && setOrg({ departments, roles }),
      () => undefined
    )
    return () => {
      live = false
    }
  }, [])

  const department = org && user.departmentId !== null ? departmentPath(org.departments, user.departmentId) : null
  const roles = org ? org.roles.filter((r) => user.roleIds.includes(r.id)) : []

  return (
    <Stack gap="md" maw={1100}>
      <PageHeader title={t('settings.title')} description={t('settings.subtitle')} />
      <Paper withBorder radius="md" p="md">
        <Group gap="md" wrap="nowrap">
          <UserAvatar size={52} name={user.name} />
          <Stack gap={4}>
            <Group gap="xs">
              <Text fw={600} size="lg">
                {user.name}
              </Text>
              {user.isAdmin && (
                <Badge color="grape" variant="light" radius="sm" fw={500}>
                  {t('shell.admin')}
                </Badge>
              )}
              {roles.map((r) => (
                <Badge key={r.id} variant="light" radius="sm" fw={500}>
                  {r.name}
                </Badge>
              ))}
            </Group>
            <Text size="sm" c="dimmed">
              {[t('settings.loginAs', { login: user.login }), department, user.phone, user.email].filter(Boolean).join(' · ')}
            </Text>
          </Stack>
        </Group>
      </Paper>
      <OfficeConnectionCard />
      <Paper withBorder radius="md" p="md">
        <Tabs value={tab} onChange={setTab} keepMounted={false}>
          <Tabs.List mb="md">
            <Tabs.Tab value="password" leftSection={<IconLock size={16} />}>
              {t('settings.tabPassword')}
            </Tabs.Tab>
            <Tabs.Tab value="sessions" leftSection={<IconDevices size={16} />}>
              {t('settings.tabSessions')}
            </Tabs.Tab>
            <Tabs.Tab value="tokens" leftSection={<IconKey size={16} />}>
              {t('settings.tabTokens')}
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="password">
            <ChangePassword />
          </Tabs.Panel>
          <Tabs.Panel value="sessions">
            <Sessions onSignedOutEverywhere={onSignedOutEverywhere} />
          </Tabs.Panel>
          <Tabs.Panel value="tokens">
            <ApiTokens />
          </Tabs.Panel>
        </Tabs>
      </Paper>
    </Stack>
  )
}
