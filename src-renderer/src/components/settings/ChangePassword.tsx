import { useState, type FormEvent } from 'react'
import { Button, Group, PasswordInput, Stack, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { api, ApiError } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'

export function ChangePassword() {
  const { t } = useTranslation()
  const [oldPassword, setOldPassword] = useState('')
  const [newPassword, setNewPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [errors, setErrors] = useState<{ old?: string; new?: string; confirm?: string }>({})
  const [busy, setBusy] = useState(false)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const found = {
      old: oldPassword ? undefined : t('settings.oldRequired'),
      new: newPassword.length < 8 ? t('setup.passwordTooShort') : newPassword === oldPassword ? t('settings.samePassword') : undefined,
      confirm: confirm !== newPassword ? t('setup.passwordMismatch') : undefined
    }
    setErrors(found)
    if (found.old || found.new || found.confirm) return
    setBusy(true)
    try {
      await api.auth.changePassword({ oldPassword, newPassword })
      notifySuccess(t('settings.passwordChanged'))
      setOldPassword('')
      setNewPassword('')
      setConfirm('')
    } catch (error) {
      // A wrong current password is a mistake in that box, not a failure of the app.
      if (error instanceof ApiError && (error.field === 'oldPassword' || error.code === 'VALIDATION' || error.code === 'PERMISSION')) {
        setErrors({ old: error.message })
      } else {
        notifyError(error)
      }
    } finally {
      setBusy(false)
    }
  }

  const toggle = { 'aria-label': t('common.togglePassword') }
  return (
    <form onSubmit={submit} noValidate data-testid="change-password">
      <Stack gap="md" maw={380}>
        <Text size="sm" c="dimmed">
          {t('settings.passwordHint')}
        </Text>
        <PasswordInput label={t('settings.oldPassword')} value={oldPassword} error={errors.old} onChange={(e) => setOldPassword(e.currentTarget.value)} autoComplete="current-password" visibilityToggleButtonProps={toggle} />
        <PasswordInput
          label={t('settings.newPassword')}
          description={t('setup.passwordHint')}
          value={newPassword}
          error={errors.new}
          onChange={(e) => setNewPassword(e.currentTarget.value)}
          autoComplete="new-password"
          visibilityToggleButtonProps={toggle}
        />
        <PasswordInput label={t('settings.confirmPassword')} value={confirm} error={errors.confirm} onChange={(e) => setConfirm(e.currentTarget.value)} autoComplete="new-password" visibilityToggleButtonProps={toggle} />
        <Group>
          <Button type="submit" loading={busy}>
            {t('settings.changePassword')}
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
