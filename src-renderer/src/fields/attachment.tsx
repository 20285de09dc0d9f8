import { useState } from 'react'
import { ActionIcon, Anchor, Badge, Button, FileButton, Group, Input, Stack, Text } from '@mantine/core'
import { IconPaperclip, IconUpload, IconX } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { api } from '../api/client'
import { i18n } from '../i18n'
import { notifyError } from '../lib/notify'
import type { FieldCellProps, FieldInputProps, FieldRenderer, FilterValueProps } from './types'

// Files are uploaded first (attachments.upload, stored once per content hash); the field's
// value is the list of files and is written as their hashes.

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

function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(reader.error ?? new Error(file.name))
    reader.readAsDataURL(file)
  })
}

/** Over HTTP the server serves files at /files/<hash>; inside Electron there is no such URL yet. */
const downloadable = typeof window !== 'undefined' && !window.jimu

function AttachmentInput({ field, value, onChange, error, compact }: FieldInputProps) {
  const { t } = useTranslation()
  const [uploading, setUploading] = useState(false)
  const files = filesOf(value)
  const max = (field.config as { maxFiles?: number }).maxFiles

  const upload = async (picked: File[]) => {
    if (!picked.length) return
    setUploading(true)
    const added: AttachmentMeta[] = []
    try {
      for (const file of picked) {
        added.push(await api.attachments.upload({ name: file.name, mime: file.type || 'application/octet-stream', data: await toBase64(file) }))
      }
    } catch (err) {
      notifyError(err)
    } finally {
      setUploading(false)
      // Files uploaded before a failure are kept; the message names the one that failed.
      if (added.length) onChange([...files, ...added.filter((a) => !files.some((f) => f.hash === a.hash))])
    }
  }

  return (
    <Input.Wrapper label={compact ? undefined : field.label} withAsterisk={!compact && field.required} error={error} description={compact ? undefined : (field.description ?? undefined)}>
      <Stack gap={4} mt={4}>
        {files.map((file) => (
          <Group key={file.hash} gap={6} wrap="nowrap">
            <IconPaperclip size={14} />
            {downloadable ? (
              <Anchor size="sm" href={`/files/${file.hash}`} target="_blank" rel="noreferrer">
                {file.name}
              </Anchor>
            ) : (
              <Text size="sm">{file.name}</Text>
            )}
            <Text size="xs" c="dimmed">
              {formatSize(file.size)}
            </Text>
            <ActionIcon size="sm" variant="subtle" color="gray" aria-label={t('field.attachment.remove', { name: file.name })} onClick={() => onChange(files.filter((f) => f.hash !== file.hash))}>
              <IconX size={12} />
            </ActionIcon>
          </Group>
        ))}
        <Group>
          <FileButton onChange={(picked) => void upload(picked)} multiple disabled={max !== undefined && files.length >= max}>
            {(props) => (
              <Button {...props} variant="default" size="xs" leftSection={<IconUpload size={14} />} loading={uploading}>
                {t('field.attachment.upload')}
              </Button>
            )}
          </FileButton>
        </Group>
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
  // Attachments only offer empty / not empty, which take no value.
  FilterValue: (_props: FilterValueProps) => null,
  empty: () => [],
  toWrite: (value) => filesOf(value).map((f) => f.hash),
  text: (value) => {
    const files = filesOf(value)
    return files.length ? i18n.t('field.attachment.count', { count: files.length }) : ''
  },
  isEmpty: (value) => filesOf(value).length === 0,
  sortable: false,
  wide: true
}
