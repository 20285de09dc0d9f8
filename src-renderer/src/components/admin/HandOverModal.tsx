import { useEffect, useState } from 'react'
import { Alert, Button, Checkbox, Collapse, Group, List, Modal, Paper, Select, Stack, Text } from '@mantine/core'
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FormDto } from '@shared/api/contracts'
import { api, errorMessage } from '../../api/client'
import { invalidateUsers } from '../../lib/cache'
import type { UserInfo } from '../../lib/org'
import { UserSelect } from '../UserPicker'

// When a member leaves, an administrator disables the account (signed out everywhere at once)
// and hands the records they own to a colleague, form by form. Both paths go through here, so
// the outcome is always reported in full: what was disabled, how many records moved per form,
// and where it stopped if a form failed.

export type HandOverMode = 'disable' | 'transfer'

interface Outcome {
  disabled: boolean
  moved: { form: string; count: number }[]
  failed: { form: string; message: string } | null
}

const ALL = 'all'

export function HandOverModal({
  mode,
  user,
  users,
  forms,
  onClose,
  onChanged
}: {
  mode: HandOverMode
  user: UserInfo | null
  users: UserInfo[]
  forms: FormDto[]
  onClose(): void
  /** Called after something changed (the user list reloads). */
  onChanged(): void
}) {
  const { t } = useTranslation()
  const [transfer, setTransfer] = useState(mode === 'transfer')
  const [formChoice, setFormChoice] = useState<string>(ALL)
  const [toUserId, setToUserId] = useState<number | null>(null)
  const [toError, setToError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<Outcome | null>(null)

  useEffect(() => {
    if (!user) return
    setTransfer(mode === 'transfer')
    setFormChoice(ALL)
    setToError(null)
    setOutcome(null)
    // The manager is the usual heir of a leaving member's customers.
    const manager = users.find((u) => u.id === user.managerId && u.active)
    setToUserId(manager ? manager.id : null)
  }, [user, mode, users])

  const run = async () => {
    if (!user) return
    if (transfer && toUserId === null) {
      setToError(t('handover.toRequired'))
      return
    }
    setBusy(true)
    const result: Outcome = { disabled: false, moved: [], failed: null }
    try {
      if (mode === 'disable') {
        try {
          await api.users.update({ id: user.id, active: false })
          result.disabled = true
          invalidateUsers()
        } catch (error) {
          result.failed = { form: '', message: errorMessage(error) }
        }
      }
      if (transfer && toUserId !== null && !result.failed) {
        const chosen = formChoice === ALL ? forms : forms.filter((f) => String(f.id) === formChoice)
        for (const form of chosen) {
          try {
            const { transferred } = await api.records.transfer({ form: form.id, fromUserId: user.id, toUserId })
            result.moved.push({ form: form.label, count: transferred })
          } catch (error) {
            result.failed = { form: form.label, message: errorMessage(error) }
            break
          }
        }
      }
    } finally {
      setBusy(false)
      setOutcome(result)
      if (result.disabled || result.moved.length > 0) onChanged()
    }
  }

  const receiver = users.find((u) => u.id === toUserId)
  const total = outcome?.moved.reduce((sum, m) => sum + m.count, 0) ?? 0
  const title = mode === 'disable' ? t('handover.disableTitle', { name: user?.name ?? '' }) : t('handover.transferTitle', { name: user?.name ?? '' })

  const targetFields = (
    <Stack gap="sm">
      <Select
        label={t('handover.form')}
        data={[{ value: ALL, label: t('handover.allForms', { count: forms.length }) }, ...forms.map((f) => ({ value: String(f.id), label: f.label }))]}
        value={formChoice}
        onChange={(v) => setFormChoice(v ?? ALL)}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
      />
      <UserSelect
        label={t('handover.to')}
        placeholder={t('handover.toPlaceholder')}
        withAsterisk
        users={users}
        exclude={user ? [user.id] : []}
        value={toUserId}
        error={toError}
        onChange={(id) => {
          setToUserId(id)
          setToError(null)
        }}
      />
    </Stack>
  )

  return (
    <Modal opened={user !== null} onClose={onClose} centered size="md" title={<Text fw={600}>{title}</Text>} closeOnClickOutside={!busy}>
      {outcome ? (
        <Stack gap="md" data-testid="handover-result">
          {outcome.disabled && (
            <Alert color="teal" icon={<IconCircleCheck size={18} />}>
              {t('handover.disabled', { name: user?.name ?? '' })}
            </Alert>
          )}
          {outcome.moved.length > 0 && (
            <Paper withBorder p="sm" radius="md">
              <Text size="sm" fw={600} mb={6}>
                {t('handover.moved', { count: total, name: receiver?.name ?? '' })}
              </Text>
              <List size="sm" spacing={2}>
                {outcome.moved.map((m) => (
                  <List.Item key={m.form}>{t('handover.movedForm', { form: m.form, count: m.count })}</List.Item>
                ))}
              </List>
            </Paper>
          )}
          {transfer && !outcome.failed && outcome.moved.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('handover.nothingToMove')}
            </Text>
          )}
          {outcome.failed && (
            <Alert color="red" icon={<IconAlertTriangle size={18} />} title={outcome.failed.form ? t('handover.stoppedAt', { form: outcome.failed.form }) : t('handover.disableFailed')}>
              {outcome.failed.message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('common.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="md">
          {mode === 'disable' ? (
            <>
              <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />}>
                {t('handover.disableBody', { name: user?.name ?? '' })}
              </Alert>
              <Checkbox
                label={t('handover.alsoTransfer')}
                description={t('handover.alsoTransferHint')}
                checked={transfer}
                onChange={(e) => setTransfer(e.currentTarget.checked)}
              />
              <Collapse expanded={transfer}>
                <Paper withBorder p="sm" radius="md" bg="var(--jimu-surface-muted)">
                  {targetFields}
                </Paper>
              </Collapse>
            </>
          ) : (
            <>
              <Text size="sm" c="dimmed">
                {t('handover.transferBody', { name: user?.name ?? '' })}
              </Text>
              {targetFields}
            </>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose} disabled={busy}>
              {t('common.cancel')}
            </Button>
            <Button color={mode === 'disable' ? 'red' : undefined} loading={busy} onClick={() => void run()} disabled={transfer && forms.length === 0}>
              {mode === 'disable' ? (transfer ? t('handover.disableAndTransfer') : t('handover.disable')) : t('handover.transfer')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}
