import { useState, type FormEvent } from 'react'
import { Button, PasswordInput, Stack, TextInput } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { MethodOutput } from '@shared/api/contracts'
import { api, ApiError } from '../api/client'
import { notifyError, notifySuccess } from '../lib/notify'
import { AuthLayout } from './AuthLayout'

type User = MethodOutput<'auth.setup'>['user']
type Errors = Partial<Record<'name' | 'login' | 'password' | 'confirm', string>>

/**
 * First run: the installation has no user yet; this creates the administrator and signs in.
 * Every field is required, so no field carries a required mark.
 */
export function SetupPage({ version, onDone }: { version?: string; onDone(user: User): void }) {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [login, setLogin] = useState('')
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [errors, setErrors] = useState<Errors>({})
  const [busy, setBusy] = useState(false)
  const toggleProps = { 'aria-label': t('common.togglePassword') }

  const validate = (): Errors => {
    const next: Errors = {}
    if (!name.trim()) next.name = t('setup.nameRequired')
    if (login.trim().length < 2) next.login = t('setup.loginTooShort')
    if (password.length < 8) next.password = t('setup.passwordTooShort')
    if (confirm !== password) next.confirm = t('setup.passwordMismatch')
    return next
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const found = validate()
    setErrors(found)
    if (Object.keys(found).length) return
    setBusy(true)
    try {
      const { user } = await api.auth.setup({ name: name.trim(), login: login.trim(), password })
      notifySuccess(t('setup.done'))
      onDone(user)
    } catch (error) {
      if (error instanceof ApiError && error.field && ['name', 'login', 'password'].includes(error.field)) setErrors({ [error.field]: error.message })
      else notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  return (
    <AuthLayout title={t('setup.title')} subtitle={t('setup.subtitle')} version={version}>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput label={t('setup.name')} placeholder={t('setup.namePlaceholder')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} autoFocus />
          <TextInput label={t('setup.login')} placeholder={t('setup.loginPlaceholder')} value={login} onChange={(e) => setLogin(e.currentTarget.value)} error={errors.login} autoComplete="username" />
          <PasswordInput label={t('setup.password')} description={t('setup.passwordHint')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={errors.password} autoComplete="new-password" visibilityToggleButtonProps={toggleProps} />
          <PasswordInput label={t('setup.confirm')} value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} error={errors.confirm} autoComplete="new-password" visibilityToggleButtonProps={toggleProps} />
          <Button type="submit" loading={busy} fullWidth size="md" mt="xs">
            {t('setup.submit')}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  )
}
