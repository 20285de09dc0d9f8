import { useEffect, useState, type FormEvent } from 'react'
import {
  Alert,
  Badge,
  Button,
  Center,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Loader,
  Modal,
  NumberInput,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput
} from '@mantine/core'
import { IconAlertTriangle, IconCheck, IconCopy, IconKey, IconPlus } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { ModalForm } from '../ModalForm'
import { useLoaded } from '../../lib/use-loaded'
import type { MethodOutput } from '@shared/api/contracts'
import { api, ApiError } from '../../api/client'
import { formatInstant } from '../../fields/datetime'
import { notifyError, notifySuccess } from '../../lib/notify'
import { ConfirmDialog } from '../ConfirmDialog'

type Token = MethodOutput<'tokens.list'>[number]

function status(token: Token, now = Date.now()): 'active' | 'revoked' | 'expired' {
  if (token.revoked) return 'revoked'
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return 'expired'
  return 'active'
}

const STATUS_COLOR = { active: 'teal', revoked: 'gray', expired: 'orange' } as const

/** API 令牌: for connecting other programs (scripts, 企业微信 robots, spreadsheets) to my data. */
export function ApiTokens() {
  const { t } = useTranslation()
  const { data: tokens, failure, reload: load } = useLoaded(async () =>
    (await api.tokens.list()).sort((a, b) => Number(a.revoked) - Number(b.revoked) || b.createdAt.localeCompare(a.createdAt)))
  const [creating, setCreating] = useState(false)
  const [revoke, setRevoke] = useState<Token | null>(null)

  if (failure) return <Text c="red" size="sm">{failure}</Text>
  if (!tokens) {
    return (
      <Center py="lg">
        <Loader size="sm" />
      </Center>
    )
  }

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed" maw={560}>
          {t('tokens.hint')}
        </Text>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          {t('tokens.create')}
        </Button>
      </Group>
      <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
        {tokens.length === 0 ? (
          <Stack align="center" gap={6} py={40}>
            <IconKey size={28} color="var(--mantine-color-gray-5)" />
            <Text size="sm" c="dimmed">
              {t('tokens.empty')}
            </Text>
          </Stack>
        ) : (
          <Table.ScrollContainer minWidth={760} type="native">
            <Table verticalSpacing="sm" horizontalSpacing="md" data-testid="tokens-table">
              <Table.Thead bg="var(--jimu-surface-muted)">
                <Table.Tr>
                  <Table.Th>{t('tokens.name')}</Table.Th>
                  <Table.Th>{t('tokens.scope')}</Table.Th>
                  <Table.Th>{t('tokens.createdAt')}</Table.Th>
                  <Table.Th>{t('tokens.expiresAt')}</Table.Th>
                  <Table.Th>{t('tokens.lastUsed')}</Table.Th>
                  <Table.Th>{t('tokens.status')}</Table.Th>
                  <Table.Th w={90} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {tokens.map((token) => {
                  const s = status(token)
                  return (
                    <Table.Tr key={token.id} style={s === 'active' ? undefined : { opacity: 0.6 }}>
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {token.name}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={token.scope === 'write' ? 'orange' : 'indigo'} radius="sm" fw={500}>
                          {t(`tokens.scope.${token.scope}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{formatInstant(token.createdAt)}</Table.Td>
                      <Table.Td>{token.expiresAt ? formatInstant(token.expiresAt) : t('tokens.never')}</Table.Td>
                      <Table.Td>{token.lastUsedAt ? formatInstant(token.lastUsedAt) : <Text size="sm" c="dimmed">{t('tokens.neverUsed')}</Text>}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={STATUS_COLOR[s]} radius="sm" fw={500}>
                          {t(`tokens.status.${s}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td ta="right">
                        {s === 'active' && (
                          <Button variant="subtle" color="red" size="xs" onClick={() => setRevoke(token)}>
                            {t('tokens.revoke')}
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  )
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>

      <CreateTokenModal opened={creating} onClose={() => setCreating(false)} onCreated={() => void load()} />
      <ConfirmDialog
        opened={revoke !== null}
        title={t('tokens.revokeTitle', { name: revoke?.name ?? '' })}
        message={t('tokens.revokeBody')}
        confirmLabel={t('tokens.revoke')}
        danger
        onCancel={() => setRevoke(null)}
        onConfirm={async () => {
          if (!revoke) return
          await api.tokens.revoke({ id: revoke.id })
          notifySuccess(t('tokens.revoked', { name: revoke.name }))
          setRevoke(null)
          await load()
        }}
      />
    </Stack>
  )
}

function CreateTokenModal({ opened, onClose, onCreated }: { opened: boolean; onClose(): void; onCreated(): void }) {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [scope, setScope] = useState<'read' | 'write'>('read')
  const [days, setDays] = useState<number | string>(90)
  const [never, setNever] = useState(false)
  const [errors, setErrors] = useState<{ name?: string; days?: string }>({})
  const [busy, setBusy] = useState(false)
  const [created, setCreated] = useState<string | null>(null)

  useEffect(() => {
    if (!opened) return
    setName('')
    setScope('read')
    setDays(90)
    setNever(false)
    setErrors({})
    setCreated(null)
  }, [opened])

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const n = typeof days === 'number' ? days : Number(days)
    const found = {
      name: name.trim() ? undefined : t('tokens.nameRequired'),
      days: never || (Number.isInteger(n) && n >= 1 && n <= 3650) ? undefined : t('tokens.daysInvalid')
    }
    setErrors(found)
    if (found.name || found.days) return
    setBusy(true)
    try {
      const { token } = await api.tokens.create({ name: name.trim(), scope, expiresInDays: never ? null : n })
      setCreated(token)
      onCreated()
    } catch (error) {
      if (error instanceof ApiError && error.field === 'name') setErrors({ name: error.message })
      else notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      centered
      size={created ? 'lg' : 'md'}
      closeOnClickOutside={!created}
      title={<Text fw={600}>{created ? t('tokens.createdTitle') : t('tokens.createTitle')}</Text>}
    >
      {created ? (
        <Stack gap="md" data-testid="token-created">
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title={t('tokens.onceTitle')}>
            {t('tokens.onceBody')}
          </Alert>
          <Group gap="xs" wrap="nowrap" p="sm" bg="var(--jimu-surface-muted)" style={{ border: '1px solid var(--jimu-border)', borderRadius: 'var(--mantine-radius-md)' }}>
            <Code data-testid="token-value" style={{ flex: 1, wordBreak: 'break-all', background: 'transparent', fontSize: 13 }}>
              {created}
            </Code>
            <CopyButton value={created}>
              {({ copied, copy }) => (
                <Button size="xs" variant={copied ? 'light' : 'filled'} color={copied ? 'teal' : undefined} leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />} onClick={copy}>
                  {copied ? t('common.copied') : t('common.copy')}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Text size="xs" c="dimmed">
            {t('tokens.usage')} <Code>Authorization: Bearer …</Code>
          </Text>
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('tokens.savedIt')}</Button>
          </Group>
        </Stack>
      ) : (
        <ModalForm onSubmit={submit} onCancel={onClose} busy={busy} submitLabel={t('tokens.createSubmit')}>
            <TextInput
              label={t('tokens.name')}
              placeholder={t('tokens.namePlaceholder')}
              withAsterisk
              value={name}
              error={errors.name}
              onChange={(e) => setName(e.currentTarget.value)}
              data-autofocus
            />
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                {t('tokens.scope')}
              </Text>
              <SegmentedControl
                value={scope}
                onChange={(v) => setScope(v as 'read' | 'write')}
                data={[
                  { value: 'read', label: t('tokens.scope.read') },
                  { value: 'write', label: t('tokens.scope.write') }
                ]}
                aria-label={t('tokens.scope')}
              />
              <Text size="xs" c="dimmed">
                {scope === 'read' ? t('tokens.scopeReadHint') : t('tokens.scopeWriteHint')}
              </Text>
            </Stack>
            <Group align="flex-end" gap="md">
              <NumberInput label={t('tokens.expiresInDays')} min={1} max={3650} allowDecimal={false} value={days} onChange={setDays} disabled={never} error={errors.days} w={160} suffix={` ${t('tokens.days')}`} />
              <Checkbox label={t('tokens.never')} checked={never} onChange={(e) => setNever(e.currentTarget.checked)} mb={8} />
            </Group>
        </ModalForm>
      )}
    </Modal>
  )
}
