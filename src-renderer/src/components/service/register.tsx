import { useEffect, useState } from 'react'
import { Alert, Anchor, Badge, Button, Group, Image, Loader, Modal, Stack, Text, TextInput } from '@mantine/core'
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks'
import { IconBook, IconLink, IconMoodSmile, IconSearch } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { RecordDto } from '@shared/api/contracts'
import { api } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'
import { routeHash } from '../../lib/route'
import { notifyRecordsChanged } from '../../lib/record-events'
import { registerRecordExtension, type RecordExtensionProps } from '../record/extensions'
import { reachableOrigin } from '../publicforms/PublishFormModal'

// The service desk's additions to a ticket's page: search the 知识库 and link an article to the
// ticket, and the 满意度回访 link (one-time, with a QR code) to send to the customer.

const svgUrl = (svg: string) => `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`
const idsOf = (v: unknown): number[] => (Array.isArray(v) ? v.map((x) => (x && typeof x === 'object' && 'id' in x ? Number((x as { id: number }).id) : Number(x))).filter((n) => Number.isInteger(n)) : [])

function KnowledgeSearch({ form, record, onRecordChange }: RecordExtensionProps) {
  const { t } = useTranslation()
  const narrow = useMediaQuery('(max-width: 36em)') ?? false
  const [open, setOpen] = useState(false)
  const [query, setQuery] = useState('')
  const [debounced] = useDebouncedValue(query, 250)
  const [found, setFound] = useState<RecordDto[] | null>(null)
  const [articleForm, setArticleForm] = useState<number | null>(null)
  useEffect(() => {
    if (!open) return
    let live = true
    api.records.list({ form: 'kbArticle', search: debounced.trim() || undefined, limit: 20 }).then(
      (page) => {
        if (!live) return
        setFound(page.records)
      },
      (e: unknown) => live && notifyError(e)
    )
    api.forms.get({ form: 'kbArticle' }).then((f) => live && setArticleForm(f.id), () => undefined)
    return () => {
      live = false
    }
  }, [open, debounced])
  if (!record || !form.fields.some((f) => f.apiKey === 'articles')) return null
  const linked = idsOf(record.fields.articles)
  const link = async (article: RecordDto) => {
    try {
      const result = await api.records.update({ form: form.id, id: record.id, fields: { articles: [...linked, article.id] } })
      notifyRecordsChanged(form.id)
      if ('fields' in result) onRecordChange(result)
      notifySuccess(t('service.kb.linked', { title: String(article.fields.title ?? '') }))
    } catch (e) {
      notifyError(e)
    }
  }
  return (
    <>
      <Button size="xs" variant="light" leftSection={<IconBook size={14} />} onClick={() => setOpen(true)} data-testid="ticket-kb">
        {t('service.kb.open')}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} size="lg" fullScreen={narrow} title={t('service.kb.title')}>
        <Stack gap="sm">
          <TextInput leftSection={<IconSearch size={16} />} placeholder={t('service.kb.placeholder')} value={query} onChange={(e) => setQuery(e.currentTarget.value)} data-autofocus data-testid="ticket-kb-search" />
          {found === null ? (
            <Loader size="sm" />
          ) : found.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('service.kb.none')}
            </Text>
          ) : (
            found.map((a) => (
              <Stack key={a.id} gap={2} p="xs" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 8 }} data-testid="ticket-kb-article">
                <Group justify="space-between" wrap="nowrap">
                  <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                    {articleForm ? (
                      <Anchor size="sm" fw={600} href={routeHash({ formId: articleForm, recordId: a.id, section: null })} truncate>
                        {String(a.fields.title ?? '')}
                      </Anchor>
                    ) : (
                      <Text size="sm" fw={600} truncate>
                        {String(a.fields.title ?? '')}
                      </Text>
                    )}
                    {typeof a.fields.category === 'string' && (
                      <Badge size="xs" variant="light">
                        {a.fields.category}
                      </Badge>
                    )}
                  </Group>
                  {linked.includes(a.id) ? (
                    <Badge color="green" variant="light">
                      {t('service.kb.isLinked')}
                    </Badge>
                  ) : (
                    <Button size="compact-xs" variant="light" leftSection={<IconLink size={12} />} onClick={() => void link(a)}>
                      {t('service.kb.link')}
                    </Button>
                  )}
                </Group>
                <Text size="xs" c="dimmed" lineClamp={3} style={{ whiteSpace: 'pre-wrap' }}>
                  {String(a.fields.content ?? '')}
                </Text>
              </Stack>
            ))
          )}
        </Stack>
      </Modal>
    </>
  )
}

function SurveyLink({ form, record }: RecordExtensionProps) {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const [link, setLink] = useState<{ path: string; base: string | null; qrSvg: string | null; answered: boolean } | null>(null)
  if (!record || !form.fields.some((f) => f.apiKey === 'csatScore')) return null
  const origin = reachableOrigin()
  const show = async () => {
    setOpen(true)
    try {
      setLink(await api.publicForms.surveyLink({ form: form.id, id: record.id, origin }))
    } catch (e) {
      setOpen(false)
      notifyError(e)
    }
  }
  const url = link ? `${link.base ?? ''}${link.path}` : ''
  return (
    <>
      <Button size="xs" variant="light" color="teal" leftSection={<IconMoodSmile size={14} />} onClick={() => void show()} data-testid="ticket-survey">
        {t('publicforms.survey.button')}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('publicforms.survey.linkTitle')}>
        {!link ? (
          <Loader size="sm" />
        ) : (
          <Stack gap="sm" align="stretch">
            {link.answered && (
              <Alert color="green" variant="light">
                {t('publicforms.survey.answered')}
              </Alert>
            )}
            <Text size="sm">{t('publicforms.survey.linkHelp')}</Text>
            <TextInput readOnly value={url} data-testid="ticket-survey-link" aria-label={t('publicforms.survey.linkTitle')} />
            {link.qrSvg ? <Image src={svgUrl(link.qrSvg)} w={160} h={160} mx="auto" alt={t('publicforms.panel.qr')} /> : <Text size="xs" c="dimmed">{t('publicforms.survey.noOrigin')}</Text>}
          </Stack>
        )}
      </Modal>
    </>
  )
}

function TicketActions(props: RecordExtensionProps) {
  return (
    <>
      <KnowledgeSearch {...props} />
      <SurveyLink {...props} />
    </>
  )
}

registerRecordExtension({ key: 'service.ticket', forms: ['ticket'], Actions: TicketActions })
