import { useState } from 'react'
import { Badge, Button, Center, Group, Loader, Paper, Stack, Table, Text, ThemeIcon, Tooltip } from '@mantine/core'
import { IconDeviceDesktop, IconDeviceMobile, IconLogout, IconTerminal2, IconWorld } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { useLoaded } from '../../lib/use-loaded'
import type { MethodOutput } from '@shared/api/contracts'
import { api } from '../../api/client'
import { formatInstant } from '../../fields/datetime'
import { notifyError, notifySuccess } from '../../lib/notify'
import { describeClient } from '../../lib/user-agent'
import { ConfirmDialog } from '../ConfirmDialog'

type Session = MethodOutput<'auth.sessions'>[number]

function DeviceIcon({ client }: { client: string | null }) {
  const { app, os } = describeClient(client)
  const Icon = app === 'script' ? IconTerminal2 : os === 'iOS' || os === 'Android' ? IconDeviceMobile : app === 'desktop' ? IconDeviceDesktop : IconWorld
  return (
    <ThemeIcon variant="light" color="gray" radius="md" size={32}>
      <Icon size={18} stroke={1.6} />
    </ThemeIcon>
  )
}

/** 登录设备: where I am signed in; sign one out, or all of them (this one too). */
export function Sessions({ onSignedOutEverywhere }: { onSignedOutEverywhere(): void }) {
  const { t } = useTranslation()
  const { data: sessions, failure, reload: load } = useLoaded(async () =>
    (await api.auth.sessions()).sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt)))
  const [revoking, setRevoking] = useState<string | null>(null)
  const [confirmAll, setConfirmAll] = useState(false)

  const name = (s: Session) => {
    const { app, os } = describeClient(s.client)
    const appName = app === 'desktop' ? t('settings.desktopApp') : app === 'script' ? t('settings.apiClient') : app
    return [appName, os].filter(Boolean).join(' · ') || t('settings.unknownDevice')
  }

  const revoke = async (s: Session) => {
    setRevoking(s.id)
    try {
      await api.auth.revokeSession({ id: s.id })
      notifySuccess(t('settings.sessionRevoked'))
      await load()
    } catch (error) {
      notifyError(error)
    } finally {
      setRevoking(null)
    }
  }

  if (failure) return <Text c="red" size="sm">{failure}</Text>
  if (!sessions) {
    return (
      <Center py="lg">
        <Loader size="sm" />
      </Center>
    )
  }

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed">
          {t('settings.sessionsHint')}
        </Text>
        <Button color="red" variant="light" leftSection={<IconLogout size={16} />} onClick={() => setConfirmAll(true)}>
          {t('settings.logoutEverywhere')}
        </Button>
      </Group>
      <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
        <Table verticalSpacing="sm" horizontalSpacing="md" data-testid="sessions-table">
          <Table.Thead bg="var(--jimu-surface-muted)">
            <Table.Tr>
              <Table.Th>{t('settings.device')}</Table.Th>
              <Table.Th>{t('settings.signedInAt')}</Table.Th>
              <Table.Th>{t('settings.lastSeen')}</Table.Th>
              <Table.Th w={110} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sessions.map((s) => (
              <Table.Tr key={s.id} data-current={s.current || undefined}>
                <Table.Td>
                  <Group gap="sm" wrap="nowrap">
                    <DeviceIcon client={s.client} />
                    <Tooltip label={s.client ?? t('settings.unknownDevice')} multiline w={360} withArrow openDelay={400}>
                      <Text size="sm" fw={500}>
                        {name(s)}
                      </Text>
                    </Tooltip>
                    {s.current && (
                      <Badge color="teal" variant="light" radius="sm" fw={500}>
                        {t('settings.thisDevice')}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>{formatInstant(s.createdAt)}</Table.Td>
                <Table.Td>{formatInstant(s.lastSeenAt)}</Table.Td>
                <Table.Td ta="right">
                  {!s.current && (
                    <Button variant="subtle" color="red" size="xs" loading={revoking === s.id} onClick={() => void revoke(s)}>
                      {t('settings.signOutDevice')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      <ConfirmDialog
        opened={confirmAll}
        title={t('settings.logoutEverywhereTitle')}
        message={t('settings.logoutEverywhereBody')}
        confirmLabel={t('settings.logoutEverywhere')}
        danger
        onCancel={() => setConfirmAll(false)}
        onConfirm={async () => {
          await api.auth.logoutEverywhere()
          setConfirmAll(false)
          onSignedOutEverywhere()
        }}
      />
    </Stack>
  )
}
