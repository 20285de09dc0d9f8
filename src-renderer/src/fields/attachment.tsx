import { Badge, Group, Input, Stack, Text } from '@mantine/core'
import { IconPaperclip } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { i18n } from '../i18n'
import type { FieldCellProps, FieldInputProps, FieldRenderer, FilterValueProps } from './types'

// Files are uploaded through a later API (attachments.upload); until then the input lists the
// files a record has and the value is never written back, so nothing can be lost by editing.

interface AttachmentMeta {
  hash: string
  name: string
  size: number
  mime: string
}

const filesOf = (value: unknown): AttachmentMeta[] =>
  Array.isArray(value) ? value.filter((v): v is AttachmentMeta => typeof v === 'object' && v !== null && typeof (v as { hash?: unknown }).hash === 'string') : []

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

function AttachmentInput({ field, value, error, compact }: FieldInputProps) {
  const { t } = useTranslation()
  const files = filesOf(value)
  return (
    <Input.Wrapper label={compact ? undefined : field.label} withAsterisk={!compact && field.required} error={error} description={compact ? undefined : t('field.attachment.uploadLater')}>
      <Stack gap={4} mt={4}>
        {files.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('field.attachment.none')}
          </Text>
        ) : (
          files.map((file) => (
            <Group key={file.hash} gap={6} wrap="nowrap">
              <IconPaperclip size={14} />
              <Text size="sm">{file.name}</Text>
              <Text size="xs" c="dimmed">
                {formatSize(file.size)}
              </Text>
            </Group>
          ))
        )}
      </Stack>
    </Input.Wrapper>
  )
}

function AttachmentCell({ value }: FieldCellProps) {
  const count = filesOf(value).length
  return count ? (
    <Badge variant="light" color="gray" radius="sm" tt="none" fw={500} leftSection={<IconPaperclip size={12} />}>
      {count}
    </Badge>
  ) : null
}

export const attachment: FieldRenderer = {
  Input: AttachmentInput,
  Cell: AttachmentCell,
  FilterValue: (_props: FilterValueProps) => null,
  empty: () => [],
  toWrite: () => undefined,
  text: (value) => {
    const files = filesOf(value)
    return files.length ? i18n.t('field.attachment.count', { count: files.length }) : ''
  },
  isEmpty: (value) => filesOf(value).length === 0,
  sortable: false,
  wide: true
}
