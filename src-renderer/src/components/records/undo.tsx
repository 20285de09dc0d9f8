import { Button, Group, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { api } from '../../api/client'
import { i18n } from '../../i18n'
import { notifyError, notifySuccess } from '../../lib/notify'

/** After a delete: say what was deleted and offer 撤销, which restores exactly those records. */
export function notifyDeletedWithUndo(formId: number, ids: number[], onRestored: () => void): void {
  const id = `deleted-${formId}-${ids.join('-').slice(0, 60)}-${Date.now()}`
  notifications.show({
    id,
    color: 'gray',
    autoClose: 8000,
    message: (
      <Group justify="space-between" wrap="nowrap" gap="md">
        <Text size="sm">{i18n.t('records.deleted', { count: ids.length })}</Text>
        <Button
          size="compact-sm"
          variant="light"
          data-testid="undo-delete"
          onClick={async () => {
            notifications.hide(id)
            try {
              const { restored } = await api.records.restore({ form: formId, ids })
              notifySuccess(i18n.t('records.restored', { count: restored }))
              onRestored()
            } catch (error) {
              notifyError(error)
            }
          }}
        >
          {i18n.t('records.undo')}
        </Button>
      </Group>
    )
  })
}
