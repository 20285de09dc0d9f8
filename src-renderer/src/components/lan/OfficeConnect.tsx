import { useEffect, useState, type FormEvent } from 'react'
import { Alert, Button, Code, Group, Loader, Paper, PinInput, Stack, Text, TextInput, Title, UnstyledButton } from '@mantine/core'
import { IconCircleCheck, IconDeviceDesktop, IconRefresh } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { OfficeSnapshot } from '@shared/office'

/**
 * 连接到办公室的电脑 on a desktop PC (the steps run in the main process, src-main/lan/pairing-flow.ts):
 * the hosts mDNS finds (a live list) or a typed address → the six-digit code the host shows →
 * waiting for the host owner's approval → the window switches to the host (App reloads its state).
 */
type RunCommand = { (command: string, args?: unknown): Promise<unknown> }

export function OfficeConnect({ office, run, onClose }: { office: OfficeSnapshot; run: RunCommand; onClose: () => void }) {
  const { t } = useTranslation()
  const [address, setAddress] = useState('')
  const [code, setCode] = useState('')
  const { pairing, hosts } = office

  // The host list is live while this screen is open.
  useEffect(() => {
    void run('discover')
    return () => {
      void run('stopDiscover')
    }
  }, [run])

  const pair = (target: string, name?: string) => void run('pair', { address: target, name })
  const submitAddress = (e: FormEvent) => {
    e.preventDefault()
    if (address.trim()) pair(address.trim())
  }
  const submitCode = (value: string) => {
    setCode('')
    void run('code', { code: value })
  }
  const cancel = () => {
    void run('cancel')
    onClose()
  }
  const errorText = pairing.error ? t(pairing.error.messageKey, pairing.error.params) : null

  if (pairing.step === 'requesting')
    return (
      <Stack align="center" py="xl" data-testid="office-requesting">
        <Loader />
        <Text>{t('lan.connect.requesting', { address: pairing.address })}</Text>
        <Button variant="default" onClick={() => void run('cancel')}>{t('lan.connect.cancel')}</Button>
      </Stack>
    )

  if (pairing.step === 'code')
    return (
      <Stack data-testid="office-code">
        <Title order={4}>{t('lan.connect.codeTitle')}</Title>
        <Text size="sm">{t('lan.connect.codeHint', { device: office.deviceName })}</Text>
        <PinInput length={6} type="number" oneTimeCode size="lg" value={code} onChange={setCode} onComplete={submitCode} aria-label={t('lan.connect.code')} data-testid="office-code-input" error={!!pairing.error} />
        {pairing.error && (
          <Alert color="red" data-testid="office-code-error">
            {errorText} {t('lan.connect.codeMistakes', { count: pairing.mistakes })}
          </Alert>
        )}
        {pairing.fingerprint && (
          <Text size="xs" c="dimmed">
            {t('lan.connect.fingerprint', { fingerprint: '' })}
            <Code style={{ wordBreak: 'break-all' }}>{pairing.fingerprint}</Code>
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => void run('cancel')}>{t('lan.connect.cancel')}</Button>
        </Group>
      </Stack>
    )

  if (pairing.step === 'waiting' || pairing.step === 'approved')
    return (
      <Stack align="center" py="lg" data-testid="office-waiting">
        {pairing.step === 'approved' ? <IconCircleCheck size={40} color="var(--mantine-color-green-6)" /> : <Loader />}
        <Text fw={600} ta="center">{pairing.step === 'approved' ? t('lan.connect.approved') : t('lan.connect.waiting', { device: office.deviceName })}</Text>
        {pairing.step === 'waiting' && <Text size="sm" c="dimmed" ta="center">{t('lan.connect.waitingHint')}</Text>}
        {pairing.hostSilent && <Alert color="yellow">{t('lan.connect.hostSilent')}</Alert>}
        {pairing.step === 'waiting' && <Button variant="default" onClick={() => void run('cancel')}>{t('lan.connect.cancel')}</Button>}
      </Stack>
    )

  return (
    <Stack data-testid="office-connect">
      <Text size="sm">{t('lan.connect.intro')}</Text>
      {pairing.step === 'failed' && (
        <Alert color="red" title={t('lan.connect.failed')} data-testid="office-failed">
          {errorText}
        </Alert>
      )}
      <Group justify="space-between">
        <Text fw={600} size="sm">{t('lan.connect.found')}</Text>
        <Button size="compact-sm" variant="subtle" leftSection={<IconRefresh size={14} />} onClick={() => void run('refresh')}>{t('lan.connect.refresh')}</Button>
      </Group>
      <Stack gap="xs" data-testid="office-hosts">
        {hosts.map((h) => (
          <Paper key={h.key} withBorder p="sm" radius="md">
            <UnstyledButton w="100%" onClick={() => pair(h.address, h.name)} aria-label={`${t('lan.connect.choose')} ${h.name}`}>
              <Group wrap="nowrap" justify="space-between">
                <Group wrap="nowrap" gap="sm">
                  <IconDeviceDesktop size={22} />
                  <div>
                    <Text fw={500}>{h.name}</Text>
                    <Text size="xs" c="dimmed">{h.address} · {h.host}</Text>
                  </div>
                </Group>
                <Text c="blue" size="sm" fw={500}>{t('lan.connect.choose')}</Text>
              </Group>
            </UnstyledButton>
          </Paper>
        ))}
        {hosts.length === 0 && (
          <Group gap="xs" wrap="nowrap">
            {office.discovering && !office.discoveryFailed && <Loader size="xs" />}
            <Text size="sm" c="dimmed">{office.discoveryFailed ? t('lan.connect.discoveryFailed') : office.discovering ? `${t('lan.connect.searching')} ${t('lan.connect.noneFound')}` : t('lan.connect.noneFound')}</Text>
          </Group>
        )}
      </Stack>
      <form onSubmit={submitAddress}>
        <Group align="flex-end" wrap="nowrap">
          <TextInput style={{ flex: 1 }} label={t('lan.connect.address')} description={t('lan.connect.addressHint')} value={address} onChange={(e) => setAddress(e.currentTarget.value)} data-testid="office-address" />
          <Button type="submit" disabled={!address.trim()} data-testid="office-pair">{t('lan.connect.pair')}</Button>
        </Group>
      </form>
      <Group justify="flex-end">
        <Button variant="default" onClick={cancel}>{t('lan.connect.back')}</Button>
      </Group>
    </Stack>
  )
}
