import { useState } from 'react'
import { Alert, Badge, Button, FileButton, Group, Modal, Paper, Select, Stack, Text, TextInput } from '@mantine/core'
import { IconDownload, IconTrash, IconUpload } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FormDto } from '@shared/api/contracts'
import type { DocumentTemplateDto } from '@shared/api/documents'
import { api } from '../../api/client'
import { downloadUrl, readBase64 } from '../../lib/download'
import { fileUrl } from '../../lib/files'
import { notifyError, notifySuccess } from '../../lib/notify'

// 单据模板 of one form, for those who may design it: upload a .docx, name it, the button label and
// the attachment field made documents go to; replace the file, download it, delete it. The server
// checks an uploaded template compiles and names a broken tag.

interface Draft {
  id?: number
  name: string
  button: string
  field: string | null
  file: { hash: string; name: string } | null
}

export function TemplatesModal({ form, templates, onChange, onClose }: { form: FormDto; templates: DocumentTemplateDto[]; onChange(list: DocumentTemplateDto[]): void; onClose(): void }) {
  const { t } = useTranslation()
  const attachmentFields = form.fields.filter((f) => f.type === 'attachment' && f.parentFieldId === null)
  const [draft, setDraft] = useState<Draft | null>(null)
  const [busy, setBusy] = useState(false)
  const reload = async () => onChange(await api.documents.templates({ form: form.id }))

  const upload = async (file: File | null) => {
    if (!file || !draft) return
    try {
      const stored = await api.attachments.upload({ name: file.name, mime: file.type || 'application/octet-stream', data: await readBase64(file) })
      setDraft({ ...draft, file: { hash: stored.hash, name: file.name }, name: draft.name || file.name.replace(/\.docx$/i, '') })
    } catch (e) {
      notifyError(e)
    }
  }
  const save = async () => {
    if (!draft?.field) return
    setBusy(true)
    try {
      await api.documents.saveTemplate({ id: draft.id, form: form.id, name: draft.name, button: draft.button, field: draft.field, file: draft.file ? { hash: draft.file.hash } : undefined })
      notifySuccess(t('documents.templates.saved'))
      setDraft(null)
      await reload()
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }
  const remove = async (tpl: DocumentTemplateDto) => {
    try {
      await api.documents.deleteTemplate({ id: tpl.id })
      notifySuccess(t('documents.templates.deleted'))
      await reload()
    } catch (e) {
      notifyError(e)
    }
  }

  return (
    <Modal opened onClose={onClose} title={t('documents.templates.title')} size="lg" data-testid="templates-modal">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('documents.templates.subtitle')}
        </Text>
        {!attachmentFields.length && (
          <Alert color="orange" variant="light">
            {t('documents.templates.noAttachmentField')}
          </Alert>
        )}
        {!templates.length && <Text size="sm">{t('documents.templates.empty')}</Text>}
        {templates.map((tpl) => (
          <Paper key={tpl.id} withBorder p="sm">
            <Group justify="space-between" wrap="nowrap">
              <Stack gap={2}>
                <Group gap="xs">
                  <Text fw={600}>{tpl.name}</Text>
                  {tpl.shipped && <Badge size="xs" variant="light">{t('documents.templates.shipped')}</Badge>}
                </Group>
                <Text size="xs" c="dimmed">
                  {t('documents.templates.button')}：{tpl.button} · {t('documents.templates.field')}：{tpl.fieldLabel ?? '—'}
                </Text>
              </Stack>
              <Group gap={4} wrap="nowrap">
                <Button size="compact-sm" variant="subtle" leftSection={<IconDownload size={14} />} onClick={() => downloadUrl(`${tpl.name}.docx`, fileUrl(tpl.file.hash))}>
                  {t('documents.templates.downloadFile')}
                </Button>
                <Button size="compact-sm" variant="subtle" onClick={() => setDraft({ id: tpl.id, name: tpl.name, button: tpl.button, field: tpl.field, file: null })}>
                  {t('documents.templates.edit')}
                </Button>
                <Button size="compact-sm" variant="subtle" color="red" leftSection={<IconTrash size={14} />} onClick={() => void remove(tpl)}>
                  {t('documents.templates.delete')}
                </Button>
              </Group>
            </Group>
          </Paper>
        ))}
        {draft ? (
          <Paper withBorder p="sm">
            <Stack gap="xs">
              <Group gap="xs">
                <FileButton onChange={(f) => void upload(f)} accept=".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document">
                  {(props) => (
                    <Button {...props} size="xs" variant="default" leftSection={<IconUpload size={14} />}>
                      {draft.id ? t('documents.templates.replaceFile') : t('documents.templates.file')}
                    </Button>
                  )}
                </FileButton>
                {draft.file && <Text size="sm">{draft.file.name}</Text>}
              </Group>
              <TextInput label={t('documents.templates.name')} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} required />
              <TextInput label={t('documents.templates.button')} value={draft.button} onChange={(e) => setDraft({ ...draft, button: e.currentTarget.value })} required />
              <Select label={t('documents.templates.field')} data={attachmentFields.map((f) => ({ value: f.apiKey, label: f.label }))} value={draft.field} onChange={(v) => setDraft({ ...draft, field: v })} required />
              <Text size="xs" c="dimmed">
                {t('documents.templates.help')}
              </Text>
              <Group justify="flex-end">
                <Button variant="default" onClick={() => setDraft(null)}>
                  {t('documents.send.cancel')}
                </Button>
                <Button loading={busy} disabled={!draft.name.trim() || !draft.button.trim() || !draft.field || (!draft.id && !draft.file)} onClick={() => void save()}>
                  {t('documents.templates.save')}
                </Button>
              </Group>
            </Stack>
          </Paper>
        ) : (
          attachmentFields.length > 0 && (
            <Group>
              <Button size="xs" onClick={() => setDraft({ name: '', button: '', field: attachmentFields[0]!.apiKey, file: null })} data-testid="template-add">
                {t('documents.templates.add')}
              </Button>
            </Group>
          )
        )}
      </Stack>
    </Modal>
  )
}
