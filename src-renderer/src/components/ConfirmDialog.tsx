import { Button, Group, Modal, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'

export function ConfirmDialog(props: {
  opened: boolean
  title: string
  message: string
  confirmLabel?: string
  danger?: boolean
  busy?: boolean
  onConfirm(): void
  onCancel(): void
}) {
  const { t } = useTranslation()
  return (
    <Modal opened={props.opened} onClose={props.onCancel} title={<Text fw={600}>{props.title}</Text>} centered size="sm" zIndex={400}>
      <Text size="sm">{props.message}</Text>
      <Group justify="flex-end" mt="lg" gap="sm">
        <Button variant="default" onClick={props.onCancel}>
          {t('common.cancel')}
        </Button>
        <Button color={props.danger ? 'red' : undefined} loading={props.busy} onClick={props.onConfirm} data-autofocus>
          {props.confirmLabel ?? t('common.confirm')}
        </Button>
      </Group>
    </Modal>
  )
}
