import { useEffect, useState } from 'react'
import { Alert, Badge, Button, Code, Group, Image, Paper, Stack, Switch, Table, Text, Title } from '@mantine/core'
import { IconCheck, IconPlugConnectedX, IconX } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { MethodOutput } from '@shared/api/contracts'
import { api } from '../../api/client'
import { formatInstant } from '../../fields/datetime'
import { notifyError, notifySuccess } from '../../lib/notify'
import { useLoaded } from '../../lib/use-loaded'
import { LoadState } from '../LoadState'
import { ConfirmDialog } from '../ConfirmDialog'

type Status = MethodOutput<'lan.status'>
type Device = Status['devices'][number]

/** How often the panel asks again: a colleague's pairing request should appear while the admin looks. */
const REFRESH_MS = 4000

/**
 * 设置 → 系统 → 局域网共享 (administrators): one switch; while on, the addresses, the QR code of
 * the certificate page for phones, the office CA fingerprint, who is connected, pairing requests
 * to approve (after comparing the code the colleague's PC asks for) and paired PCs to revoke.
 */
export function LanSharePanel() {
  const { t } = useTranslation()
  const status = useLoaded(() => api.lan.status())
  const [switching, setSwitching] = useState(false)
  const [revoking, setRevoking] = useState<Device | null>(null)

  useEffect(() => {
    const timer = setInterval(() => void status.reload(), REFRESH_MS)
    return () => clearInterval(timer)
  }, [status])

  if (!status.data) return <LoadState failure={status.failure} />
  const s = status.data
  const pending = s.devices.filter((d) => d.status === 'pending')
  const paired = s.devices.filter((d) => d.status === 'approved')

  const toggle = async (on: boolean) => {
    setSwitching(true)
    try {
      await api.lan.setSharing({ on })
      notifySuccess(t(on ? 'lan.ui.turnedOn' : 'lan.ui.turnedOff'))
      await status.reload()
    } catch (error) {
      notifyError(error)
    } finally {
      setSwitching(false)
    }
  }

  const decide = async (device: Device, approve: boolean) => {
    try {
      await api.lan.decide({ id: device.id, approve })
      notifySuccess(t(approve ? 'lan.ui.approved' : 'lan.ui.refused', { name: device.name }))
      await status.reload()
    } catch (error) {
      notifyError(error)
    }
  }

  const revoke = async () => {
    if (!revoking) return
    try {
      await api.lan.revoke({ id: revoking.id })
      notifySuccess(t('lan.ui.revoked', { name: revoking.name }))
      setRevoking(null)
      await status.reload()
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <Stack gap="md" data-testid="lan-panel">
      <Switch
        size="md"
        checked={s.sharing}
        disabled={switching || s.fixed || !s.available}
        onChange={(e) => void toggle(e.currentTarget.checked)}
        label={t('lan.ui.switch')}
        description={t('lan.ui.switchHint')}
        data-testid="lan-switch"
      />
      {!s.available && <Alert color="gray" icon={<IconPlugConnectedX size={18} />}>{t('lan.ui.unavailable')}</Alert>}
      {s.fixed && <Alert color="blue">{t('lan.ui.fixed')}</Alert>}
      {s.sharing && (
        <Group align="flex-start" gap="xl" wrap="wrap">
          <Stack gap="xs" style={{ flex: 1, minWidth: 260 }}>
            <Text size="sm" fw={500}>{t('lan.ui.addresses')}</Text>
            {s.urls.map((url) => <Code key={url} data-testid="lan-url">{url}</Code>)}
            <Text size="sm" fw={500} mt="sm">{t('lan.ui.fingerprint')}</Text>
            <Code block style={{ wordBreak: 'break-all', whiteSpace: 'normal' }} data-testid="lan-fingerprint">{s.fingerprint}</Code>
            <Text size="xs" c="dimmed">{t('lan.ui.fingerprintHint')}</Text>
          </Stack>
          {s.qrSvg && s.helpUrl && (
            <Paper withBorder p="sm" radius="md" maw={220}>
              <Image src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(s.qrSvg)}`} alt={t('lan.ui.qrAlt')} w={180} h={180} data-testid="lan-qr" />
              <Text size="xs" c="dimmed" ta="center" mt={4}>{t('lan.ui.qrHint')}</Text>
              <Text size="xs" ta="center"><Code>{s.helpUrl}</Code></Text>
            </Paper>
          )}
        </Group>
      )}

      {pending.length > 0 && (
        <Paper withBorder p="sm" radius="md" data-testid="lan-pending">
          <Title order={5} mb="xs">{t('lan.ui.pending')}</Title>
          <Text size="xs" c="dimmed" mb="xs">{t('lan.ui.pendingHint')}</Text>
          <Table>
            <Table.Tbody>
              {pending.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>{d.name}</Table.Td>
                  <Table.Td>{d.address ?? ''}</Table.Td>
                  <Table.Td>{d.code ? <Text ff="monospace" fw={700} size="lg">{d.code}</Text> : <Text size="sm" c="dimmed">{t('lan.ui.noCode')}</Text>}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end">
                      <Button size="xs" leftSection={<IconCheck size={14} />} disabled={!d.code} onClick={() => void decide(d, true)} data-testid="lan-approve">{t('lan.ui.approve')}</Button>
                      <Button size="xs" variant="default" leftSection={<IconX size={14} />} disabled={!d.code} onClick={() => void decide(d, false)}>{t('lan.ui.refuse')}</Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}

      <Stack gap="xs">
        <Title order={5}>{t('lan.ui.devices')}</Title>
        {paired.length === 0 ? <Text size="sm" c="dimmed">{t('lan.ui.noDevices')}</Text> : (
          <Table data-testid="lan-devices">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('lan.ui.deviceName')}</Table.Th>
                <Table.Th>{t('lan.ui.deviceUser')}</Table.Th>
                <Table.Th>{t('lan.ui.lastSeen')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {paired.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>{d.name}</Table.Td>
                  <Table.Td>{d.user ?? t('lan.ui.noUserYet')}</Table.Td>
                  <Table.Td>{d.lastSeenAt ? formatInstant(d.lastSeenAt) : t('lan.ui.never')}</Table.Td>
                  <Table.Td ta="right">
                    <Button size="xs" variant="subtle" color="red" onClick={() => setRevoking(d)}>{t('lan.ui.revoke')}</Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>

      <Stack gap="xs">
        <Title order={5}>{t('lan.ui.connected')}</Title>
        {s.connected.length === 0 ? <Text size="sm" c="dimmed">{t('lan.ui.nobody')}</Text> : (
          <Group gap="xs" data-testid="lan-connected">
            {s.connected.map((c, i) => (
              <Badge key={i} variant="light" size="lg">{[c.user, c.device ?? c.address].filter(Boolean).join(' · ')}</Badge>
            ))}
          </Group>
        )}
      </Stack>

      <ConfirmDialog
        opened={revoking !== null}
        title={t('lan.ui.revokeTitle')}
        message={t('lan.ui.revokeMessage', { name: revoking?.name ?? '' })}
        confirmLabel={t('lan.ui.revoke')}
        danger
        onConfirm={() => void revoke()}
        onCancel={() => setRevoking(null)}
      />
    </Stack>
  )
}
