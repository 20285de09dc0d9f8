import { useState, type FormEvent } from 'react'
import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core'
import { IconAlertCircle } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { MethodOutput } from '@shared/api/contracts'
import { api, errorMessage } from '../api/client'
import { AuthLayout } from './AuthLayout'

type User = MethodOutput<'auth.login'>['user']

export function LoginPage({ version, expired, onDone }: { version?: string; expired?: boolean; onDone(user: User): void }) {
  const { t } = useTranslation()
  const [login, setLogin] = useState('')
  const [password, setPassword] = useState('')
  const [errors, setErrors] = useState<{ login?: string; password?: string }>({})
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const found = { login: login.trim() ? undefined : t('login.loginRequired'), password: password ? undefined : t('login.passwordRequired') }
    setErrors(found)
    if (found.login || found.password) return
    setBusy(true)
    setFailure(null)
    try {
      const { user } = await api.auth.login({ login: login.trim(), password })
      onDone(user)
    } catch (error) {
      setFailure(errorMessage(error))
    } finally {
      setBusy(false)
    }
  }

  return (
    <AuthLayout title={t('login.title')} subtitle={t('login.subtitle')} version={version}>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {(failure ?? (expired ? t('login.sessionExpired') : null)) && (
            <Alert color={failure ? 'red' : 'yellow'} icon={<IconAlertCircle size={18} />} role="alert">
              {failure ?? t('login.sessionExpired')}
            </Alert>
          )}
          <TextInput label={t('login.login')} value={login} onChange={(e) => setLogin(e.currentTarget.value)} error={errors.login} autoComplete="username" autoFocus />
          <PasswordInput label={t('login.password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={errors.password} autoComplete="current-password" visibilityToggleButtonProps={{ 'aria-label': t('common.togglePassword') }} />
          <Button type="submit" loading={busy} fullWidth size="md" mt="xs">
            {t('login.submit')}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  )
}
