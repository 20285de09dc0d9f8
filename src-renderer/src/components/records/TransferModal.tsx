import { useEffect, useState } from 'react'
import { Button, Group, Modal, Stack, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { FormDto } from '@shared/api/contracts'
import { api } from '../../api/client'
import { useUsers } from '../../lib/cache'
import { notifyError, notifySuccess } from '../../lib/notify'
import { UserSelect } from '../UserPicker'

/** 转交: hand the selected records to another owner. */
export function TransferModal({ form, ids, onClose, onDone }: { form: FormDto; ids: number[] | null; onClose(): void; onDone(): void }) {
  const { t } = useTranslation()
  const users = useUsers()
  const [toUserId, setToUserId] = useState<number | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (ids) {
      setToUserId(null)
      setError(null)
    }
  }, [ids])

  const submit = async () => {
    if (!ids) return
    if (toUserId === null) {
      setError(t('handover.toRequired'))
      return
    }
    setBusy(true)
    try {
      const { transferred } = await api.records.transfer({ form: form.id, ids, toUserId })
      const name = users.find((u) => u.id === toUserId)?.name ?? ''
      // Say exactly what happened: records the caller may not change are left with their owner.
      if (transferred < ids.length) notifyError(new Error(t('transfer.partial', { done: transferred, count: ids.length, name })), t('transfer.partialTitle'))
      else notifySuccess(t('transfer.done', { count: transferred, name }))
      onDone()
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal opened={ids !== null} onClose={onClose} centered size="sm" title={<Text fw={600}>{t('transfer.title')}</Text>}>
      <Stack gap="md">
        <Text size="sm">{t('transfer.body', { count: ids?.length ?? 0 })}</Text>
        <UserSelect
          label={t('handover.to')}
          placeholder={t('handover.toPlaceholder')}
          withAsterisk
          users={users}
          value={toUserId}
          error={error}
          onChange={(id) => {
            setToUserId(id)
            setError(null)
          }}
          data-autofocus
        />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button loading={busy} onClick={() => void submit()}>
            {t('transfer.submit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
