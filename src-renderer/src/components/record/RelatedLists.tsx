import { useCallback, useEffect, useMemo, useState } from 'react'
import { Anchor, Badge, Button, Center, Group, Loader, Paper, Stack, Table, Text, ThemeIcon } from '@mantine/core'
import { IconLink, IconPlus, IconTable } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FilterNode, FormDto, RecordDto } from '@shared/api/contracts'
import { api, ApiError } from '../../api/client'
import { recordTitle } from '../../fields/relation'
import { rendererOf } from '../../fields/registry'
import { notifyError } from '../../lib/notify'
import { notifyRecordsChanged } from '../../lib/record-events'
import { guardedNavigate } from '../../lib/unsaved'
import { RecordDrawer } from '../records/RecordDrawer'

// Records of other forms that link to this one (a customer's contacts, opportunities,
// contracts…): one list per relation field pointing at this form, each with its count, a few
// columns, and 新建 that starts a record already linked here.

interface RelatedSource {
  form: FormDto
  field: FieldDto
}

interface ListState {
  records: RecordDto[]
  total: number
}

const PAGE = 5
const MORE = 50
/** Columns shown besides the title: simple values that fit a narrow table. */
const COLUMN_TYPES = new Set(['text', 'phone', 'email', 'select', 'number', 'amount', 'percent', 'date', 'datetime', 'member', 'checkbox', 'autonumber'])

const liveTopFields = (form: FormDto) => form.fields.filter((f) => f.deletedAt === null && f.parentFieldId === null).sort((a, b) => a.position - b.position)

export function relatedSources(forms: FormDto[], target: FormDto): RelatedSource[] {
  const out: RelatedSource[] = []
  for (const form of forms) {
    for (const field of liveTopFields(form)) {
      if (field.type === 'relation' && (field.config as { targetFormId?: number }).targetFormId === target.id) out.push({ form, field })
    }
  }
  return out
}

let formsPromise: Promise<FormDto[]> | null = null
/** Forms change rarely while a record is open; one list per minute is enough. */
function loadForms(): Promise<FormDto[]> {
  if (!formsPromise) {
    formsPromise = api.forms.list().catch((error: unknown) => {
      formsPromise = null
      throw error
    })
    setTimeout(() => (formsPromise = null), 60_000)
  }
  return formsPromise
}

export function RelatedLists({ form, record, title, onCount }: { form: FormDto; record: RecordDto; title: string; onCount?(count: number): void }) {
  const { t } = useTranslation()
  const [sources, setSources] = useState<RelatedSource[] | null>(null)
  const [counts, setCounts] = useState<Record<string, number>>({})

  useEffect(() => {
    let live = true
    loadForms().then(
      (forms) => live && setSources(relatedSources(forms, form)),
      (error: unknown) => {
        if (!live) return
        setSources([])
        notifyError(error)
      }
    )
    return () => {
      live = false
    }
  }, [form])

  useEffect(() => {
    if (sources) onCount?.(Object.values(counts).reduce((a, b) => a + b, 0))
  }, [counts, sources, onCount])

  const setCount = useCallback((key: string, n: number) => setCounts((prev) => (prev[key] === n ? prev : { ...prev, [key]: n })), [])

  if (!sources) {
    return (
      <Center py="xl">
        <Loader size="sm" />
      </Center>
    )
  }
  if (sources.length === 0) {
    return (
      <Stack align="center" gap={6} py="xl" data-testid="related-none">
        <ThemeIcon size={44} radius="xl" variant="light" color="gray">
          <IconLink size={22} />
        </ThemeIcon>
        <Text fw={600}>{t('record.related.noneTitle')}</Text>
        <Text size="sm" c="dimmed" ta="center" maw={420}>
          {t('record.related.noneBody', { form: form.label })}
        </Text>
      </Stack>
    )
  }
  return (
    <Stack gap="md">
      {sources.map((source) => (
        <RelatedList key={`${source.form.id}-${source.field.id}`} source={source} record={record} title={title} onCount={setCount} />
      ))}
    </Stack>
  )
}

