import { useState } from 'react'
import { Button, Drawer, EmptyState, Group, Paper, Stack, Text, ThemeIcon } from '@mantine/core'
import { IconRestore, IconTrashOff, IconTrashX } from '@tabler/icons-react'
import dayjs from 'dayjs'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FormDto } from '@shared/api/contracts'
import { api } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'
import { ConfirmDialog } from '../ConfirmDialog'
import { TYPE_ICON } from './field-meta'

// 已删除字段: deleted fields keep their data until purged; restoring brings the field and its
// values back at once (it is not part of the draft, so it needs no save).

interface Props {
  opened: boolean
  form: FormDto
  onClose(): void
  onRestored(field: FieldDto): void
  onPurged(): void
}

export function DeletedFields({ opened, form, onClose, onRestored, onPurged }: Props) {
  const { t } = useTranslation()
  const [busy, setBusy] = useState<number | null>(null)
  const [purging, setPurging] = useState<FieldDto | null>(null)
  const liveIds = new Set(form.fields.filter((f) => f.deletedAt === null).map((f) => f.id))
  // A child of a deleted sub-table comes back with its sub-table; it is not listed on its own.
  const deleted = form.fields.filter((f) => f.deletedAt !== null && (f.parentFieldId === null || liveIds.has(f.parentFieldId))).sort((a, b) => (b.deletedAt ?? 0) - (a.deletedAt ?? 0))

  const restore = async (field: FieldDto) => {
    setBusy(field.id)
    try {
      const restored = await api.fields.restore({ id: field.id })
      notifySuccess(t('designer.deleted.restored', { field: restored.label }))
      onRestored(restored)
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(null)
    }
  }

  return (
    <>
      <Drawer opened={opened} onClose={onClose} position="right" size="md" title={<Text fw={600}>{t('designer.deleted.title')}</Text>} closeButtonProps={{ 'aria-label': t('common.close') }}>
        <Stack gap="sm" data-testid="deleted-fields">
          <Text size="sm" c="dimmed">
            {t('designer.deleted.intro')}
          </Text>
          {deleted.length === 0 && <EmptyState icon={<IconTrashOff size={28} />} variant="light" color="gray" title={t('designer.deleted.none')} />}
          {deleted.map((field) => {
            const Icon = TYPE_ICON[field.type]
            return (
              <Paper key={field.id} withBorder p="sm" radius="md" data-testid={`deleted-field-${field.label}`}>
                <Group justify="space-between" wrap="nowrap">
                  <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
                    <ThemeIcon variant="light" color="gray">
                      <Icon size={16} />
                    </ThemeIcon>
                    <div style={{ minWidth: 0 }}>
                      <Text size="sm" fw={600} truncate>
                        {field.label}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {t(`designer.type.${field.type}`)} · {t('designer.deleted.at', { time: dayjs(field.deletedAt).format('YYYY-MM-DD HH:mm') })}
                      </Text>
                    </div>
                  </Group>
                  <Group gap={4} wrap="nowrap">
                    <Button size="xs" variant="light" leftSection={<IconRestore size={14} />} loading={busy === field.id} onClick={() => void restore(field)}>
                      {t('designer.deleted.restore')}
                    </Button>
                    <Button size="xs" variant="subtle" color="red" onClick={() => setPurging(field)} aria-label={t('designer.deleted.purge')}>
                      <IconTrashX size={14} />
                    </Button>
                  </Group>
                </Group>
              </Paper>
            )
          })}
        </Stack>
      </Drawer>
      <ConfirmDialog
        opened={purging !== null}
        title={t('designer.deleted.purgeTitle')}
        message={t('designer.deleted.purgeBody', { field: purging?.label ?? '' })}
        confirmLabel={t('designer.deleted.purge')}
        danger
        onCancel={() => setPurging(null)}
        onConfirm={async () => {
          if (!purging) return
          try {
            await api.fields.purge({ id: purging.id })
            notifySuccess(t('designer.deleted.purged', { field: purging.label }))
            setPurging(null)
            onPurged()
          } catch (error) {
            notifyError(error)
          }
        }}
      />
    </>
  )
}
