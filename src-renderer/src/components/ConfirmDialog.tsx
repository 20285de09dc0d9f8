import { useState } from 'react'
import { Button, Group, Modal, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { notifyError } from '../lib/notify'

/**
 * Asks before something that cannot simply be taken back. When `onConfirm` returns a promise,
 * the button shows it is working until it settles, and a failure is shown as a notification
 * (the dialog stays open so the user can try again or cancel).
 */
export function ConfirmDialog(props: {
  opened: boolean
  title: string
  message: string
  confirmLabel?: string
  danger?: boolean
  busy?: boolean
  onConfirm(): void | Promise<void>
  onCancel(): void
}) {
  const { t } = useTranslation()
  const [pending, setPending] = useState(false)
  const confirm = () => {
    const result = props.onConfirm()
    if (!(result instanceof Promise)) return
    setPending(true)
    result.catch(notifyError).finally(() => setPending(false))
  }
  return (
    <Modal opened={props.opened} onClose={props.onCancel} title={<Text fw={600}>{props.title}</Text>} centered size="sm" zIndex={400}>
      <Text size="sm">{props.message}</Text>
      <Group justify="flex-end" mt="lg" gap="sm">
        <Button variant="default" onClick={props.onCancel}>
          {t('common.cancel')}
        </Button>
        <Button color={props.danger ? 'red' : undefined} loading={props.busy || pending} onClick={confirm} data-autofocus>
          {props.confirmLabel ?? t('common.confirm')}
        </Button>
      </Group>
    </Modal>
  )
}
