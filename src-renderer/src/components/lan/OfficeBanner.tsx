import { useEffect, useRef, useState } from 'react'
import { Alert, Button, Group, Modal, Text } from '@mantine/core'
import { IconPlugConnectedX } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { useOffice } from '../../lib/office'
import { OfficeConnect } from './OfficeConnect'

/**
 * Over the page, under drawers and dialogs (Mantine's modal layer is 200): a record being edited
 * offline keeps its 保存 button; the banner had covered the drawer's footer.
 */
const BANNER_Z = 199

/**
 * On a PC connected to the office host: a plain message while the host cannot be reached (with
 * the countdown to the next automatic retry and 立即重试), or when its administrator revoked this
 * PC (pair again, or 断开). `onSwitched` runs when the window's transport changed (paired,
 * disconnected) or the host came back: the app loads its state again from wherever calls go now.
 */
export function OfficeBanner({ onSwitched }: { onSwitched: () => void }) {
  const { t } = useTranslation()
  const { office, run } = useOffice()
  const [now, setNow] = useState(() => Date.now())
  const [pairing, setPairing] = useState(false)
  const last = useRef<{ mode: string; status: string | null } | null>(null)
  const connection = office?.connection

  useEffect(() => {
    if (!connection) return
    const prev = last.current
    last.current = { mode: connection.mode, status: connection.status }
    if (!prev) return
    if (prev.mode !== connection.mode || (prev.status !== 'connected' && prev.status !== 'connecting' && connection.status === 'connected')) onSwitched()
  }, [connection, onSwitched])

  useEffect(() => {
    if (connection?.status !== 'unreachable') return
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [connection?.status])

  if (!office || !connection || connection.mode !== 'client') return null
  const name = connection.host?.name ?? ''
  if (connection.status === 'unreachable') {
    const seconds = connection.retryAt ? Math.max(0, Math.ceil((connection.retryAt - now) / 1000)) : 0
    return (
      <Alert color="orange" radius={0} icon={<IconPlugConnectedX size={18} />} data-testid="office-unreachable" style={{ position: 'fixed', left: 0, right: 0, bottom: 0, zIndex: BANNER_Z }}>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text size="sm">{office.sync ? t('sync.banner.offline', { name }) : t('lan.office.unreachable', { name })}</Text>
          <Group gap="xs" wrap="nowrap">
            <Text size="sm" c="dimmed">{seconds > 0 ? t('lan.office.retryIn', { seconds }) : t('lan.office.retrying')}</Text>
            <Button size="compact-sm" variant="white" onClick={() => void run('retry')} data-testid="office-retry">{t('lan.office.retryNow')}</Button>
          </Group>
        </Group>
      </Alert>
    )
  }
  if (connection.status === 'refused')
    return (
      <>
        <Alert color="red" radius={0} data-testid="office-refused" style={{ position: 'fixed', left: 0, right: 0, bottom: 0, zIndex: BANNER_Z }}>
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Text size="sm">{t('lan.office.refused')}</Text>
            <Group gap="xs">
              <Button size="compact-sm" onClick={() => setPairing(true)}>{t('lan.office.pairAgain')}</Button>
              <Button size="compact-sm" variant="default" onClick={() => void run('disconnect')}>{t('lan.office.disconnect')}</Button>
            </Group>
          </Group>
        </Alert>
        <Modal opened={pairing} onClose={() => setPairing(false)} title={t('lan.connect.title')} size="lg">
          <OfficeConnect office={office} run={run} onClose={() => setPairing(false)} />
        </Modal>
      </>
    )
  return null
}
