import { useEffect, useState } from 'react'
import { ActionIcon, Alert, Anchor, Badge, Button, Checkbox, CopyButton, Divider, Group, Image, Loader, Modal, Select, SimpleGrid, Stack, Switch, Text, TextInput, Textarea, Title } from '@mantine/core'
import { useMediaQuery } from '@mantine/hooks'
import { IconCopy, IconDownload, IconPlayerStop, IconPlus, IconTrash, IconWorldUpload } from '@tabler/icons-react'
import dayjs from 'dayjs'
import { useTranslation } from 'react-i18next'
import type { PublicFormConfig, PublicFormDto } from '@shared/api/publicforms'
import { api } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'
import { routeHash } from '../../lib/route'

/** The page's origin when the app runs in a browser (serve mode, the LAN); the desktop window's app:// origin is no address for a phone. */
export function reachableOrigin(): string | undefined {
  return /^https?:$/.test(window.location.protocol) ? window.location.origin : undefined
}

const svgUrl = (svg: string) => `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`

/**
 * 外链发布: a form's public page — which fields visitors fill in, hidden fields a link prefills,
 * the title, logo and thank-you text — its link and QR code, and recent submissions. Everything
 * the server holds is kept in one settings object, edited in place: opening and saving without a
 * change saves the same settings.
 */
