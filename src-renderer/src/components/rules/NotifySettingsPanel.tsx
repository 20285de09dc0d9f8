import { useEffect, useState } from 'react'
import { Button, Card, Grid, Group, NumberInput, PasswordInput, SegmentedControl, Stack, Switch, Text, TextInput, Title } from '@mantine/core'
import { IconMail, IconSend, IconWebhook } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { SmtpSettings } from '@shared/api/rules'
import { api } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'

/** 邮件与 Webhook: the SMTP server used by email actions, with a test send; a webhook test. */
export function NotifySettingsPanel() {
  const { t } = useTranslation()
  const [smtp, setSmtp] = useState<SmtpSettings & { hasPassword?: boolean }>({ host: '', port: 465, secure: true, user: '', from: '' })
  const [testTo, setTestTo] = useState('')
  const [busy, setBusy] = useState<string | null>(null)
  const [hook, setHook] = useState<{ url: string; format: 'json' | 'dingtalk' | 'wecom'; secret: string }>({ url: '', format: 'dingtalk', secret: '' })

  useEffect(() => {
    api.notify.smtpGet({}).then(setSmtp, notifyError)
  }, [])

  const run = async (what: string, fn: () => unknown, done: string) => {
    setBusy(what)
    try {
      await fn()
      notifySuccess(done)
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(null)
    }
  }

  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Card withBorder radius="md" p="lg">
          <Group gap="xs" mb="md">
            <IconMail size={20} />
            <Title order={5}>{t('rules.settings.smtp')}</Title>
          </Group>
          <Stack gap="sm">
            <Group grow>
              <TextInput label={t('rules.settings.host')} placeholder={t('rules.settings.hostPlaceholder')} value={smtp.host} onChange={(e) => setSmtp({ ...smtp, host: e.currentTarget.value })} />
              <NumberInput label={t('rules.settings.port')} min={1} max={65535} value={smtp.port} onChange={(n) => setSmtp({ ...smtp, port: Number(n) || 465 })} />
            </Group>
            <Switch label={t('rules.settings.secure')} checked={smtp.secure} onChange={(e) => setSmtp({ ...smtp, secure: e.currentTarget.checked })} />
            <Group grow>
              <TextInput label={t('rules.settings.user')} value={smtp.user} onChange={(e) => setSmtp({ ...smtp, user: e.currentTarget.value })} />
              <PasswordInput label={t('rules.settings.password')} placeholder={smtp.hasPassword ? t('rules.settings.passwordKept') : ''} value={smtp.password ?? ''} onChange={(e) => setSmtp({ ...smtp, password: e.currentTarget.value })} />
            </Group>
            <TextInput label={t('rules.settings.from')} placeholder={t('rules.settings.fromPlaceholder')} value={smtp.from} onChange={(e) => setSmtp({ ...smtp, from: e.currentTarget.value })} />
            <Group justify="space-between" mt="xs">
              <Group gap="xs">
                <TextInput placeholder={t('rules.settings.testTo')} value={testTo} onChange={(e) => setTestTo(e.currentTarget.value)} w={220} />
                <Button variant="light" leftSection={<IconSend size={16} />} disabled={!testTo} loading={busy === 'mail'} onClick={() => void run('mail', () => api.notify.smtpTest({ to: testTo }), t('rules.settings.testSent'))}>
                  {t('rules.settings.sendTest')}
                </Button>
              </Group>
              <Button loading={busy === 'save'} onClick={() => void run('save', () => api.notify.smtpSet({ ...smtp, password: smtp.password || undefined }), t('common.saved'))}>
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </Card>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Card withBorder radius="md" p="lg">
          <Group gap="xs" mb="md">
            <IconWebhook size={20} />
            <Title order={5}>{t('rules.settings.webhook')}</Title>
          </Group>
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              {t('rules.settings.webhookHint')}
            </Text>
            <SegmentedControl data={(['dingtalk', 'wecom', 'json'] as const).map((f) => ({ value: f, label: t(`rules.webhook.${f}`) }))} value={hook.format} onChange={(f) => setHook({ ...hook, format: f as 'json' })} />
            <TextInput label={t('rules.editor.url')} value={hook.url} onChange={(e) => setHook({ ...hook, url: e.currentTarget.value })} />
            {hook.format === 'dingtalk' && <PasswordInput label={t('rules.editor.secret')} value={hook.secret} onChange={(e) => setHook({ ...hook, secret: e.currentTarget.value })} />}
            <Group justify="flex-end">
              <Button variant="light" leftSection={<IconSend size={16} />} disabled={!hook.url} loading={busy === 'hook'} onClick={() => void run('hook', () => api.notify.webhookTest({ url: hook.url, format: hook.format, secret: hook.secret || undefined }), t('rules.settings.webhookSent'))}>
                {t('rules.settings.sendTest')}
              </Button>
            </Group>
          </Stack>
        </Card>
      </Grid.Col>
    </Grid>
  )
}
