import type { FormEvent, ReactNode } from 'react'
import { Button, Group, Stack } from '@mantine/core'
import { useTranslation } from 'react-i18next'

/**
 * The body of a dialog that edits something: its fields, then 取消 and the submit button at the
 * bottom right. Enter in a field submits; the submit button shows progress while `busy`.
 */
export function ModalForm({ onSubmit, onCancel, busy, submitLabel, children }: { onSubmit(event: FormEvent): void; onCancel(): void; busy: boolean; submitLabel?: string; children: ReactNode }) {
  const { t } = useTranslation()
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="md">
        {children}
        <Group justify="flex-end" gap="sm" mt="xs">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={busy}>
            {submitLabel ?? t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
