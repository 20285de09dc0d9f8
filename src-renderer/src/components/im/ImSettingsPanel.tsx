import { useEffect, useState } from 'react'
import { Alert, Button, Card, Grid, Group, PasswordInput, ScrollArea, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core'
import { IconAddressBook, IconBrandMessenger, IconPlugConnected } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { ImSettingsDto } from '@shared/api/im'
import { api } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'

type Provider = 'dingtalk' | 'wecom'
const PROVIDERS: Provider[] = ['dingtalk', 'wecom']
const OFFICIAL: Record<Provider, string> = { dingtalk: 'https://oapi.dingtalk.com', wecom: 'https://qyapi.weixin.qq.com' }
interface Draft { enabled: boolean; baseUrl: string; key: string; secret: string; agentId: string }
type Binding = { userId: number; name: string; active: boolean; dingtalk: string | null; wecom: string | null }

const draftOf = (s: ImSettingsDto, p: Provider): Draft => ({ enabled: s[p].enabled, baseUrl: s[p].baseUrl, key: s[p].key, secret: '', agentId: s[p].agentId })

/** 设置 → 钉钉/企业微信: the applications that send work notices, the connection test, the contact import and the bindings. */
export function ImSettingsPanel() {
  const { t } = useTranslation()
  const [settings, setSettings] = useState<ImSettingsDto | null>(null)
  const [publicUrl, setPublicUrl] = useState('')
  const [drafts, setDrafts] = useState<Record<Provider, Draft> | null>(null)
  const [bindings, setBindings] = useState<Binding[]>([])
  const [busy, setBusy] = useState<string | null>(null)
  const [results, setResults] = useState<Partial<Record<Provider, { ok: boolean; text: string }>>>({})

  const loaded = (s: ImSettingsDto) => {
    setSettings(s)
    setPublicUrl(s.publicUrl)
    setDrafts({ dingtalk: draftOf(s, 'dingtalk'), wecom: draftOf(s, 'wecom') })
  }
  const loadBindings = () => api.im.bindings({}).then(setBindings, notifyError)
  useEffect(() => {
    api.im.settings({}).then(loaded, notifyError)
    void loadBindings()
  }, [])

  if (!settings || !drafts) return null
  const set = (p: Provider, patch: Partial<Draft>) => setDrafts({ ...drafts, [p]: { ...drafts[p], ...patch } })

  const save = async (p: Provider) => {
    setBusy(`save-${p}`)
    try {
      const { secret, ...rest } = drafts[p]
      loaded(await api.im.updateSettings({ publicUrl, [p]: { ...rest, ...(secret ? { secret } : {}) } }))
      notifySuccess(t('im.saved'))
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(null)
    }
  }
  const test = async (p: Provider) => {
    setBusy(`test-${p}`)
    try {
      const r = await api.im.test({ provider: p })
      setResults({ ...results, [p]: { ok: r.ok, text: r.ok ? t('im.testOk') : r.error ? t('im.testFailed', { detail: r.error }) : t('im.testNotConfigured') } })
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(null)
    }
  }
  const importContacts = async (p: Provider) => {
    setBusy(`import-${p}`)
    try {
      const r = await api.im.importContacts({ provider: p })
      notifySuccess(t('im.imported', { departments: r.departmentsCreated, created: r.usersCreated, bound: r.usersBound, already: r.alreadyBound }))
      await loadBindings()
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(null)
    }
  }
  const bind = async (b: Binding, p: Provider, value: string) => {
    const next = value.trim() || null
    if (next === b[p]) return
    try {
      await api.im.bind({ userId: b.userId, provider: p, externalId: next })
      notifySuccess(t('im.saved'))
    } catch (e) {
      notifyError(e)
    }
    await loadBindings()
  }

  return (
    <Stack gap="md" data-testid="im-settings">
      <Text size="sm" c="dimmed">{t('im.intro')}</Text>
      <TextInput label={t('im.publicUrl')} description={t('im.publicUrlHint')} value={publicUrl} onChange={(e) => setPublicUrl(e.currentTarget.value)} maw={520} data-testid="im-public-url" />
      <Text size="sm" data-testid="im-queue">{t('im.queue', { pending: settings.queue.pending, failed: settings.queue.failed })}</Text>
      <Grid gap="md">
        {PROVIDERS.map((p) => (
          <Grid.Col key={p} span={{ base: 12, md: 6 }}>
            <Card withBorder radius="md" p="lg" data-testid={`im-card-${p}`}>
              <Group justify="space-between" mb="md">
                <Group gap="xs">
                  <IconBrandMessenger size={20} />
                  <Title order={5}>{t(`im.provider.${p}`)}</Title>
                </Group>
                <Switch label={t('im.enabled')} checked={drafts[p].enabled} onChange={(e) => set(p, { enabled: e.currentTarget.checked })} data-testid={`im-enabled-${p}`} />
              </Group>
              <Stack gap="sm">
                <TextInput label={t(`im.key.${p}`)} value={drafts[p].key} onChange={(e) => set(p, { key: e.currentTarget.value })} data-testid={`im-key-${p}`} />
                <PasswordInput
                  label={t('im.secret')}
                  placeholder={settings[p].secretSet ? t('im.secretSet', { hint: settings[p].secretHint }) : ''}
                  value={drafts[p].secret}
                  onChange={(e) => set(p, { secret: e.currentTarget.value })}
                  data-testid={`im-secret-${p}`}
                />
                <TextInput label={t('im.agentId')} value={drafts[p].agentId} onChange={(e) => set(p, { agentId: e.currentTarget.value })} data-testid={`im-agent-${p}`} />
                <TextInput label={t('im.baseUrl')} placeholder={OFFICIAL[p]} description={t('im.baseUrlHint', { url: OFFICIAL[p] })} value={drafts[p].baseUrl} onChange={(e) => set(p, { baseUrl: e.currentTarget.value })} data-testid={`im-base-${p}`} />
                {results[p] && (
                  <Alert color={results[p].ok ? 'green' : 'red'} variant="light" data-testid={`im-test-result-${p}`}>
                    {results[p].text}
                  </Alert>
                )}
                <Group justify="space-between" mt="xs" wrap="wrap">
                  <Group gap="xs" maw="100%">
                    <Button variant="light" leftSection={<IconPlugConnected size={16} />} loading={busy === `test-${p}`} onClick={() => void test(p)} data-testid={`im-test-${p}`}>
                      {t('im.test')}
                    </Button>
                    <Button variant="light" h="auto" mih={36} py={6} maw="100%" styles={{ label: { whiteSpace: 'normal' } }} leftSection={<IconAddressBook size={16} />} loading={busy === `import-${p}`} disabled={!settings[p].secretSet} onClick={() => void importContacts(p)} data-testid={`im-import-${p}`}>
                      {t(`im.import.${p}`)}
                    </Button>
                  </Group>
                  <Button loading={busy === `save-${p}`} onClick={() => void save(p)} data-testid={`im-save-${p}`}>
                    {t('im.save')}
                  </Button>
                </Group>
              </Stack>
            </Card>
          </Grid.Col>
        ))}
      </Grid>
      <Text size="xs" c="dimmed">{t('im.importNote')}</Text>
      <Card withBorder radius="md" p="lg">
        <Title order={5} mb={4}>{t('im.bindings')}</Title>
        <Text size="sm" c="dimmed" mb="sm">{t('im.bindingsHint')}</Text>
        <ScrollArea>
          <Table striped data-testid="im-bindings">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('im.user')}</Table.Th>
                {PROVIDERS.map((p) => <Table.Th key={p}>{t(`im.userIdOf.${p}`)}</Table.Th>)}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {bindings.filter((b) => b.active).map((b) => (
                <Table.Tr key={b.userId}>
                  <Table.Td>{b.name}</Table.Td>
                  {PROVIDERS.map((p) => (
                    <Table.Td key={`${b.userId}-${p}-${b[p] ?? ''}`}>
                      <TextInput size="xs" defaultValue={b[p] ?? ''} aria-label={`${b.name} ${t(`im.userIdOf.${p}`)}`} onBlur={(e) => void bind(b, p, e.currentTarget.value)} />
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      </Card>
    </Stack>
  )
}
