import { useEffect, useMemo, useState } from 'react'
import { Autocomplete, Button, Group, Modal, Select, Stack, Textarea, TextInput } from '@mantine/core'
import { IconFileSettings, IconFileTypeDocx, IconMail } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { DocumentTemplateDto } from '@shared/api/documents'
import type { RecordDto } from '@shared/api/contracts'
import { api } from '../../api/client'
import { mayChangeField, useFormAccess } from '../../lib/form-access'
import { notifyError, notifySuccess } from '../../lib/notify'
import { notifyRecordsChanged } from '../../lib/record-events'
import { registerRecordExtension, type RecordExtensionProps } from '../record/extensions'
import { StagePath } from './StagePath'
import { TemplatesModal } from './TemplatesModal'

// Record-page buttons of the documents engine, on every form that has templates: one per template
// (生成合同, 生成报价单) — the document is made on the server from the record as this user sees it
// and stored in the record's attachment field — and 发送邮件 for a file of the record.

/** The record's files in attachment fields the user sees, newest last. */
function recordFiles(form: RecordExtensionProps['form'], record: RecordDto): Array<{ hash: string; name: string }> {
  return form.fields
    .filter((f) => f.type === 'attachment' && f.parentFieldId === null && f.apiKey in record.fields)
    .flatMap((f) => (record.fields[f.apiKey] as Array<{ hash: string; name: string }> | null) ?? [])
}

function DocumentActions({ form, record, onRecordChange }: RecordExtensionProps) {
  const { t } = useTranslation()
  const [templates, setTemplates] = useState<DocumentTemplateDto[]>([])
  const [busy, setBusy] = useState<number | null>(null)
  const [sending, setSending] = useState(false)
  const [managing, setManaging] = useState(false)
  const access = useFormAccess(form.id)
  const designer = access?.actions.includes('design') ?? false
  useEffect(() => {
    let live = true
    api.documents.templates({ form: form.id }).then(
      (list) => live && setTemplates(list),
      () => live && setTemplates([])
    )
    return () => {
      live = false
    }
  }, [form.id])
  if (!record) return null
  const files = recordFiles(form, record)
  // Only templates whose attachment field this user sees and may change (the document is stored there).
  const usable = templates.filter((tpl) => tpl.field !== null && tpl.field in record.fields && mayChangeField(access, tpl.field))
  const generate = async (tpl: DocumentTemplateDto) => {
    setBusy(tpl.id)
    try {
      const out = await api.documents.generate({ template: tpl.id, record: record.id })
      notifySuccess(t('documents.generated', { name: out.file.name }))
      onRecordChange(out.record)
      notifyRecordsChanged(form.id)
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(null)
    }
  }
  if (!usable.length && !(templates.length && files.length) && !designer) return null
  return (
    <>
      {designer && (
        <Button size="xs" variant="subtle" leftSection={<IconFileSettings size={14} />} onClick={() => setManaging(true)} data-testid="document-templates">
          {t('documents.templates.title')}
        </Button>
      )}
      {managing && <TemplatesModal form={form} templates={templates} onChange={setTemplates} onClose={() => setManaging(false)} />}
      {usable.map((tpl) => (
        <Button key={tpl.id} size="xs" variant="default" leftSection={<IconFileTypeDocx size={14} />} loading={busy === tpl.id} onClick={() => void generate(tpl)} data-testid={`document-generate-${tpl.id}`}>
          {tpl.button}
        </Button>
      ))}
      {files.length > 0 && (
        <Button size="xs" variant="default" leftSection={<IconMail size={14} />} onClick={() => setSending(true)} data-testid="document-send">
          {t('documents.send.open')}
        </Button>
      )}
      {sending && <SendDialog form={form} record={record} files={files} onClose={() => setSending(false)} />}
    </>
  )
}

function SendDialog({ form, record, files, onClose }: { form: RecordExtensionProps['form']; record: RecordDto; files: Array<{ hash: string; name: string }>; onClose(): void }) {
  const { t } = useTranslation()
  const title = useMemo(() => {
    const f = form.fields.find((x) => x.id === form.titleFieldId)
    return f ? String(record.fields[f.apiKey] ?? '') : `#${record.id}`
  }, [form, record])
  const [recipients, setRecipients] = useState<Array<{ name: string; email: string }>>([])
  const [to, setTo] = useState('')
  const [file, setFile] = useState<string | null>(files.at(-1)?.hash ?? null)
  const [subject, setSubject] = useState(t('documents.send.defaultSubject', { form: form.label, title }))
  const [body, setBody] = useState('')
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    let live = true
    api.documents.recipients({ form: form.id, record: record.id }).then((list) => {
      if (!live) return
      setRecipients(list)
      if (list[0]) setTo((prev) => prev || list[0]!.email)
    }, () => undefined)
    api.settings.company({}).then((company) => live && setBody((prev) => prev || t('documents.send.defaultBody', { form: form.label, title, company: company.name })), () => undefined)
    return () => {
      live = false
    }
  }, [form, record.id, title, t])
  const send = async () => {
    if (!file) return
    setBusy(true)
    try {
      const result = await api.documents.send({ form: form.id, record: record.id, file, to: to.trim(), subject, body })
      if (result.status === 'sent') notifySuccess(t('documents.send.sent'))
      else notifyError(new Error(t('documents.send.queued', { error: result.error ?? '' })))
      onClose()
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal opened onClose={onClose} title={t('documents.send.title')} size="lg" data-testid="send-dialog">
      <Stack gap="sm">
        <Autocomplete
          label={t('documents.send.to')}
          description={t('documents.send.toHint')}
          value={to}
          onChange={setTo}
          data={recipients.map((r) => ({ value: r.email, label: `${r.name} <${r.email}>` }))}
          required
          data-testid="send-to"
        />
        <Select label={t('documents.send.file')} data={files.map((f) => ({ value: f.hash, label: f.name }))} value={file} onChange={setFile} allowDeselect={false} data-testid="send-file" />
        <TextInput label={t('documents.send.subject')} value={subject} onChange={(e) => setSubject(e.currentTarget.value)} required />
        <Textarea label={t('documents.send.body')} value={body} onChange={(e) => setBody(e.currentTarget.value)} autosize minRows={4} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('documents.send.cancel')}
          </Button>
          <Button onClick={() => void send()} loading={busy} disabled={!file || !to.trim() || !subject.trim()} data-testid="send-submit">
            {t('documents.send.submit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

registerRecordExtension({ key: 'documents', forms: '*', Actions: DocumentActions, Notice: StagePath })
