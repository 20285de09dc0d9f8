import { useState, type FormEvent } from 'react'
import { Button, Checkbox, Divider, FileButton, Paper, PasswordInput, Stack, Text, TextInput } from '@mantine/core'
import { IconRestore } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { MethodOutput } from '@shared/api/contracts'
import { api, ApiError } from '../api/client'
import { readBase64 } from '../lib/download'
import { notifyError, notifySuccess } from '../lib/notify'
import { AuthLayout } from './AuthLayout'
import { ConnectToOffice } from '../components/lan/ConnectToOffice'

type User = MethodOutput<'auth.setup'>['user']
type Errors = Partial<Record<'name' | 'login' | 'password' | 'confirm', string>>

/**
 * First run: the installation has no user yet; this creates the administrator and signs in.
 * Every field is required, so no field carries a required mark.
 */
export function SetupPage({ version, onDone, onRestored }: { version?: string; onDone(user: User): void; onRestored(): void }) {
  const { t, i18n } = useTranslation()
  const [name, setName] = useState('')
  const [login, setLogin] = useState('')
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [errors, setErrors] = useState<Errors>({})
  const [busy, setBusy] = useState(false)
  // The ready sales app is what most firms start with; sample data is for looking around first.
  const [installCrm, setInstallCrm] = useState(true)
  const [sampleData, setSampleData] = useState(false)
  const [installing, setInstalling] = useState(false)
  const toggleProps = { 'aria-label': t('common.togglePassword') }
  const [restoring, setRestoring] = useState(false)

  // 从备份恢复: a new PC starts from the archive 备份与恢复 exported (the whole data folder).
  const restore = async (file: File | null) => {
    if (!file) return
    setRestoring(true)
    try {
      const result = await api.setup.importArchive({ data: await readBase64(file) })
      notifySuccess(t('setup.restored', { users: result.users, forms: result.forms }))
      onRestored()
    } catch (error) {
      notifyError(error)
    } finally {
      setRestoring(false)
    }
  }

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
      if (installCrm) {
        setInstalling(true)
        try {
          await api.crm.install({ locale: i18n.language === 'en' ? 'en' : 'zh-CN', sampleData })
          notifySuccess(t(sampleData ? 'crm.setup.installedWithData' : 'crm.setup.installed'))
        } catch (error) {
          // The administrator exists; the app can be installed later from the administration menu.
          notifyError(error, t('crm.setup.installFailed'))
        }
      }
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
          <Paper withBorder radius="md" p="sm" bg="var(--mantine-color-default-hover)">
            <Stack gap="xs">
              <Checkbox
                checked={installCrm}
                onChange={(e) => {
                  setInstallCrm(e.currentTarget.checked)
                  if (!e.currentTarget.checked) setSampleData(false)
                }}
                label={t('crm.setup.installLabel')}
                description={t('crm.setup.installHint')}
                data-testid="setup-install-crm"
              />
              <Checkbox
                checked={sampleData}
                disabled={!installCrm}
                onChange={(e) => setSampleData(e.currentTarget.checked)}
                label={t('crm.setup.sampleLabel')}
                description={t('crm.setup.sampleHint')}
                data-testid="setup-sample-data"
              />
            </Stack>
          </Paper>
          <Button type="submit" loading={busy} fullWidth size="md" mt="xs">
            {t('setup.submit')}
          </Button>
          {installing && (
            <Text size="sm" c="dimmed" ta="center">
              {t(sampleData ? 'crm.setup.installingWithData' : 'crm.setup.installing')}
            </Text>
          )}
          <Divider label={t('setup.or')} labelPosition="center" />
          <FileButton onChange={(f) => void restore(f)} accept=".zip,application/zip">
            {(props) => (
              <Button {...props} variant="default" fullWidth leftSection={<IconRestore size={16} />} loading={restoring} data-testid="setup-restore">
                {t('setup.restore')}
              </Button>
            )}
          </FileButton>
          <Text size="xs" c="dimmed" ta="center">
            {t('setup.restoreHint')}
          </Text>
          <ConnectToOffice />
        </Stack>
      </form>
    </AuthLayout>
  )
}
