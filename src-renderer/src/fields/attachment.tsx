import { useContext, useState } from 'react'
import { ActionIcon, Badge, Box, Button, Center, FileButton, Group, Image, Input, Modal, Paper, SimpleGrid, Stack, Text, UnstyledButton } from '@mantine/core'
import { Dropzone } from '@mantine/dropzone'
import {
  IconChevronLeft,
  IconChevronRight,
  IconCloudUpload,
  IconDownload,
  IconFile,
  IconFileSpreadsheet,
  IconFileTypePdf,
  IconPaperclip,
  IconPhoto,
  IconPrinter,
  IconUpload,
  IconX
} from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { api } from '../api/client'
import { readBase64 } from '../lib/download'
import { FileScopeContext, fileUrl as placedUrl, type FilePlace } from '../lib/files'
import { openPrintView, printHash } from '../pages/print/print-route'
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

/**
 * A file that is not an image is served as a download (it could hold script): save it, in the
 * browser and in the desktop app alike (whose window never opens others).
 */
function openFile(url: string, file: AttachmentMeta): void {
  const link = document.createElement('a')
  link.href = url
  link.download = file.name
  link.click()
}

const isImage = (file: AttachmentMeta) => /^image\/(png|jpe?g|gif|webp|bmp|svg\+xml)$/i.test(file.mime)
/** A Word document (.docx): printable as itself (the print view converts it, src-main/documents/printable.ts). */
const isWord = (file: AttachmentMeta) => file.mime === 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' || /\.docx$/i.test(file.name)

function FileIcon({ file }: { file: AttachmentMeta }) {
  const Icon = isImage(file) ? IconPhoto : /pdf/i.test(file.mime) ? IconFileTypePdf : /sheet|excel|csv/i.test(file.mime) ? IconFileSpreadsheet : IconFile
  return <Icon size={22} stroke={1.5} />
}

/** Full-size view of the images of a field, with previous / next and download. */
function Lightbox({ images, index, onIndex, onClose, fileUrl }: { images: AttachmentMeta[]; index: number | null; onIndex(i: number): void; onClose(): void; fileUrl(file: AttachmentMeta): string }) {
  const { t } = useTranslation()
  const current = index === null ? null : images[index]
  const step = (delta: number) => index !== null && images.length > 1 && onIndex((index + delta + images.length) % images.length)
  return (
    <Modal
      opened={current !== null && current !== undefined}
      onClose={onClose}
      size="auto"
      centered
      zIndex={500}
      title={current ? <Text fw={600} size="sm">{t('field.attachment.previewTitle', { name: current.name, index: (index ?? 0) + 1, total: images.length })}</Text> : null}
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft') step(-1)
        if (e.key === 'ArrowRight') step(1)
      }}
      data-testid="attachment-lightbox"
    >
      {current && (
        <Stack gap="sm" align="center">
          <Image src={fileUrl(current)} alt={current.name} mah="70vh" maw="80vw" fit="contain" radius="sm" />
          <Group gap="sm">
            {images.length > 1 && (
              <ActionIcon variant="default" size="lg" aria-label={t('field.attachment.previous')} onClick={() => step(-1)}>
                <IconChevronLeft size={18} />
              </ActionIcon>
            )}
            <Button component="a" href={fileUrl(current)} download={current.name} variant="default" leftSection={<IconDownload size={16} />}>
              {t('field.attachment.download', { name: current.name })}
            </Button>
            {images.length > 1 && (
              <ActionIcon variant="default" size="lg" aria-label={t('field.attachment.next')} onClick={() => step(1)}>
                <IconChevronRight size={18} />
              </ActionIcon>
            )}
          </Group>
        </Stack>
      )}
    </Modal>
  )
}

