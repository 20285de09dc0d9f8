import { useEffect, useMemo, useRef, useState } from 'react'
import {
  Alert, Anchor, Badge, Box, Button, Group, Modal, Paper, Progress, Radio, ScrollArea, SegmentedControl, Select, SimpleGrid, Stack, Stepper, Switch, Table, Text, ThemeIcon, Tooltip
} from '@mantine/core'
import { Dropzone } from '@mantine/dropzone'
import { IconAlertTriangle, IconArrowBackUp, IconCheck, IconCircleCheck, IconDownload, IconFileSpreadsheet, IconPlayerStop, IconUpload } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FormDto } from '@shared/api/contracts'
import type { ColumnMapping, ImportSettingsInput, ImportStatus, PreviewDto } from '@shared/api/transfer'
import type { FieldType } from '@shared/field-types'
import { api, errorMessage } from '../../api/client'
import { useAttempt } from '../../lib/use-attempt'
import { MAX_IMPORT_FILE, SHEET_ACCEPT } from './files'
import { downloadBase64, readBase64 } from '../../lib/download'

// The import wizard: file → sheet and header row → column mapping → values (unknown options,
// relation keys, duplicates, mode) → preview with per-cell errors → run with progress and cancel
// → result with the error report and undo. Each step asks the server (a worker thread there does
// the reading and checking); nothing is written before the run step.

type Opened = { session: string; sheets: Awaited<ReturnType<(typeof api.transfer)['import.sheets']>> }
type Columns = Awaited<ReturnType<(typeof api.transfer)['import.columns']>>
type Target = ColumnMapping['target']
type DateOrder = NonNullable<ColumnMapping['dateOrder']>
const DATE_ORDERS: DateOrder[] = ['ymd', 'dmy', 'mdy']

const NEW_OPTION = '__new__'
const SKIP = '__skip__'
const NEW_FIELD = '__new_field__'

interface Props {
  form: FormDto
  opened: boolean
  onClose: () => void
  /** Records were written (or an import undone): the list reloads. */
  onImported: () => void
}

