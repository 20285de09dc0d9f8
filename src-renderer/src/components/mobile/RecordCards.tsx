import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { Alert, Badge, Box, Center, Group, Loader, Paper, Stack, Text, UnstyledButton } from '@mantine/core'
import { IconUser } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FilterNode, FormDto, RecordDto, ViewConfig } from '@shared/api/contracts'
import { recordTitle } from '../../fields/relation'
import { rendererOf } from '../../fields/registry'
import { optionColor } from '../../fields/select'
import { resolveColumns } from '../views/config'
import { useTableData } from '../views/useTableData'
import { CARD_PAGE } from './cards-query'
import { firstScreenPainted, whenIdle } from '../../lib/first-paint'

// A form's records at phone width: one card per record (title, the stage or status tag, two or
// three key fields, the owner), in the view's order, with the view's filter and the search box
// of the page above it. Cards load a page at a time as the list scrolls; tapping opens the record.

interface Props {
  form: FormDto
  fields: FieldDto[]
  config: ViewConfig
  filter: FilterNode | undefined
  search: string
  reloadTick: number
  onOpen(record: RecordDto): void
  onTotal(total: number | null): void
  empty: ReactNode
}

const KEY_FIELDS = 3
/** Types that read well in one line of a card. */
const CARD_TYPES = new Set(['text', 'number', 'amount', 'percent', 'date', 'datetime', 'select', 'multiselect', 'phone', 'email', 'member', 'relation', 'formula', 'autonumber', 'rollup', 'checkbox'])
const TAG_KEYS = /stage|status|阶段|状态/i

/** Cards drawn before the first paint: a 390×844 screen shows three or four under the page's header; the rest of the page follows when the browser is idle. */
const FIRST_CARDS = 6

let cardsPaintedMarked = false

/** The tag, the title field and the key fields a card shows, from the view's columns. */
export function cardLayout(form: FormDto, fields: FieldDto[], config: ViewConfig) {
  const visible = resolveColumns(fields, config)
    .filter((c) => !c.hidden)
    .map((c) => c.field)
  const titleField = fields.find((f) => f.id === form.titleFieldId) ?? fields.find((f) => f.type === 'text') ?? null
  const selects = fields.filter((f) => f.type === 'select')
  const tagField = selects.find((f) => f.apiKey === config.kanbanField) ?? selects.find((f) => TAG_KEYS.test(f.apiKey) || TAG_KEYS.test(f.label)) ?? null
  const keyFields = visible.filter((f) => f !== titleField && f !== tagField && CARD_TYPES.has(f.type)).slice(0, KEY_FIELDS)
  return { tagField, keyFields }
}

export function RecordCards({ form, fields, config, filter, search, reloadTick, onOpen, onTotal, empty }: Props) {
  const { t } = useTranslation()
  const { tagField, keyFields } = useMemo(() => cardLayout(form, fields, config), [form, fields, config])
  const { data, loadMore } = useTableData({ formId: form.id, filter, search, sort: config.sort, groupField: null, sumKeys: [], reloadTick, pageSize: CARD_PAGE })
  const segment = data.segments[0]
  const records = segment?.records ?? []

  useEffect(() => onTotal(data.total), [data.total, onTotal])

  useLayoutEffect(() => {
    if (cardsPaintedMarked || records.length === 0) return
    cardsPaintedMarked = true
    requestAnimationFrame(() => {
      performance.mark('jimu:rows-painted')
      firstScreenPainted()
    })
  }, [records.length])

  // The first screenful is drawn first; the rest of the page once that is painted.
  const [allDrawn, setAllDrawn] = useState(false)
  useEffect(() => {
    if (allDrawn || records.length <= FIRST_CARDS) return
    let cancel = () => {}
    const frame = requestAnimationFrame(() => (cancel = whenIdle(() => setAllDrawn(true))))
    return () => {
      cancelAnimationFrame(frame)
      cancel()
    }
  }, [allDrawn, records.length])
  const shown = allDrawn ? records : records.slice(0, FIRST_CARDS)

  // The next page is asked for when the end of the list comes near.
  const sentinel = useRef<HTMLDivElement>(null)
  const more = Boolean(segment && !segment.done && !segment.failure && records.length > 0 && shown.length === records.length)
  useEffect(() => {
    const node = sentinel.current
    if (!node || !more) return
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && loadMore('all'), { rootMargin: '400px' })
    observer.observe(node)
    return () => observer.disconnect()
  }, [more, loadMore, records.length])

  const failure = data.failure ?? segment?.failure
  if (failure) {
    return (
      <Alert color="red" title={t('mobile.cards.loadFailed')}>
        {failure}
      </Alert>
    )
  }
  if (!data.ready || (segment && !segment.done && records.length === 0)) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    )
  }
  if (records.length === 0) return <>{empty}</>

  return (
    <Stack gap="xs" data-testid="record-cards" pb="xl">
      {shown.map((record) => (
        <RecordCard key={record.id} form={form} record={record} tagField={tagField} keyFields={keyFields} onOpen={onOpen} />
      ))}
      {/* Cards are appended as the list nears its end; nothing spins while the user reads. */}
      <div ref={sentinel} />
    </Stack>
  )
}

/** One card; memoized: appending a page or drawing the rest of the first one leaves the drawn cards alone. */
const RecordCard = memo(function RecordCard({ form, record, tagField, keyFields, onOpen }: { form: FormDto; record: RecordDto; tagField: FieldDto | null; keyFields: FieldDto[]; onOpen(record: RecordDto): void }) {
  const tag = tagField ? record.fields[tagField.apiKey] : null
  return (
    <Paper withBorder radius="md" p="sm" data-testid="record-card">
      <UnstyledButton onClick={() => onOpen(record)} w="100%" style={{ textAlign: 'left' }} aria-label={recordTitle(record, form)}>
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs" mb={keyFields.length ? 6 : 0}>
          <Text fw={600} size="md" lineClamp={2} style={{ minWidth: 0 }}>
            {recordTitle(record, form)}
          </Text>
          {tagField && typeof tag === 'string' && tag !== '' && (
            <Badge variant="light" color={optionColor(tagField, tag)} radius="sm" tt="none" style={{ flexShrink: 0 }}>
              {tag}
            </Badge>
          )}
        </Group>
      </UnstyledButton>
      <Stack gap={4}>
        {keyFields.map((f) => {
          const value = record.fields[f.apiKey] ?? null
          const renderer = rendererOf(f.type)
          if (renderer.isEmpty(value)) return null
          const Cell = renderer.Cell
          return (
            <Group key={f.apiKey} gap={8} wrap="nowrap" align="flex-start">
              <Text size="xs" c="dimmed" w={72} pt={2} style={{ flexShrink: 0 }} truncate>
                {f.label}
              </Text>
              <Box fz="sm" style={{ minWidth: 0, overflow: 'hidden' }}>
                <Cell field={f} value={value} />
              </Box>
            </Group>
          )
        })}
        {record.owner && (
          <Group gap={6} wrap="nowrap">
            <IconUser size={14} color="var(--mantine-color-dimmed)" />
            <Text size="xs" c="dimmed" truncate>
              {record.owner.name}
            </Text>
          </Group>
        )}
      </Stack>
    </Paper>
  )
})
