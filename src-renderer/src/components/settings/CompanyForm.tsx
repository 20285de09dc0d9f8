import { useState } from 'react'
import { Button, FileButton, Group, Image, SimpleGrid, Stack, TextInput } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { CompanySettings } from '@shared/api/settings'
import { api, ApiError } from '../../api/client'
import { readBase64 } from '../../lib/download'
import { fileUrl } from '../../lib/files'
import { notifyError, notifySuccess } from '../../lib/notify'

type Key = Exclude<keyof CompanySettings, 'logo'>
const FIELDS: Key[] = ['name', 'address', 'phone', 'taxId', 'bankName', 'bankAccount']
const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/svg+xml', 'image/webp'] as const

/** The company printed on quotes and documents: name, logo (an uploaded image), address, phone, tax id and bank. */
export function CompanyForm({ initial, onSaved, onCancel }: { initial: CompanySettings; onSaved(company: CompanySettings): void; onCancel?(): void }) {
  const { t } = useTranslation()
  const [company, setCompany] = useState(initial)
  const [errors, setErrors] = useState<Partial<Record<keyof CompanySettings, string>>>({})
  const [busy, setBusy] = useState(false)

  const upload = async (file: File | null) => {
    if (!file) return
    const mime = LOGO_TYPES.find((m) => m === file.type)
    if (!mime) {
      setErrors({ logo: t('system.company.logoType') })
      return
    }
    try {
      const stored = await api.attachments.upload({ name: file.name, mime, data: await readBase64(file) })
      setCompany((c) => ({ ...c, logo: { hash: stored.hash, name: stored.name, mime, size: stored.size } }))
      setErrors({})
    } catch (e) {
      notifyError(e)
    }
  }

  const save = async () => {
    setBusy(true)
    try {
      const saved = await api.settings.updateCompany(company)
      notifySuccess(t('system.company.saved'))
      setErrors({})
      onSaved(saved)
    } catch (e) {
      if (e instanceof ApiError && e.field) setErrors({ [e.field]: e.message })
      else notifyError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Stack gap="sm" maw={720}>
      <Group gap="sm" align="center">
        {company.logo ? <Image src={fileUrl(company.logo.hash, { company: 'logo' })} h={48} w="auto" fit="contain" alt="" data-testid="company-logo" /> : null}
        <FileButton onChange={(f) => void upload(f)} accept={LOGO_TYPES.join(',')}>
          {(props) => (
            <Button variant="default" size="xs" {...props}>
              {t('system.company.logo')}
            </Button>
          )}
        </FileButton>
        {company.logo && (
          <Button variant="subtle" color="red" size="xs" onClick={() => setCompany({ ...company, logo: null })}>
            {t('system.company.removeLogo')}
          </Button>
        )}
        {errors.logo && <span style={{ color: 'var(--mantine-color-error)', fontSize: 12 }}>{errors.logo}</span>}
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        {FIELDS.map((key) => (
          <TextInput
            key={key}
            label={t(`system.company.${key}`)}
            value={company[key]}
            error={errors[key]}
            onChange={(e) => {
              const value = e.currentTarget.value
              setCompany((c) => ({ ...c, [key]: value }))
            }}
            data-testid={`company-${key}`}
          />
        ))}
      </SimpleGrid>
      <Group justify="flex-end">
        {onCancel && (
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        )}
        <Button loading={busy} onClick={() => void save()} data-testid="company-save">
          {t('common.save')}
        </Button>
      </Group>
    </Stack>
  )
}