function AttachmentInput({ field, value, onChange, error, compact }: FieldInputProps) {
  const { t } = useTranslation()
  const [uploading, setUploading] = useState(false)
  const [preview, setPreview] = useState<number | null>(null)
  const scope = useContext(FileScopeContext)
  // Files of a saved record are fetched through it (its field); new uploads as the uploader's own.
  const place: FilePlace = scope ? { ...scope, field: field.id } : null
  const fileUrl = (file: AttachmentMeta) => placedUrl(file.hash, place)
  const files = filesOf(value)
  const images = files.filter(isImage)
  const max = (field.config as { maxFiles?: number }).maxFiles
  const full = max !== undefined && files.length >= max

  const upload = async (picked: File[]) => {
    if (!picked.length) return
    const room = max === undefined ? picked.length : Math.max(0, max - files.length)
    if (room < picked.length) notifyError(new Error(t('field.attachment.tooMany', { max: max ?? 0 })), field.label)
    setUploading(true)
    const added: AttachmentMeta[] = []
    try {
      for (const file of picked.slice(0, room)) {
        added.push(await api.attachments.upload({ name: file.name, mime: file.type || 'application/octet-stream', data: await readBase64(file) }))
      }
    } catch (err) {
      notifyError(err)
    } finally {
      setUploading(false)
      // Files uploaded before a failure are kept; the message names the one that failed.
      if (added.length) onChange([...files, ...added.filter((a) => !files.some((f) => f.hash === a.hash))])
    }
  }

  if (compact) {
    // A sub-table cell has no room for a drop area: a button and the file count.
    return (
      <Group gap={4} wrap="nowrap">
        <FileButton onChange={(picked) => void upload(picked)} multiple disabled={full}>
          {(props) => (
            <ActionIcon {...props} variant="default" size="sm" loading={uploading} aria-label={t('field.attachment.upload')}>
              <IconUpload size={12} />
            </ActionIcon>
          )}
        </FileButton>
        {files.length > 0 && (
          <Text size="xs" c="dimmed">
            {t('field.attachment.count', { count: files.length })}
          </Text>
        )}
      </Group>
    )
  }

  return (
    <Input.Wrapper label={field.label} withAsterisk={field.required} error={error} description={field.description ?? undefined}>
      <Stack gap="xs" mt={4} data-testid={`attachment-${field.apiKey}`}>
        {files.length > 0 && (
          <SimpleGrid cols={{ base: 2, xs: 3, sm: 4 }} spacing="xs">
            {files.map((file) => {
              const imageIndex = images.indexOf(file)
              return (
                <Paper key={file.hash} withBorder radius="md" p={6} className="jimu-attachment" data-testid="attachment-file">
                  <UnstyledButton
                    w="100%"
                    onClick={() => (imageIndex >= 0 ? setPreview(imageIndex) : openFile(fileUrl(file), file))}
                    aria-label={imageIndex >= 0 ? t('field.attachment.preview', { name: file.name }) : t('field.attachment.download', { name: file.name })}
                  >
                    {imageIndex >= 0 ? (
                      <Image src={fileUrl(file)} alt={file.name} h={84} radius="sm" fit="cover" />
                    ) : (
                      <Center h={84} bg="var(--jimu-surface-muted)" style={{ borderRadius: 'var(--mantine-radius-sm)' }} c="dimmed">
                        <FileIcon file={file} />
                      </Center>
                    )}
                  </UnstyledButton>
                  <Group gap={4} mt={4} wrap="nowrap" justify="space-between">
                    <Box style={{ minWidth: 0 }}>
                      <Text size="xs" truncate title={file.name}>
                        {file.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {formatSize(file.size)}
                      </Text>
                    </Box>
                    <Group gap={0} wrap="nowrap">
                      {scope && isWord(file) && (
                        <ActionIcon size="sm" variant="subtle" color="gray" aria-label={t('documents.print.printWord', { name: file.name })} onClick={() => openPrintView(printHash(scope.form, scope.record, true, { fieldId: field.id, hash: file.hash }))} data-testid="attachment-print">
                          <IconPrinter size={14} />
                        </ActionIcon>
                      )}
                      <ActionIcon component="a" href={fileUrl(file)} download={file.name} size="sm" variant="subtle" color="gray" aria-label={t('field.attachment.download', { name: file.name })}>
                        <IconDownload size={14} />
                      </ActionIcon>
                      <ActionIcon size="sm" variant="subtle" color="gray" aria-label={t('field.attachment.remove', { name: file.name })} onClick={() => onChange(files.filter((f) => f.hash !== file.hash))}>
                        <IconX size={14} />
                      </ActionIcon>
                    </Group>
                  </Group>
                </Paper>
              )
            })}
          </SimpleGrid>
        )}
        {!full && (
          <Dropzone onDrop={(picked) => void upload(picked)} loading={uploading} multiple p="md" radius="md" data-testid={`dropzone-${field.apiKey}`}>
            <Group justify="center" gap="sm" wrap="nowrap" style={{ pointerEvents: 'none' }}>
              <Dropzone.Accept>
                <IconUpload size={28} stroke={1.5} color="var(--mantine-primary-color-filled)" />
              </Dropzone.Accept>
              <Dropzone.Reject>
                <IconX size={28} stroke={1.5} color="var(--mantine-color-red-6)" />
              </Dropzone.Reject>
              <Dropzone.Idle>
                <IconCloudUpload size={28} stroke={1.5} color="var(--mantine-color-dimmed)" />
              </Dropzone.Idle>
              <div>
                <Text size="sm" fw={500}>
                  <Dropzone.Accept>{t('field.attachment.dropActive')}</Dropzone.Accept>
                  <Dropzone.Idle>{t('field.attachment.drop')}</Dropzone.Idle>
                </Text>
                <Text size="xs" c="dimmed">
                  {t('field.attachment.dropHint')}
                </Text>
              </div>
            </Group>
          </Dropzone>
        )}
      </Stack>
      <Lightbox images={images} index={preview} onIndex={setPreview} onClose={() => setPreview(null)} fileUrl={fileUrl} />
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
