import { useState } from 'react'
import { Button, Chip, Group, Modal, Stack, Text, Textarea } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { api, ApiError } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'

const QUICK = ['noNeed', 'noContact', 'invalid', 'otherRep'] as const

/** Release records to the public pool (公海): a reason is required and logged. */
export function ReleaseDialog({ form, ids, opened, onClose, onDone }: { form: 'lead' | 'customer'; ids: number[]; opened: boolean; onClose(): void; onDone(): void }) {
  const { t } = useTranslation()
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async () => {
    if (!reason.trim()) {
      setError(t('crm.pool.reasonRequired'))
      return
    }
    setBusy(true)
    try {
      await api.crm['pool.release']({ form, ids, reason: reason.trim() })
      notifySuccess(t('crm.pool.released', { count: ids.length }))
      setReason('')
      setError(null)
      onDone()
    } catch (e) {
      if (e instanceof ApiError && e.field === 'reason') setError(e.message)
      else notifyError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal opened={opened} onClose={onClose} centered title={<Text fw={600}>{t('crm.pool.releaseTitle')}</Text>} zIndex={400}>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('crm.pool.releaseBody', { count: ids.length })}
        </Text>
        <Group gap={6}>
          {QUICK.map((q) => (
            <Chip key={q} size="xs" variant="light" checked={reason === t(`crm.pool.reason.${q}`)} onChange={() => setReason(t(`crm.pool.reason.${q}`))}>
              {t(`crm.pool.reason.${q}`)}
            </Chip>
          ))}
        </Group>
        <Textarea label={t('crm.pool.reasonLabel')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={error} autosize minRows={2} data-testid="release-reason" data-autofocus />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="orange" loading={busy} onClick={() => void submit()} data-testid="release-confirm">
            {t('crm.pool.release')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
