import { useEffect, useState, type FormEvent } from 'react'
import { ActionIcon, Button, CopyButton, Group, Modal, PasswordInput, Text, Tooltip } from '@mantine/core'
import { IconCheck, IconCopy, IconDice5 } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { ModalForm } from '../ModalForm'
import { api } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'
import type { UserInfo } from '../../lib/org'

// Letters and digits that cannot be mistaken for each other when read aloud or copied by hand.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789'

export function randomPassword(length = 10): string {
  const bytes = new Uint32Array(length)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('')
}

/** An administrator sets a new password for a member; this also unlocks a locked account. */
export function ResetPasswordModal({ user, onClose, onDone }: { user: UserInfo | null; onClose(): void; onDone(): void }) {
  const { t } = useTranslation()
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [visible, setVisible] = useState(false)

  useEffect(() => {
    if (user) {
      setPassword('')
      setError(null)
      setVisible(false)
    }
  }, [user])

  const submit = async (event?: FormEvent) => {
    event?.preventDefault()
    if (!user) return
    if (password.length < 8) {
      setError(t('setup.passwordTooShort'))
      return
    }
    setBusy(true)
    try {
      await api.users.resetPassword({ id: user.id, password })
      notifySuccess(t('org.passwordReset', { name: user.name }))
      onDone()
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal opened={user !== null} onClose={onClose} centered title={<Text fw={600}>{t('org.resetPasswordTitle', { name: user?.name ?? '' })}</Text>}>
      <ModalForm onSubmit={submit} onCancel={onClose} busy={busy} submitLabel={t('org.resetPassword')}>
          <Text size="sm" c="dimmed">
            {t('org.resetPasswordBody', { name: user?.name ?? '' })}
          </Text>
          <PasswordInput
              label={t('org.newPassword')}
              description={t('setup.passwordHint')}
              value={password}
              error={error}
              onChange={(e) => {
                setPassword(e.currentTarget.value)
                setError(null)
              }}
              autoComplete="new-password"
              visible={visible}
              onVisibilityChange={setVisible}
              visibilityToggleButtonProps={{ 'aria-label': t('common.togglePassword') }}
              data-autofocus
            />
          <Group gap="xs">
            <Button variant="light" size="xs" leftSection={<IconDice5 size={14} />} onClick={() => {
                // A generated password is shown, so it can be read out or copied to the member.
                setPassword(randomPassword())
                setVisible(true)
                setError(null)
              }}>
              {t('org.generatePassword')}
            </Button>
            {password && (
              <CopyButton value={password}>
                {({ copied, copy }) => (
                  <Tooltip label={copied ? t('common.copied') : t('common.copy')} withArrow>
                    <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={t('common.copy')}>
                      {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                    </ActionIcon>
                  </Tooltip>
                )}
              </CopyButton>
            )}
          </Group>
      </ModalForm>
    </Modal>
  )
}
