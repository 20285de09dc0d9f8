import { useState, type ReactNode } from 'react'
import { Alert, Anchor, Badge, Box, Button, Group, Paper, Radio, SimpleGrid, Stack, Text } from '@mantine/core'
import { IconCircleCheck, IconExternalLink } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import dayjs from 'dayjs'
import type { FieldDto, FormDto, RecordDto } from '@shared/api/contracts'
import type { ConflictDto } from '@shared/api/sync'
import { api, ApiError, errorMessage } from '../../api/client'
import { rendererOf } from '../../fields/registry'
import { routeHash } from '../../lib/route'

// One entry of the 冲突 inbox: the record (title, form, link), why the office did not take the
// change, and per field both values formatted by the field's own renderer with who changed the
// office's and when. 解决 sends the choices (sync.resolve); the card then shows what the record
// holds now. A refusal names the field it is about, under that field.
// An approval taken offline that the office refused (the to-do handed on, decided, the approval
// over) reads as one: the record (or, when the approver may not see it now, "an approval"), what
// they decided and wrote — the entry's `*decision` / `*comment`, not fields of the record —, the
// reason, and 重新提交 (to their current to-do on the record) / 放弃; resolved, it says which.

type Choice = 'mine' | 'theirs'
type Field = ConflictDto['fields'][number]

const when = (iso: string | null) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '')

function isBlank(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
}

/** A value as the record page shows it: the field type's renderer; the owner by name. */
export function ConflictValue({ entry, field, value }: { entry: Field; field: FieldDto | null; value: unknown }) {
  const { t } = useTranslation()
  if (isBlank(value)) {
    return (
      <Text size="sm" c="dimmed" fs="italic">
        {t('sync.inbox.blank')}
      </Text>
    )
  }
  if (field) {
    const Cell = rendererOf(field.type).Cell
    return (
      <Box fz="sm" style={{ wordBreak: 'break-word' }}>
        <Cell field={field} value={value} />
      </Box>
    )
  }
  if (entry.key === 'owner' && typeof value === 'object' && value !== null && 'name' in value) return <Text size="sm">{String((value as { name: unknown }).name)}</Text>
  return <Text size="sm">{typeof value === 'string' || typeof value === 'number' ? String(value) : ''}</Text>
}

function Side({ value, title, caption, children }: { value: Choice; title: string; caption: string; children: ReactNode }) {
  return (
    <Radio.Card value={value} radius="md" p="sm" withBorder data-testid={`conflict-side-${value}`}>
      <Group wrap="nowrap" align="flex-start" gap="sm">
        <Radio.Indicator mt={2} />
        <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
          <Text size="xs" fw={600} c="dimmed">
            {title}
          </Text>
          {children}
          {caption && (
            <Text size="xs" c="dimmed">
              {caption}
            </Text>
          )}
        </Stack>
      </Group>
    </Radio.Card>
  )
}

