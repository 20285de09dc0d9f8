import { useState } from 'react'
import { Button, Group, Stack, Text, TextInput, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { AccessSettings } from '@shared/api/settings'
import { api, ApiError } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'

/**
 * 访问地址: where the links the app hands out point — DingTalk/WeCom notices, public forms and
 * their QR codes, satisfaction survey e-mails. One setting for all of them.
 */
export function PublicAddressForm({ initial, onSaved }: { initial: AccessSettings; onSaved(access: AccessSettings): void }) {
  const { t } = useTranslation()
  const [publicUrl, setPublicUrl] = useState(initial.publicUrl)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const save = async () => {
    setBusy(true)
    try {
      const saved = await api.settings.updateAccess({ publicUrl })
      setPublicUrl(saved.publicUrl)
      setError(null)
      notifySuccess(t('system.access.saved'))
      onSaved(saved)
    } catch (e) {
      if (e instanceof ApiError && e.field) setError(e.message)
      else notifyError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Stack gap="xs" maw={720} data-testid="public-address">
      <Title order={5}>{t('system.access.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('system.access.description')}
      </Text>
      <Group align="flex-start" gap="sm" wrap="wrap">
        <TextInput
          label={t('input.publicUrl')}
          placeholder={t('system.access.placeholder')}
          value={publicUrl}
          error={error}
          onChange={(e) => setPublicUrl(e.currentTarget.value)}
          style={{ flex: 1, minWidth: 240 }}
          data-testid="public-address-input"
        />
        <Button mt={25} loading={busy} onClick={() => void save()} disabled={publicUrl.trim().replace(/\/+$/, '') === initial.publicUrl} data-testid="public-address-save">
          {t('common.save')}
        </Button>
      </Group>
    </Stack>
  )
}
