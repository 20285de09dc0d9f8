import { useState } from 'react'
import { Badge, Button, Group, Modal, Paper, Stack, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { useOffice } from '../../lib/office'
import { ConfirmDialog } from '../ConfirmDialog'
import { OfficeConnect } from './OfficeConnect'

/** 设置 on a PC connected to the office host: which host, its state, 断开 and 切换到其他电脑. */
export function OfficeConnectionCard() {
  const { t } = useTranslation()
  const { office, run } = useOffice()
  const [confirming, setConfirming] = useState(false)
  const [switching, setSwitching] = useState(false)
  const c = office?.connection
  if (!office || !c || c.mode !== 'client' || !c.host) return null
  const color = c.status === 'connected' ? 'green' : c.status === 'refused' ? 'red' : 'orange'
  return (
    <Paper withBorder radius="md" p="md" data-testid="office-card">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={5}>{t('lan.office.title')}</Title>
          <Badge color={color} variant="light">{t(`lan.office.status.${c.status ?? 'connecting'}`)}</Badge>
        </Group>
        <Text size="sm">{t('lan.office.connectedTo', { name: c.host.name })}</Text>
        <Text size="xs" c="dimmed">{t('lan.office.address', { url: c.host.url })}</Text>
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={() => setSwitching(true)}>{t('lan.office.switch')}</Button>
          <Button size="xs" color="red" variant="light" onClick={() => setConfirming(true)} data-testid="office-disconnect">{t('lan.office.disconnect')}</Button>
        </Group>
      </Stack>
      <ConfirmDialog
        opened={confirming}
        title={t('lan.office.disconnect')}
        message={t('lan.office.disconnectHint')}
        confirmLabel={t('lan.office.disconnect')}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false)
          void run('disconnect')
        }}
      />
      <Modal opened={switching} onClose={() => setSwitching(false)} title={t('lan.connect.title')} size="lg">
        <OfficeConnect office={office} run={run} onClose={() => setSwitching(false)} />
      </Modal>
    </Paper>
  )
}