export function PublishFormModal({ formId, formLabel, opened, onClose }: { formId: number; formLabel: string; opened: boolean; onClose(): void }) {
  const { t } = useTranslation()
  const narrow = useMediaQuery('(max-width: 36em)') ?? false
  const [dto, setDto] = useState<PublicFormDto | null>(null)
  const [config, setConfig] = useState<PublicFormConfig | null>(null)
  const [busy, setBusy] = useState(false)
  const origin = reachableOrigin()

  useEffect(() => {
    if (!opened) return
    let live = true
    api.publicForms.get({ form: formId, origin }).then(
      (d) => {
        if (!live) return
        setDto(d)
        setConfig(
          d.config ?? {
            title: formLabel, intro: '', thanks: t('publicforms.panel.defaultThanks'), showLogo: true,
            fields: d.publishable.filter((f) => !f.hiddenOnly).slice(0, 4).map((f) => ({ field: f.key, required: false })),
            hidden: [], duplicateField: d.publishable.find((f) => f.type === 'phone')?.key ?? null
          }
        )
      },
      (e: unknown) => live && notifyError(e)
    )
    return () => {
      live = false
    }
  }, [opened, formId, formLabel, origin, t])

  const save = async (published: boolean) => {
    if (!config) return
    setBusy(true)
    try {
      const next = await api.publicForms.save({ form: formId, config, published, origin })
      setDto(next)
      setConfig(next.config)
      notifySuccess(t('publicforms.panel.saved'))
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }
  const unpublish = async () => {
    setBusy(true)
    try {
      setDto(await api.publicForms.unpublish({ form: formId, origin }))
      notifySuccess(t('publicforms.panel.unpublishedDone'))
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }

  const patch = (p: Partial<PublicFormConfig>) => setConfig((c) => (c ? { ...c, ...p } : c))
  const chosen = (key: string) => config?.fields.find((f) => f.field === key)
  const toggle = (key: string, on: boolean) => {
    if (!config) return
    patch({ fields: on ? [...config.fields, { field: key, required: false }] : config.fields.filter((f) => f.field !== key) })
  }
  const link = dto?.path ? `${dto.base ?? ''}${dto.path}` : null
  const labelOf = (key: string) => dto?.publishable.find((f) => f.key === key)?.label ?? key

  return (
    <Modal opened={opened} onClose={onClose} size="xl" fullScreen={narrow} title={<Title order={4}>{t('publicforms.panel.title', { form: formLabel })}</Title>} data-testid="publish-modal">
      {!dto || !config ? (
        <Group justify="center" p="xl">
          <Loader />
        </Group>
      ) : (
        <Stack gap="md">
          <Group gap="xs">
            <Badge color={dto.published ? 'green' : 'gray'} variant="light" data-testid="publish-status">
              {dto.published ? t('publicforms.panel.published') : t('publicforms.panel.unpublished')}
            </Badge>
            <Text size="sm" c="dimmed" style={{ flex: 1 }}>
              {t('publicforms.panel.intro')}
            </Text>
          </Group>
          {link && (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Stack gap={6}>
                <Text size="sm" fw={600}>
                  {t('publicforms.panel.link')}
                </Text>
                <Group gap={6} wrap="nowrap">
                  <TextInput value={link} readOnly style={{ flex: 1 }} data-testid="publish-link" aria-label={t('publicforms.panel.link')} />
                  <CopyButton value={link}>
                    {({ copied, copy }) => (
                      <ActionIcon variant="light" size="lg" onClick={copy} aria-label={copied ? t('publicforms.panel.copied') : t('publicforms.panel.copy')}>
                        <IconCopy size={16} />
                      </ActionIcon>
                    )}
                  </CopyButton>
                </Group>
                {!dto.base && (
                  <Text size="xs" c="dimmed">
                    {t('publicforms.survey.noOrigin')}
                  </Text>
                )}
              </Stack>
              {dto.qrSvg && (
                <Stack gap={6} align="center">
                  <Text size="sm" fw={600}>
                    {t('publicforms.panel.qr')}
                  </Text>
                  <Image src={svgUrl(dto.qrSvg)} w={140} h={140} alt={t('publicforms.panel.qr')} data-testid="publish-qr" />
                  <Anchor size="sm" href={svgUrl(dto.qrSvg)} download={`${formLabel}-qr.svg`}>
                    <Group gap={4}>
                      <IconDownload size={14} />
                      {t('publicforms.panel.downloadQr')}
                    </Group>
                  </Anchor>
                </Stack>
              )}
            </SimpleGrid>
          )}
          <Divider />
          <TextInput label={t('publicforms.panel.pageTitle')} value={config.title} onChange={(e) => patch({ title: e.currentTarget.value })} maxLength={100} required data-testid="publish-title" />
          <Textarea label={t('publicforms.panel.pageIntro')} value={config.intro} onChange={(e) => patch({ intro: e.currentTarget.value })} maxLength={500} autosize minRows={2} />
          <Textarea label={t('publicforms.panel.thanks')} value={config.thanks} onChange={(e) => patch({ thanks: e.currentTarget.value })} maxLength={500} autosize minRows={2} required data-testid="publish-thanks" />
          <Switch label={t('publicforms.panel.showLogo')} checked={config.showLogo} onChange={(e) => patch({ showLogo: e.currentTarget.checked })} />
          <Stack gap={6}>
            <Text size="sm" fw={600}>
              {t('publicforms.panel.fields')}
            </Text>
            {config.fields.length === 0 && (
              <Alert color="orange" variant="light">
                {t('publicforms.panel.pickFields')}
              </Alert>
            )}
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing={6}>
              {dto.publishable
                .filter((f) => !f.hiddenOnly && !config.hidden.some((h) => h.field === f.key))
                .map((f) => {
                  const c = chosen(f.key)
                  return (
                    <Group key={f.key} gap="xs" wrap="nowrap">
                      <Checkbox label={f.label} checked={!!c} onChange={(e) => toggle(f.key, e.currentTarget.checked)} style={{ flex: 1 }} data-testid={`publish-field-${f.key}`} />
                      {c && (
                        <Checkbox
                          size="xs"
                          label={t('publicforms.panel.requiredField')}
                          checked={c.required}
                          onChange={(e) => {
                            const required = e.currentTarget.checked
                            patch({ fields: config.fields.map((x) => (x.field === f.key ? { ...x, required } : x)) })
                          }}
                        />
                      )}
                    </Group>
                  )
                })}
            </SimpleGrid>
          </Stack>
          <Stack gap={6}>
            <Text size="sm" fw={600}>
              {t('publicforms.panel.hidden')}
            </Text>
            <Text size="xs" c="dimmed">
              {t('publicforms.panel.hiddenHelp')}
            </Text>
            {config.hidden.map((h, i) => (
              <Group key={i} gap="xs" wrap="nowrap" align="end">
                <Select
                  label={i === 0 ? t('publicforms.panel.hiddenField') : undefined}
                  aria-label={t('publicforms.panel.hiddenField')}
                  data={dto.publishable.filter((f) => f.key === h.field || (!chosen(f.key) && !config.hidden.some((x) => x.field === f.key))).map((f) => ({ value: f.key, label: f.label }))}
                  value={h.field}
                  onChange={(v) => v && patch({ hidden: config.hidden.map((x, j) => (j === i ? { ...x, field: v, param: x.param || labelOf(v) } : x)) })}
                  style={{ flex: 1 }}
                  allowDeselect={false}
                />
                <TextInput label={i === 0 ? t('publicforms.panel.param') : undefined} aria-label={t('publicforms.panel.param')} value={h.param} maxLength={40} onChange={(e) => { const param = e.currentTarget.value; patch({ hidden: config.hidden.map((x, j) => (j === i ? { ...x, param } : x)) }) }} style={{ flex: 1 }} />
                <TextInput label={i === 0 ? t('publicforms.panel.defaultValue') : undefined} aria-label={t('publicforms.panel.defaultValue')} value={h.value} maxLength={200} onChange={(e) => { const value = e.currentTarget.value; patch({ hidden: config.hidden.map((x, j) => (j === i ? { ...x, value } : x)) }) }} style={{ flex: 1 }} />
                <ActionIcon variant="subtle" color="red" size="lg" aria-label={t('publicforms.panel.removeHidden')} onClick={() => patch({ hidden: config.hidden.filter((_, j) => j !== i) })}>
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            ))}
            {(() => {
              const free = dto.publishable.find((f) => !chosen(f.key) && !config.hidden.some((h) => h.field === f.key))
              return (
                <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} disabled={!free || config.hidden.length >= 10} onClick={() => free && patch({ hidden: [...config.hidden, { field: free.key, param: free.label, value: '' }] })} style={{ alignSelf: 'flex-start' }} data-testid="publish-add-hidden">
                  {t('publicforms.panel.addHidden')}
                </Button>
              )
            })()}
          </Stack>
          <Select
            label={t('publicforms.panel.duplicateField')}
            data={[{ value: '', label: t('publicforms.panel.noDuplicate') }, ...dto.publishable.filter((f) => f.type === 'phone').map((f) => ({ value: f.key, label: f.label }))]}
            value={config.duplicateField ?? ''}
            onChange={(v) => patch({ duplicateField: v ? v : null })}
            allowDeselect={false}
          />
          <Group justify="flex-end" gap="xs">
            {dto.published && (
              <Button variant="light" color="red" leftSection={<IconPlayerStop size={16} />} loading={busy} onClick={() => void unpublish()} data-testid="publish-stop">
                {t('publicforms.panel.unpublish')}
              </Button>
            )}
            {!dto.published && dto.path && (
              <Button variant="default" loading={busy} onClick={() => void save(false)}>
                {t('publicforms.panel.saveOnly')}
              </Button>
            )}
            <Button leftSection={<IconWorldUpload size={16} />} loading={busy} disabled={config.fields.length === 0 || !config.title.trim() || !config.thanks.trim()} onClick={() => void save(true)} data-testid="publish-save">
              {t('publicforms.panel.publish')}
            </Button>
          </Group>
          <Divider label={t('publicforms.panel.submissions')} labelPosition="left" />
          {dto.submissions.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('publicforms.panel.noSubmissions')}
            </Text>
          ) : (
            <Stack gap={4} data-testid="publish-submissions">
              {dto.submissions.slice(0, 20).map((s) => (
                <Group key={s.id} gap="xs" wrap="nowrap">
                  <Text size="xs" c="dimmed" w={120}>
                    {dayjs(s.at).format('YYYY-MM-DD HH:mm')}
                  </Text>
                  <Anchor size="sm" href={routeHash({ formId, recordId: s.recordId, section: null })}>
                    {t('publicforms.panel.record', { id: s.recordId })}
                  </Anchor>
                  {s.duplicateOf !== null && (
                    <Anchor size="xs" c="orange" href={routeHash({ formId, recordId: s.duplicateOf, section: null })}>
                      {t('publicforms.panel.duplicate', { id: s.duplicateOf })}
                    </Anchor>
                  )}
                </Group>
              ))}
            </Stack>
          )}
        </Stack>
      )}
    </Modal>
  )
}