export function ImportWizard({ form, opened, onClose, onImported }: Props) {
  const { t } = useTranslation()
  const [step, setStep] = useState(0)
  const { busy, error, setError, attempt } = useAttempt()
  const [fileName, setFileName] = useState('')
  const [session, setSession] = useState<Opened | null>(null)
  const [sheet, setSheet] = useState(0)
  const [headerRow, setHeaderRow] = useState(0)
  const [columns, setColumns] = useState<Columns | null>(null)
  const [mapping, setMapping] = useState<Target[]>([])
  /** Per column: the order its dates are written in (decided from every value, or chosen here). */
  const [dateOrders, setDateOrders] = useState<Record<number, DateOrder>>({})
  const [options, setOptions] = useState<Record<string, Record<string, string>>>({})
  /** Names in member columns that match no user: added as colleagues (`__new__`) or read as a user id. */
  const [people, setPeople] = useState<Record<string, '__new__' | number>>({})
  const [colleagues, setColleagues] = useState<Array<{ id: number; name: string }>>([])
  const [mode, setMode] = useState<'create' | 'update' | 'upsert'>('create')
  const [keyField, setKeyField] = useState<string | null>(null)
  const [onError, setOnError] = useState<'abort' | 'skip'>('abort')
  const [duplicates, setDuplicates] = useState<'import' | 'skip'>('import')
  const [rules, setRules] = useState(false)
  const [preview, setPreview] = useState<PreviewDto | null>(null)
  const [status, setStatus] = useState<ImportStatus | null>(null)
  const [undone, setUndone] = useState(false)
  const [readRows, setReadRows] = useState<number | null>(null)
  const poll = useRef<number | null>(null)

  const reset = () => {
    setStep(0); setError(null); setFileName(''); setSession(null); setSheet(0); setHeaderRow(0); setColumns(null); setMapping([]); setDateOrders({}); setReadRows(null)
    setOptions({}); setPeople({}); setMode('create'); setKeyField(null); setOnError('abort'); setDuplicates('import'); setRules(false); setPreview(null); setStatus(null); setUndone(false)
  }
  useEffect(() => () => { if (poll.current) window.clearInterval(poll.current) }, [])

  const close = () => {
    if (status?.phase === 'writing') return
    if (session) void api.transfer['import.close']({ session: session.session }).catch(() => undefined)
    if (poll.current) window.clearInterval(poll.current)
    reset()
    onClose()
  }


  // ---------- step 1: file ----------
  const onDrop = (files: File[]) => attempt(async () => {
    const file = files[0]
    if (!file) return
    if (session) await api.transfer['import.close']({ session: session.session }).catch(() => undefined)
    setFileName(file.name)
    setReadRows(0)
    let timer: number | null = null
    let opened: Opened
    try {
      const { session: id } = await api.transfer['import.open']({ form: form.id, name: file.name, data: await readBase64(file) })
      // A big file takes a few seconds to read: show the rows read so far.
      timer = window.setInterval(() => {
        void api.transfer['import.status']({ session: id }).then((st) => setReadRows(st.done)).catch(() => undefined)
      }, 400)
      opened = { session: id, sheets: await api.transfer['import.sheets']({ session: id }) }
    } finally {
      // Whatever happened, the drop zone takes the next file (it stayed on "reading" before).
      if (timer !== null) window.clearInterval(timer)
      setReadRows(null)
    }
    setSession(opened)
    const first = Math.max(0, opened.sheets.findIndex((s) => s.rows > 0))
    setSheet(first)
    setHeaderRow(opened.sheets[first]?.headerRow ?? 0)
    setStep(1)
  })

  // ---------- step 2 → 3: header chosen, load columns ----------
  const loadColumns = () => attempt(async () => {
    const cols = await api.transfer['import.columns']({ session: session!.session, sheet, headerRow })
    setColumns(cols)
    setMapping(cols.columns.map((c) => c.target))
    setDateOrders(Object.fromEntries(cols.columns.flatMap((c) => (c.dateOrder?.order ? [[c.column, c.dateOrder.order]] : []))))
    setKeyField(cols.titleField)
    // A file of the same shape as last time: the settings chosen then.
    const kept = cols.remembered.settings
    if (kept) {
      setMode(kept.mode); setOnError(kept.onError); setDuplicates(kept.duplicates); setRules(kept.rules)
      if (kept.keyField) setKeyField(kept.keyField)
    }
    setStep(2)
  })

  const settings = (): ImportSettingsInput => ({
    sheet, headerRow,
    columns: mapping.map((target, column) => ({ column, target, ...(dateOrders[column] ? { dateOrder: dateOrders[column] } : {}) })),
    options, people, mode, keyField: mode === 'create' ? undefined : (keyField ?? undefined), onError, duplicates, rules
  })

  const runPreview = (next: number) => attempt(async () => {
    const result = await api.transfer['import.preview']({ session: session!.session, settings: settings() })
    setPreview(result)
    if (result.unknownPeople.length && !colleagues.length) setColleagues((await api.users.list({})).filter((u) => u.active))
    // Values met before: the option chosen then is chosen again (shown, and changeable).
    const remembered = columns?.remembered.options ?? {}
    const known = result.unknownOptions.filter((u) => remembered[u.field]?.[u.value] && !options[u.field]?.[u.value])
    if (known.length) {
      setOptions((o) => {
        const next = { ...o }
        for (const u of known) next[u.field] = { ...(next[u.field] ?? {}), [u.value]: remembered[u.field]![u.value]! }
        return next
      })
    }
    setStep(next)
  })

  const start = () => attempt(async () => {
    const s = await api.transfer['import.run']({ session: session!.session, settings: settings() })
    setStatus(s)
    setStep(5)
    poll.current = window.setInterval(() => {
      void api.transfer['import.status']({ session: s.session }).then((st) => {
        setStatus(st)
        if (st.phase !== 'writing' && st.phase !== 'undoing') {
          if (poll.current) window.clearInterval(poll.current)
          poll.current = null
          if (st.phase === 'done') onImported()
        }
      }).catch((e: unknown) => setError(errorMessage(e)))
    }, 400)
  })

  const cancel = () => attempt(async () => { setStatus(await api.transfer['import.cancel']({ session: session!.session })) })
  const report = () => attempt(async () => {
    const file = await api.transfer['import.errorReport']({ session: session!.session })
    downloadBase64(file.name, file.data)
  })
  const undo = () => attempt(async () => {
    await api.transfer['import.undo']({ batchId: status!.batchId! })
    setUndone(true)
    onImported()
  })
  const template = () => attempt(async () => {
    const file = await api.transfer.template({ form: form.id })
    downloadBase64(file.name, file.data)
  })

  const fieldsByKey = useMemo(() => new Map((columns?.fields ?? []).map((f) => [f.apiKey, f])), [columns])
  const mappedKeys = mapping.flatMap((m) => (m.action === 'field' ? [m.field] : []))
  const keyChoices = (columns?.fields ?? []).filter((f) => mappedKeys.includes(f.apiKey) && ['text', 'phone', 'email', 'autonumber', 'url'].includes(f.type))
  const writing = status?.phase === 'writing' || status?.phase === 'undoing'

  return (
    <Modal opened={opened} onClose={close} size="min(1180px, 96vw)" title={<Text fw={700} size="lg">{t('transfer.ui.title', { form: form.label })}</Text>} closeOnClickOutside={false} data-testid="import-wizard">
      <Stack gap="md">
        <Stepper active={step === 5 && status?.phase === 'done' ? 6 : step} size="sm" allowNextStepsSelect={false} onStepClick={(s) => { if (!writing && s < step && step < 5) setStep(s) }}>
          <Stepper.Step label={t('transfer.ui.step.file')} />
          <Stepper.Step label={t('transfer.ui.step.header')} />
          <Stepper.Step label={t('transfer.ui.step.mapping')} />
          <Stepper.Step label={t('transfer.ui.step.values')} />
          <Stepper.Step label={t('transfer.ui.step.preview')} />
          <Stepper.Step label={t('transfer.ui.step.run')} />
        </Stepper>

        {error && <Alert color="red" icon={<IconAlertTriangle size={18} />} data-testid="import-error">{error}</Alert>}

        {step === 0 && (
          <Stack gap="sm">
            <Dropzone onDrop={(files) => void onDrop(files)} onReject={() => setError(t('transfer.ui.fileRejected'))} maxSize={MAX_IMPORT_FILE} multiple={false} loading={busy && readRows === null} disabled={readRows !== null} accept={SHEET_ACCEPT} data-testid="import-dropzone">
              <Group justify="center" gap="lg" mih={160} style={{ pointerEvents: 'none' }}>
                <ThemeIcon size={56} radius="md" variant="light" color="teal"><IconUpload size={30} /></ThemeIcon>
                <Box>
                  <Text fw={600} size="lg">{t('transfer.ui.dropTitle')}</Text>
                  <Text size="sm" c="dimmed">{readRows !== null ? t('transfer.ui.reading', { file: fileName, count: readRows }) : t('transfer.ui.dropBody')}</Text>
                </Box>
              </Group>
            </Dropzone>
            <Group gap={6}>
              <IconFileSpreadsheet size={16} color="var(--mantine-color-teal-6)" />
              <Text size="sm" c="dimmed">{t('transfer.ui.templateHint')}</Text>
              <Anchor size="sm" component="button" onClick={() => void template()} data-testid="import-template">{t('transfer.ui.templateDownload')}</Anchor>
            </Group>
          </Stack>
        )}

        {step === 1 && session && (
          <Stack gap="sm">
            <Group gap="md" align="flex-end">
              {session.sheets.length > 1 && (
                <Select label={t('transfer.ui.sheet')} data={session.sheets.map((s, i) => ({ value: String(i), label: `${s.name}（${t('transfer.ui.rows', { count: s.rows })}）` }))} value={String(sheet)}
                  onChange={(v) => { const i = Number(v ?? 0); setSheet(i); setHeaderRow(session.sheets[i]?.headerRow ?? 0) }} w={280} allowDeselect={false} />
              )}
              <Text size="sm" c="dimmed">{t('transfer.ui.headerHint', { file: fileName })}</Text>
            </Group>
            <Paper withBorder radius="md">
              <ScrollArea.Autosize mah={380} type="auto">
                <Table striped={false} highlightOnHover withColumnBorders fz="sm" data-testid="header-preview">
                  <Table.Tbody>
                    {session.sheets[sheet]?.preview.map((row, i) => (
                      <Table.Tr key={i} onClick={() => setHeaderRow(i)} style={{ cursor: 'pointer', background: i === headerRow ? 'var(--mantine-color-blue-light)' : i < headerRow ? 'var(--mantine-color-gray-light)' : undefined }}>
                        <Table.Td w={120} style={{ whiteSpace: 'nowrap' }}>
                          <Radio size="xs" checked={i === headerRow} onChange={() => setHeaderRow(i)} label={t('transfer.ui.line', { line: session.sheets[sheet]!.lines[i] })} aria-label={t('transfer.ui.useAsHeader')} />
                        </Table.Td>
                        {row.slice(0, 12).map((cell, c) => (
                          <Table.Td key={c} fw={i === headerRow ? 700 : undefined} c={i < headerRow ? 'dimmed' : undefined} style={{ maxWidth: 180, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{cell}</Table.Td>
                        ))}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea.Autosize>
            </Paper>
            <Group justify="space-between">
              <Text size="sm">{t('transfer.ui.headerChosen', { line: session.sheets[sheet]?.lines[headerRow] ?? 1, count: Math.max(0, (session.sheets[sheet]?.rows ?? 0) + (session.sheets[sheet]?.headerRow ?? 0) - headerRow) })}</Text>
              <Group gap="sm">
                <Button variant="default" onClick={() => setStep(0)}>{t('transfer.ui.back')}</Button>
                <Button onClick={() => void loadColumns()} loading={busy} data-testid="import-next">{t('transfer.ui.next')}</Button>
              </Group>
            </Group>
          </Stack>
        )}

        {step === 2 && columns && (
          <Stack gap="sm">
            <Text size="sm" c="dimmed">{t('transfer.ui.mappingHint')}</Text>
            <Paper withBorder radius="md">
              <ScrollArea.Autosize mah={440} type="auto">
                <Table verticalSpacing={6} fz="sm" data-testid="mapping-table">
                  <Table.Thead style={{ position: 'sticky', top: 0, background: 'var(--mantine-color-body)', zIndex: 1 }}>
                    <Table.Tr>
                      <Table.Th w={200}>{t('transfer.ui.column')}</Table.Th>
                      <Table.Th>{t('transfer.ui.samples')}</Table.Th>
                      <Table.Th w={260}>{t('transfer.ui.target')}</Table.Th>
                      <Table.Th w={200}>{t('transfer.ui.matchBy')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {columns.columns.map((c) => {
                      const target = mapping[c.column]!
                      const field = target.action === 'field' ? fieldsByKey.get(target.field) : undefined
                      const taken = new Set(mapping.flatMap((m, i) => (m.action === 'field' && i !== c.column ? [m.field] : [])))
                      const data = [
                        { group: t('transfer.ui.actions'), items: [{ value: SKIP, label: t('transfer.ui.skip') }, { value: NEW_FIELD, label: t('transfer.ui.newField', { type: t(`designer.type.${c.guessType}`) }) }] },
                        { group: t('transfer.ui.fields'), items: columns.fields.map((f) => ({ value: f.apiKey, label: f.label, disabled: taken.has(f.apiKey) })) }
                      ]
                      const value = target.action === 'field' ? target.field : target.action === 'new' ? NEW_FIELD : SKIP
                      return (
                        <Table.Tr key={c.column} data-testid={`mapping-row-${c.column}`}>
                          <Table.Td>
                            <Text fw={600} size="sm">{c.header}</Text>
                            {c.guess && target.action === 'field' && c.target.action === 'field' && c.target.field === target.field && (
                              <Tooltip label={t(`transfer.ui.guess.${c.guess.source}Hint`)} withArrow>
                                <Badge size="xs" radius="sm" variant="light" color={c.guess.source === 'fuzzy' ? 'orange' : c.guess.source === 'remembered' ? 'grape' : 'gray'} tt="none" data-testid={`guess-${c.column}`}>
                                  {t(`transfer.ui.guess.${c.guess.source}`, { percent: Math.round(c.guess.confidence * 100) })}
                                </Badge>
                              </Tooltip>
                            )}
                          </Table.Td>
                          <Table.Td><Text size="xs" c="dimmed" lineClamp={1}>{c.samples.join(t('common.listSeparator')) || '—'}</Text></Table.Td>
                          <Table.Td>
                            <Select size="xs" data={data} value={value} allowDeselect={false} searchable aria-label={t('transfer.ui.targetOf', { column: c.header })}
                              leftSection={value === SKIP ? undefined : <IconCheck size={14} color="var(--mantine-color-teal-6)" />}
                              onChange={(v) => setMapping((list) => list.map((m, i) => (i !== c.column ? m : v === SKIP || !v ? { action: 'skip' } : v === NEW_FIELD ? { action: 'new', label: c.header, type: c.guessType as FieldType, config: c.guessConfig } : { action: 'field', field: v })))} />
                          </Table.Td>
                          <Table.Td>
                            {field?.type === 'relation' && field.keys && (
                              <Select size="xs" aria-label={t('transfer.ui.matchBy')} data={field.keys.map((k) => ({ value: k.apiKey, label: t('transfer.ui.byField', { form: field.targetForm ?? '', field: k.label }) }))}
                                value={target.action === 'field' ? (target.key ?? field.keys[0]?.apiKey ?? null) : null} allowDeselect={false}
                                onChange={(v) => setMapping((list) => list.map((m, i) => (i === c.column && m.action === 'field' ? { ...m, key: v ?? undefined } : m)))} />
                            )}
                            {field?.type === 'member' && (
                              <SegmentedControl size="xs" data={[{ value: 'name', label: t('transfer.ui.byName') }, { value: 'phone', label: t('transfer.ui.byPhone') }]}
                                value={target.action === 'field' && target.key === 'phone' ? 'phone' : 'name'}
                                onChange={(v) => setMapping((list) => list.map((m, i) => (i === c.column && m.action === 'field' ? { ...m, key: v } : m)))} />
                            )}
                            {c.dateOrder && ((target.action === 'field' && (field?.type === 'date' || field?.type === 'datetime')) || (target.action === 'new' && (target.type === 'date' || target.type === 'datetime'))) && (
                              <Select size="xs" mb={4} aria-label={t('transfer.ui.dateOrderOf', { column: c.header })} data-testid={`date-order-${c.column}`}
                                placeholder={t('transfer.ui.dateOrderChoose')} error={dateOrders[c.column] ? undefined : t('transfer.ui.dateOrderAmbiguous')}
                                data={DATE_ORDERS.map((o) => ({ value: o, label: t(`transfer.ui.dateOrder.${o}`) + (c.dateOrder!.candidates.includes(o) ? '' : t('transfer.ui.dateOrderMisfit')) }))}
                                value={dateOrders[c.column] ?? null} allowDeselect={false}
                                onChange={(v) => setDateOrders((d) => ({ ...d, ...(v ? { [c.column]: v as DateOrder } : {}) }))} />
                            )}
                            {target.action === 'new' && <Badge variant="light" color="teal" radius="sm">{t('transfer.ui.willCreate', { type: t(`designer.type.${target.type}`) })}</Badge>}
                            {field && field.type !== 'relation' && field.type !== 'member' && <Badge variant="default" radius="sm" fw={500} tt="none">{t(`designer.type.${field.type}`)}</Badge>}
                          </Table.Td>
                        </Table.Tr>
                      )
                    })}
                  </Table.Tbody>
                </Table>
              </ScrollArea.Autosize>
            </Paper>
            <Group justify="space-between">
              <Text size="sm">{t('transfer.ui.mappedCount', { mapped: mapping.filter((m) => m.action !== 'skip').length, total: mapping.length })}</Text>
              <Group gap="sm">
                <Button variant="default" onClick={() => setStep(1)}>{t('transfer.ui.back')}</Button>
                <Button onClick={() => void runPreview(3)} loading={busy} disabled={!mapping.some((m) => m.action !== 'skip')} data-testid="import-next">{t('transfer.ui.next')}</Button>
              </Group>
            </Group>
          </Stack>
        )}

        {step === 3 && preview && columns && (
          <Stack gap="md">
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
              <Paper withBorder radius="md" p="md">
                <Stack gap="sm">
                  <Text fw={600}>{t('transfer.ui.mode')}</Text>
                  <SegmentedControl data={[{ value: 'create', label: t('transfer.ui.modeCreate') }, { value: 'update', label: t('transfer.ui.modeUpdate') }, { value: 'upsert', label: t('transfer.ui.modeUpsert') }]} value={mode} onChange={(v) => setMode(v as typeof mode)} />
                  {mode !== 'create' && (
                    <Select label={t('transfer.ui.keyField')} data={keyChoices.map((f) => ({ value: f.apiKey, label: f.label }))} value={keyField} onChange={setKeyField} allowDeselect={false} description={t('transfer.ui.keyFieldHint')} />
                  )}
                  <Radio.Group label={t('transfer.ui.onError')} value={onError} onChange={(v) => setOnError(v as typeof onError)}>
                    <Stack gap={6} mt={6}>
                      <Radio value="abort" label={t('transfer.ui.onErrorAbort')} />
                      <Radio value="skip" label={t('transfer.ui.onErrorSkip')} data-testid="on-error-skip" />
                    </Stack>
                  </Radio.Group>
                  <Switch checked={rules} onChange={(e) => setRules(e.currentTarget.checked)} label={t('transfer.ui.rules')} description={t('transfer.ui.rulesHint')} />
                </Stack>
              </Paper>
              <Paper withBorder radius="md" p="md">
                <Stack gap="sm">
                  <Group justify="space-between">
                    <Text fw={600}>{t('transfer.ui.duplicates')}</Text>
                    <Badge variant="light" color={preview.duplicateCount ? 'orange' : 'gray'} radius="sm">{t('transfer.ui.duplicateCount', { count: preview.duplicateCount })}</Badge>
                  </Group>
                  {preview.duplicateCount > 0 ? (
                    <>
                      <ScrollArea.Autosize mah={130}>
                        <Stack gap={2}>
                          {preview.duplicates.slice(0, 50).map((d) => (
                            <Text key={d.line} size="sm">{t('transfer.ui.line', { line: d.line })}「{d.value}」— {d.firstLine ? t('transfer.duplicate.inFile', { line: d.firstLine }) : t('transfer.duplicate.existing', { id: d.recordId })}</Text>
                          ))}
                        </Stack>
                      </ScrollArea.Autosize>
                      <SegmentedControl size="xs" data={[{ value: 'import', label: t('transfer.ui.duplicatesImport') }, { value: 'skip', label: t('transfer.ui.duplicatesSkip') }]} value={duplicates} onChange={(v) => setDuplicates(v as typeof duplicates)} />
                    </>
                  ) : <Text size="sm" c="dimmed">{t('transfer.ui.noDuplicates')}</Text>}
                </Stack>
              </Paper>
            </SimpleGrid>
            <Paper withBorder radius="md" p="md">
              <Stack gap="sm">
                <Group justify="space-between">
                  <Group gap="xs">
                    <Text fw={600}>{t('transfer.ui.unknownOptions')}</Text>
                    <Badge variant="light" color={preview.unknownOptions.length ? 'orange' : 'gray'} radius="sm">{t('transfer.ui.unknownCount', { count: preview.unknownOptions.length })}</Badge>
                  </Group>
                  {preview.unknownOptions.length > 1 && (
                    <Button size="xs" variant="light" data-testid="options-add-all"
                      onClick={() => setOptions((o) => {
                        const next = { ...o }
                        for (const u of preview.unknownOptions) next[u.field] = { ...(next[u.field] ?? {}), [u.value]: NEW_OPTION }
                        return next
                      })}>{t('transfer.ui.optionAddAll')}</Button>
                  )}
                </Group>
                {preview.unknownOptions.length === 0 ? <Text size="sm" c="dimmed">{t('transfer.ui.noUnknown')}</Text> : (
                  <ScrollArea.Autosize mah={240}>
                    <Table fz="sm" verticalSpacing={4} data-testid="unknown-options">
                      <Table.Tbody>
                        {preview.unknownOptions.map((u) => {
                          const field = fieldsByKey.get(u.field)
                          const choice = options[u.field]?.[u.value] ?? null
                          return (
                            <Table.Tr key={`${u.field}:${u.value}`}>
                              <Table.Td w={140}><Text size="sm" c="dimmed">{u.label}</Text></Table.Td>
                              <Table.Td><Text size="sm" fw={600}>「{u.value}」</Text></Table.Td>
                              <Table.Td w={120}><Text size="xs" c="dimmed">{t('transfer.ui.occurrences', { count: u.count })}</Text></Table.Td>
                              <Table.Td w={260}>
                                <Select size="xs" placeholder={t('transfer.ui.optionChoose')} aria-label={t('transfer.ui.optionFor', { value: u.value })}
                                  data={[{ value: NEW_OPTION, label: t('transfer.ui.optionAdd') }, ...(field?.options ?? []).map((o) => ({ value: o.id, label: t('transfer.ui.optionMap', { label: o.label }) }))]}
                                  value={choice} onChange={(v) => setOptions((o) => ({ ...o, [u.field]: { ...(o[u.field] ?? {}), ...(v ? { [u.value]: v } : {}) } }))} />
                              </Table.Td>
                            </Table.Tr>
                          )
                        })}
                      </Table.Tbody>
                    </Table>
                  </ScrollArea.Autosize>
                )}
              </Stack>
            </Paper>
            {preview.unknownPeople.length > 0 && (
              <Paper withBorder radius="md" p="md" data-testid="unknown-people">
                <Stack gap="sm">
                  <Group justify="space-between">
                    <Group gap="xs">
                      <Text fw={600}>{t('transfer.ui.unknownPeople')}</Text>
                      <Badge variant="light" color="orange" radius="sm">{t('transfer.ui.unknownCount', { count: preview.unknownPeople.length })}</Badge>
                    </Group>
                    {preview.unknownPeople.length > 1 && (
                      <Button size="xs" variant="light" data-testid="people-add-all"
                        onClick={() => setPeople((p) => ({ ...p, ...Object.fromEntries(preview.unknownPeople.map((u) => [u.value, NEW_OPTION] as const)) }))}>{t('transfer.ui.personAddAll')}</Button>
                    )}
                  </Group>
                  <Text size="sm" c="dimmed">{t('transfer.ui.unknownPeopleHint')}</Text>
                  <ScrollArea.Autosize mah={240}>
                    <Table fz="sm" verticalSpacing={4}>
                      <Table.Tbody>
                        {preview.unknownPeople.map((u) => {
                          const choice = people[u.value]
                          return (
                            <Table.Tr key={u.value}>
                              <Table.Td w={140}><Text size="sm" c="dimmed">{u.label}</Text></Table.Td>
                              <Table.Td><Text size="sm" fw={600}>「{u.value}」</Text></Table.Td>
                              <Table.Td w={120}><Text size="xs" c="dimmed">{t('transfer.ui.occurrences', { count: u.count })}</Text></Table.Td>
                              <Table.Td w={260}>
                                <Select size="xs" searchable placeholder={t('transfer.ui.optionChoose')} aria-label={t('transfer.ui.personFor', { value: u.value })}
                                  data={[{ value: NEW_OPTION, label: t('transfer.ui.personAdd') }, ...colleagues.map((c) => ({ value: String(c.id), label: t('transfer.ui.personMap', { name: c.name }) }))]}
                                  value={choice === undefined ? null : String(choice)}
                                  onChange={(v) => setPeople((p) => {
                                    const next = { ...p }
                                    if (!v) delete next[u.value]
                                    else next[u.value] = v === NEW_OPTION ? NEW_OPTION : Number(v)
                                    return next
                                  })} />
                              </Table.Td>
                            </Table.Tr>
                          )
                        })}
                      </Table.Tbody>
                    </Table>
                  </ScrollArea.Autosize>
                </Stack>
              </Paper>
            )}
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={() => setStep(2)}>{t('transfer.ui.back')}</Button>
              <Button onClick={() => void runPreview(4)} loading={busy} data-testid="import-next">{t('transfer.ui.check')}</Button>
            </Group>
          </Stack>
        )}

        {step === 4 && preview && columns && (
          <Stack gap="sm">
            <Group gap="sm">
              <Badge size="lg" variant="light" color="blue" radius="sm">{t('transfer.ui.total', { count: preview.total })}</Badge>
              <Badge size="lg" variant="light" color="teal" radius="sm" data-testid="preview-valid">{t('transfer.ui.valid', { count: preview.valid })}</Badge>
              <Badge size="lg" variant="light" color={preview.invalid ? 'red' : 'gray'} radius="sm" data-testid="preview-invalid">{t('transfer.ui.invalid', { count: preview.invalid })}</Badge>
              {mode !== 'create' && <Badge size="lg" variant="light" color="grape" radius="sm">{t('transfer.ui.matched', { count: preview.matched })}</Badge>}
              {preview.duplicateCount > 0 && <Badge size="lg" variant="light" color="orange" radius="sm">{t('transfer.ui.duplicateCount', { count: preview.duplicateCount })}</Badge>}
            </Group>
            {preview.dateOrders.some((d) => d.needsChoice) && (
              <Alert color="orange" icon={<IconAlertTriangle size={18} />} data-testid="preview-date-order">
                {t('transfer.error.dateOrder', { columns: preview.dateOrders.filter((d) => d.needsChoice).map((d) => d.header).join(t('common.listSeparator')) })}
              </Alert>
            )}
            {preview.missingRequired.length > 0 && <Alert color="orange" icon={<IconAlertTriangle size={18} />}>{t('transfer.error.missingRequired', { fields: preview.missingRequired.join(t('common.listSeparator')) })}</Alert>}
            <Paper withBorder radius="md">
              <ScrollArea.Autosize mah={420} type="auto">
                <Table withColumnBorders fz="sm" verticalSpacing={4} data-testid="preview-table">
                  <Table.Thead style={{ position: 'sticky', top: 0, background: 'var(--mantine-color-body)', zIndex: 1 }}>
                    <Table.Tr>
                      <Table.Th w={70}>{t('transfer.ui.row')}</Table.Th>
                      {columns.columns.filter((c) => mapping[c.column]!.action !== 'skip').map((c) => {
                        const m = mapping[c.column]!
                        const label = m.action === 'field' ? fieldsByKey.get(m.field)?.label : m.action === 'new' ? m.label : ''
                        return <Table.Th key={c.column} style={{ whiteSpace: 'nowrap' }}>{label}{label !== c.header && <Text span size="xs" c="dimmed" fw={400}>{t('transfer.ui.fromColumn', { column: c.header })}</Text>}</Table.Th>
                      })}
                      <Table.Th>{t('transfer.ui.issues')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {preview.rows.map((r) => {
                      const errorsByColumn = new Map(r.errors.map((e) => [e.column, e.message]))
                      return (
                        <Table.Tr key={r.line} style={r.errors.length ? { background: 'var(--mantine-color-red-light)' } : undefined}>
                          <Table.Td c="dimmed">{r.line}</Table.Td>
                          {columns.columns.filter((c) => mapping[c.column]!.action !== 'skip').map((c) => {
                            const message = errorsByColumn.get(c.column)
                            const raw = r.cells[c.column] ?? ''
                            const value = r.values[c.column] ?? ''
                            const converted = !message && value !== '' && value !== raw.trim()
                            const cell = (
                              <Box style={{ whiteSpace: 'nowrap', maxWidth: 220, overflow: 'hidden', textOverflow: 'ellipsis' }}>
                                <Text size="sm" c={message ? 'red' : undefined} fw={message ? 600 : undefined} span>{message ? raw || t('transfer.ui.empty') : value || raw}</Text>
                                {converted && <Text size="xs" c="dimmed">{t('transfer.ui.fromText', { raw })}</Text>}
                              </Box>
                            )
                            return <Table.Td key={c.column} style={message ? { outline: '2px solid var(--mantine-color-red-5)', outlineOffset: -2 } : undefined}>{message ? <Tooltip label={message} multiline w={280} withArrow>{cell}</Tooltip> : cell}</Table.Td>
                          })}
                          <Table.Td>
                            {r.errors.length > 0 ? <Text size="xs" c="red">{r.errors.map((e) => e.message).join('；')}</Text>
                              : r.duplicate ? <Text size="xs" c="orange">{r.duplicate}</Text>
                                : r.match ? <Text size="xs" c="grape">{t('transfer.ui.willUpdate', { id: r.match })}</Text>
                                  : <IconCircleCheck size={16} color="var(--mantine-color-teal-6)" />}
                          </Table.Td>
                        </Table.Tr>
                      )
                    })}
                  </Table.Tbody>
                </Table>
              </ScrollArea.Autosize>
            </Paper>
            {preview.total > preview.rows.length && <Text size="xs" c="dimmed">{t('transfer.ui.previewMore', { shown: preview.rows.length, total: preview.total })}</Text>}
            {preview.invalid > 0 && onError === 'abort' && <Alert color="orange" icon={<IconAlertTriangle size={18} />} data-testid="preview-blocked">{t('transfer.error.rowsInvalid', { count: preview.invalid })}</Alert>}
            <Group justify="space-between">
              <Group gap="sm">
                {preview.invalid > 0 && <Switch checked={onError === 'skip'} onChange={(e) => setOnError(e.currentTarget.checked ? 'skip' : 'abort')} label={t('transfer.ui.onErrorSkip')} data-testid="preview-skip" />}
              </Group>
              <Group gap="sm">
                <Button variant="default" onClick={() => setStep(3)}>{t('transfer.ui.back')}</Button>
                <Button onClick={() => void start()} loading={busy} disabled={preview.valid === 0 || (preview.invalid > 0 && onError === 'abort') || preview.dateOrders.some((d) => d.needsChoice)} leftSection={<IconUpload size={16} />} data-testid="import-start">
                  {t('transfer.ui.start', { count: preview.valid })}
                </Button>
              </Group>
            </Group>
          </Stack>
        )}

        {step === 5 && status && (
          <Stack gap="md" py="md" data-testid="import-result">
            {writing ? (
              <>
                <Text fw={600}>{status.phase === 'undoing' ? t('transfer.ui.undoing') : t('transfer.ui.writing', { done: status.done, total: status.total })}</Text>
                <Progress value={status.total ? (status.done / status.total) * 100 : 0} size="xl" radius="md" animated striped />
                <Group justify="flex-end"><Button color="red" variant="light" leftSection={<IconPlayerStop size={16} />} onClick={() => void cancel()} loading={busy} data-testid="import-cancel">{t('transfer.ui.cancel')}</Button></Group>
              </>
            ) : (
              <>
                <Alert color={status.phase === 'done' ? (undone ? 'gray' : 'teal') : status.phase === 'cancelled' ? 'gray' : 'red'} icon={status.phase === 'done' ? <IconCircleCheck size={20} /> : <IconAlertTriangle size={20} />}
                  title={undone ? t('transfer.ui.undone') : t(`transfer.ui.phase.${status.phase}`)} data-testid="import-outcome">
                  {status.phase === 'done' ? t('transfer.ui.summary', { created: status.created, updated: status.updated, failed: status.failed + status.skipped }) : status.message ?? ''}
                  {status.colleagues.length > 0 && <Text size="sm" mt={4} data-testid="colleagues-added">{t('transfer.ui.colleaguesAdded', { names: status.colleagues.join(t('common.listSeparator')) })}</Text>}
                </Alert>
                <Group justify="space-between">
                  <Group gap="sm">
                    {status.hasReport && <Button variant="light" leftSection={<IconDownload size={16} />} onClick={() => void report()} loading={busy} data-testid="import-report">{t('transfer.ui.report')}</Button>}
                    {status.phase === 'done' && status.batchId && !undone && (status.created + status.updated) > 0 && (
                      <Button variant="default" color="red" leftSection={<IconArrowBackUp size={16} />} onClick={() => void undo()} loading={busy} data-testid="import-undo">{t('transfer.ui.undo')}</Button>
                    )}
                  </Group>
                  <Group gap="sm">
                    {(status.phase === 'failed' || status.phase === 'cancelled') && (
                      <Button variant="light" onClick={() => { setStatus(null); setUndone(false); setStep(3) }} data-testid="import-retry">{t('transfer.ui.retry')}</Button>
                    )}
                    <Button variant="default" onClick={() => { if (session) void api.transfer['import.close']({ session: session.session }).catch(() => undefined); reset() }} data-testid="import-again">{t('transfer.ui.again')}</Button>
                    <Button onClick={close} data-testid="import-close">{t('transfer.ui.finish')}</Button>
                  </Group>
                </Group>
              </>
            )}
          </Stack>
        )}
      </Stack>
    </Modal>
  )
}