export function ConflictCard({ conflict, form, onResolved }: { conflict: ConflictDto; form: FormDto | null; onResolved(next: ConflictDto): void }) {
  const { t } = useTranslation()
  const [choices, setChoices] = useState<Record<string, Choice>>({})
  const [keep, setKeep] = useState<Choice | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null)
  const [after, setAfter] = useState<RecordDto | null>(null)
  const fieldOf = (key: string) => form?.fields.find((f) => f.apiKey === key) ?? null
  const madeAt = t(conflict.op === 'approval' ? 'sync.inbox.approval.madeAt' : 'sync.inbox.madeAt', { at: when(conflict.madeAt), device: conflict.device })
  const [kept, setKept] = useState<Choice | null>(null)
  const link = conflict.recordId !== null ? routeHash({ formId: conflict.form.id, recordId: conflict.recordId }) : null
  const perField = conflict.kind === 'field'
  const resolved = conflict.resolvedAt !== null
  const approval = conflict.op === 'approval'
  const title = conflict.recordTitle ?? (approval ? t('sync.inbox.approval.hidden') : conflict.recordId === null ? t('sync.inbox.newRecord') : t('sync.inbox.untitled'))
  const shownFields = conflict.fields.filter((f) => f.key !== '*')

  const resolve = async () => {
    setError(null)
    if (perField) {
      const missing = shownFields.find((f) => !choices[f.key])
      if (missing) {
        setError({ field: missing.key, message: t('sync.chooseField', { field: missing.label }) })
        return
      }
    } else if (!keep) {
      setError({ field: null, message: t('sync.chooseKeep') })
      return
    }
    setBusy(true)
    try {
      const next = await api.sync.resolve(perField ? { id: conflict.id, fields: choices } : { id: conflict.id, fields: {}, keep: keep! })
      setKept(perField ? null : keep)
      let record: RecordDto | null = null
      // An approval's decision and comment are not fields of the record: the card says what was done.
      if (conflict.recordId !== null && !approval) record = await api.records.get({ form: conflict.form.id, id: conflict.recordId }).catch(() => null)
      setAfter(record)
      onResolved(next)
    } catch (e) {
      setError({ field: e instanceof ApiError && e.field ? e.field : null, message: errorMessage(e) })
    } finally {
      setBusy(false)
    }
  }

  const kindLabel = conflict.kind === 'refused' && conflict.reason ? t('sync.inbox.refusedReason', { reason: conflict.reason }) : t(`sync.inbox.kind.${conflict.kind}`)
  const choiceKey = approval && conflict.kind === 'refused' ? 'approval' : conflict.kind
  const wholeChoices = conflict.kind === 'field' ? null : { mine: t(`sync.inbox.${choiceKey}.mine`), theirs: t(`sync.inbox.${choiceKey}.theirs`) }
  const decision = conflict.fields.find((f) => f.key === '*decision')?.mine

  return (
    <Paper withBorder radius="md" p="md" data-testid="conflict-card" data-conflict={conflict.id}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
          <Stack gap={2} style={{ minWidth: 0 }}>
            <Group gap="xs" wrap="wrap">
              {link ? (
                <Anchor href={link} fw={600} data-testid="conflict-record">
                  {title}
                </Anchor>
              ) : (
                <Text fw={600}>{title}</Text>
              )}
              <Badge variant="light" color="gray" styles={{ root: { textTransform: 'none' } }}>
                {conflict.form.label}
              </Badge>
            </Group>
            <Text size="xs" c="dimmed">
              {madeAt}
            </Text>
          </Stack>
          {resolved ? (
            <Badge color="teal" variant="light" leftSection={<IconCircleCheck size={12} />} data-testid="conflict-resolved">
              {t('sync.inbox.resolved')}
            </Badge>
          ) : (
            <Badge color={conflict.kind === 'refused' ? 'red' : 'orange'} variant="light" styles={{ root: { textTransform: 'none', whiteSpace: 'normal', height: 'auto' } }} data-testid="conflict-reason">
              {kindLabel}
            </Badge>
          )}
        </Group>

        {resolved && approval ? (
          <Stack gap={6} data-testid="conflict-after">
            <Text size="sm">
              {kept === 'theirs' ? t('sync.inbox.approval.dropped') : kept === 'mine' ? t('sync.inbox.approval.applied', { decision: String(decision ?? '') }) : t('sync.inbox.resolved')}
            </Text>
            {link && (
              <OpenRecord href={link} />
            )}
          </Stack>
        ) : resolved ? (
          <Stack gap={6} data-testid="conflict-after">
            {after && (
              <>
                <Text size="sm" c="dimmed">
                  {t('sync.inbox.resolvedBody')}
                </Text>
                {shownFields.map((f) => (
                  <Group key={f.key} gap="sm" wrap="nowrap" align="flex-start" data-testid={`conflict-after-${f.key}`}>
                    <Text size="sm" c="dimmed" w={120} style={{ flexShrink: 0 }}>
                      {f.label}
                    </Text>
                    <ConflictValue entry={f} field={fieldOf(f.key)} value={f.key === 'owner' ? after.owner : after.fields[f.key]} />
                  </Group>
                ))}
              </>
            )}
            {link && after && (
              <OpenRecord href={link} />
            )}
          </Stack>
        ) : perField ? (
          <Stack gap="md">
            {shownFields.map((f) => (
              <Stack key={f.key} gap={6} data-testid={`conflict-field-${f.key}`}>
                <Text size="sm" fw={600}>
                  {f.label}
                </Text>
                <Radio.Group value={choices[f.key] ?? null} onChange={(v) => setChoices((c) => ({ ...c, [f.key]: v as Choice }))} aria-label={f.label}>
                  <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                    <Side value="mine" title={t('sync.inbox.keepMine')} caption={when(conflict.madeAt)}>
                      <ConflictValue entry={f} field={fieldOf(f.key)} value={f.mine} />
                    </Side>
                    <Side value="theirs" title={t('sync.inbox.keepTheirs')} caption={f.theirsBy ? t('sync.inbox.changedBy', { name: f.theirsBy, at: when(f.theirsAt) }) : ''}>
                      <ConflictValue entry={f} field={fieldOf(f.key)} value={f.theirs} />
                    </Side>
                  </SimpleGrid>
                </Radio.Group>
                {error?.field === f.key && (
                  <Text size="sm" c="red" data-testid="conflict-field-error">
                    {error.message}
                  </Text>
                )}
              </Stack>
            ))}
          </Stack>
        ) : (
          <Stack gap="sm">
            {shownFields.length > 0 && (
              <Paper bg="var(--mantine-color-default-hover)" p="sm" radius="sm">
                <Text size="xs" fw={600} c="dimmed" mb={4}>
                  {t(approval ? 'sync.inbox.approval.typed' : 'sync.inbox.typed')}
                </Text>
                <Stack gap={4}>
                  {shownFields.map((f) => (
                    <Group key={f.key} gap="sm" wrap="nowrap" align="flex-start" data-testid={`conflict-typed-${f.key}`}>
                      <Text size="sm" c="dimmed" w={120} style={{ flexShrink: 0 }}>
                        {f.label}
                      </Text>
                      <ConflictValue entry={f} field={fieldOf(f.key)} value={f.mine} />
                    </Group>
                  ))}
                </Stack>
              </Paper>
            )}
            {conflict.fields.some((f) => f.key === '*' && f.theirsBy) && (
              <Text size="xs" c="dimmed">
                {t('sync.inbox.changedBy', { name: conflict.fields.find((f) => f.key === '*')!.theirsBy, at: when(conflict.fields.find((f) => f.key === '*')!.theirsAt) })}
              </Text>
            )}
            <Radio.Group value={keep} onChange={(v) => setKeep(v as Choice)} aria-label={kindLabel}>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                <Side value="mine" title={wholeChoices!.mine} caption="">
                  {null}
                </Side>
                <Side value="theirs" title={wholeChoices!.theirs} caption="">
                  {null}
                </Side>
              </SimpleGrid>
            </Radio.Group>
          </Stack>
        )}

        {!resolved && (
          <>
            {error && error.field === null && (
              <Alert color="red" variant="light" p="xs" data-testid="conflict-error">
                {error.message}
              </Alert>
            )}
            {error && error.field !== null && !shownFields.some((f) => f.key === error.field) && (
              <Alert color="red" variant="light" p="xs" data-testid="conflict-error">
                {error.message}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button onClick={() => void resolve()} loading={busy} data-testid="conflict-resolve">
                {t('sync.inbox.apply')}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  )
}

/** The way from a resolved card to the record it was about. */
function OpenRecord({ href }: { href: string }) {
  const { t } = useTranslation()
  return (
    <Anchor href={href} size="sm">
      <Group gap={4} wrap="nowrap">
        <IconExternalLink size={14} />
        {t('sync.inbox.openRecord')}
      </Group>
    </Anchor>
  )
}