function RelatedList({ source, record, title, onCount }: { source: RelatedSource; record: RecordDto; title: string; onCount(key: string, n: number): void }) {
  const { t } = useTranslation()
  const { form, field } = source
  const key = `${form.id}-${field.id}`
  const [state, setState] = useState<ListState | null>(null)
  const [hidden, setHidden] = useState(false)
  const [limit, setLimit] = useState(PAGE)
  const [tick, setTick] = useState(0)
  const [creating, setCreating] = useState(false)
  const allFields = useMemo(() => form.fields.filter((f) => f.deletedAt === null), [form.fields])
  const fields = useMemo(() => liveTopFields(form), [form])
  const columns = useMemo(() => {
    const titleId = form.titleFieldId ?? fields.find((f) => f.type === 'text')?.id
    return fields.filter((f) => f.id !== titleId && f.id !== field.id && COLUMN_TYPES.has(f.type)).slice(0, 3)
  }, [fields, form.titleFieldId, field.id])
  const multiple = (field.config as { multiple?: boolean }).multiple === true

  useEffect(() => {
    let live = true
    const filter: FilterNode = { field: field.apiKey, op: 'eq', value: record.id }
    api.records.list({ form: form.id, filter, limit, withTotal: true }).then(
      (page) => {
        if (!live) return
        setState({ records: page.records, total: page.total ?? page.records.length })
        onCount(key, page.total ?? page.records.length)
      },
      (error: unknown) => {
        if (!live) return
        // A form this user may not see is simply not listed.
        if (error instanceof ApiError && (error.code === 'PERMISSION' || error.code === 'NOT_FOUND')) setHidden(true)
        else notifyError(error)
        setState({ records: [], total: 0 })
      }
    )
    return () => {
      live = false
    }
  }, [form.id, field.apiKey, record.id, limit, tick, key, onCount])

  if (hidden) return null
  const link = { id: record.id, title }
  const preset = { [field.apiKey]: multiple ? [link] : link }

  return (
    <Paper withBorder radius="md" p="sm" data-testid={`related-${form.apiKey}-${field.apiKey}`}>
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Group gap={8} wrap="nowrap">
          <IconTable size={16} />
          <Text fw={600} size="sm">
            {form.label}
          </Text>
          {state && (
            <Badge variant="light" color="gray" radius="sm" size="sm">
              {state.total}
            </Badge>
          )}
          <Text size="xs" c="dimmed" visibleFrom="sm">
            {t('record.related.via', { field: field.label })}
          </Text>
        </Group>
        <Button size="compact-sm" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)}>
          {t('record.related.new', { form: form.label })}
        </Button>
      </Group>
      {!state ? (
        <Center py="sm">
          <Loader size="xs" />
        </Center>
      ) : state.records.length === 0 ? (
        <Text size="sm" c="dimmed" py={6}>
          {t('record.related.empty', { form: form.label })}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={420}>
          <Table highlightOnHover verticalSpacing={6} fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('record.related.titleColumn')}</Table.Th>
                {columns.map((c) => (
                  <Table.Th key={c.id} style={rendererOf(c.type).numeric ? { textAlign: 'right' } : undefined}>
                    {c.label}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {state.records.map((r) => (
                <Table.Tr key={r.id} className="jimu-row" onClick={() => guardedNavigate({ formId: form.id, recordId: r.id })}>
                  <Table.Td>
                    <Anchor size="sm" component="button" type="button">
                      {recordTitle(r, form)}
                    </Anchor>
                  </Table.Td>
                  {columns.map((c) => {
                    const Cell = rendererOf(c.type).Cell
                    return (
                      <Table.Td key={c.id} style={rendererOf(c.type).numeric ? { textAlign: 'right' } : undefined}>
                        <Cell field={c} value={r.fields[c.apiKey] ?? null} />
                      </Table.Td>
                    )
                  })}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {state && state.total > state.records.length && (
        <Button variant="subtle" size="compact-xs" mt={4} onClick={() => setLimit(MORE)} disabled={limit >= MORE}>
          {limit >= MORE ? t('record.related.showingFirst', { count: state.records.length, total: state.total }) : t('record.related.showAll', { count: state.total })}
        </Button>
      )}
      <RecordDrawer
        form={form}
        fields={fields}
        allFields={allFields}
        recordId={null}
        opened={creating}
        preset={preset}
        onClose={() => setCreating(false)}
        onSaved={() => {
          setCreating(false)
          setTick((n) => n + 1)
          notifyRecordsChanged(form.id)
        }}
        onDelete={async () => setCreating(false)}
      />
    </Paper>
  )
}
