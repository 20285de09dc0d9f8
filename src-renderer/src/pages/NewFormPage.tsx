import { useEffect, useMemo, useState } from 'react'
import {
  Alert,
  Badge,
  Box,
  Button,
  Checkbox,
  Group,
  Paper,
  ScrollArea,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  ThemeIcon,
  Title,
  UnstyledButton
} from '@mantine/core'
import { Dropzone } from '@mantine/dropzone'
import {
  IconAlertTriangle,
  IconArrowLeft,
  IconBuilding,
  IconFileSpreadsheet,
  IconFileText,
  IconMessage,
  IconBox,
  IconSquarePlus,
  IconTarget,
  IconTemplate,
  IconUpload,
  IconUser,
  type Icon
} from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldInput, FormDto, MethodOutput } from '@shared/api/contracts'
import { FIELD_TYPES, type FieldType, type SelectOption } from '@shared/field-types'
import { FORM_TEMPLATES, instantiateTemplate, type FormTemplate } from '@shared/templates'
import { api, errorMessage } from '../api/client'
import { readBase64 } from '../lib/download'
import { defaultConfig } from '../components/designer/draft'
import { TYPE_ICON } from '../components/designer/field-meta'
import { currentLocale } from '../i18n'
import { notifyError, notifySuccess } from '../lib/notify'
import { navigate } from '../lib/route'
import { useLeaveGuard } from '../components/LeaveGuard'

// 新建表单: from scratch, from a template, or from the header row of an Excel / CSV file (its
// columns become fields, with types guessed by sheets.inspect and changeable before creation).
// The new form then opens in the designer.

type Mode = 'blank' | 'template' | 'sheet'
type Sheet = MethodOutput<'sheets.inspect'>[number]

interface Props {
  appId: number
  onCreated(): void
}

const TEMPLATE_ICON: Record<string, Icon> = { building: IconBuilding, user: IconUser, target: IconTarget, message: IconMessage, package: IconBox, contract: IconFileText }
/** Types a column may be given when a form is made from a file. */
const SHEET_TYPES: FieldType[] = FIELD_TYPES.filter((x) => !['subtable', 'relation', 'rollup', 'formula', 'autonumber'].includes(x))
const MAX_FILE = 50 * 1024 * 1024

export function NewFormPage({ appId, onCreated }: Props) {
  const { t } = useTranslation()
  const [mode, setMode] = useState<Mode>('blank')
  const [forms, setForms] = useState<FormDto[]>([])
  const [appLabel, setAppLabel] = useState('')

  useEffect(() => {
    Promise.all([api.forms.list(), api.apps.list()]).then(
      ([all, apps]) => {
        setForms(all)
        setAppLabel(apps.find((a) => a.id === appId)?.label ?? '')
      },
      (error: unknown) => notifyError(error)
    )
  }, [appId])

  const created = (form: FormDto) => {
    notifySuccess(t('designer.newForm.created', { form: form.label }))
    onCreated()
    navigate({ formId: form.id, recordId: null, design: true })
  }

  return (
    <Box maw={1080} mx="auto" data-testid="new-form">
      <Group mb="lg" gap="sm">
        <Button variant="subtle" color="gray" leftSection={<IconArrowLeft size={16} />} onClick={() => window.history.back()}>
          {t('designer.newForm.back')}
        </Button>
      </Group>
      <Title order={2}>{t('designer.newForm.title')}</Title>
      <Text c="dimmed" mt={4} mb="lg">
        {appLabel ? t('designer.newForm.subtitleApp', { app: appLabel }) : t('designer.newForm.subtitle')}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md" mb="xl">
        <ModeCard icon={IconSquarePlus} active={mode === 'blank'} title={t('designer.newForm.blank')} body={t('designer.newForm.blankBody')} onClick={() => setMode('blank')} testId="mode-blank" />
        <ModeCard icon={IconTemplate} active={mode === 'template'} title={t('designer.newForm.template')} body={t('designer.newForm.templateBody')} onClick={() => setMode('template')} testId="mode-template" />
        <ModeCard icon={IconFileSpreadsheet} active={mode === 'sheet'} title={t('designer.newForm.sheet')} body={t('designer.newForm.sheetBody')} onClick={() => setMode('sheet')} testId="mode-sheet" />
      </SimpleGrid>
      {mode === 'blank' && <BlankForm appId={appId} onCreated={created} />}
      {mode === 'template' && <FromTemplate appId={appId} forms={forms} onCreated={created} />}
      {mode === 'sheet' && <FromSheet appId={appId} onCreated={created} />}
    </Box>
  )
}

function ModeCard({ icon: ModeIcon, title, body, active, onClick, testId }: { icon: Icon; title: string; body: string; active: boolean; onClick(): void; testId: string }) {
  return (
    <UnstyledButton onClick={onClick} data-testid={testId}>
      <Paper withBorder radius="md" p="md" h="100%" style={{ borderColor: active ? 'var(--mantine-color-indigo-5)' : undefined, boxShadow: active ? '0 0 0 1px var(--mantine-color-indigo-5)' : undefined }}>
        <Group gap="sm" wrap="nowrap" align="flex-start">
          <ThemeIcon size={40} radius="md" variant={active ? 'filled' : 'light'} color="indigo">
            <ModeIcon size={22} />
          </ThemeIcon>
          <Box>
            <Text fw={600}>{title}</Text>
            <Text size="sm" c="dimmed">
              {body}
            </Text>
          </Box>
        </Group>
      </Paper>
    </UnstyledButton>
  )
}

function BlankForm({ appId, onCreated }: { appId: number; onCreated(form: FormDto): void }) {
  const { t } = useTranslation()
  const [label, setLabel] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const create = async () => {
    if (!label.trim()) return setError(t('designer.newForm.labelRequired'))
    setBusy(true)
    try {
      onCreated(await api.forms.create({ appId, label: label.trim(), fields: [] }))
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Paper withBorder radius="md" p="lg" maw={520}>
      <Stack gap="md">
        <TextInput
          label={t('designer.newForm.label')}
          placeholder={t('designer.newForm.labelPlaceholder')}
          value={label}
          onChange={(e) => {
            setLabel(e.currentTarget.value)
            setError(null)
          }}
          error={error}
          onKeyDown={(e) => e.key === 'Enter' && void create()}
          data-autofocus
          data-testid="new-form-label"
        />
        <Group justify="flex-end">
          <Button onClick={() => void create()} loading={busy} data-testid="new-form-create">
            {t('designer.newForm.createAndDesign')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  )
}

function FromTemplate({ appId, forms, onCreated }: { appId: number; forms: FormDto[]; onCreated(form: FormDto): void }) {
  const { t } = useTranslation()
  const locale = currentLocale() === 'en' ? 'en' : 'zh-CN'
  const [chosen, setChosen] = useState<FormTemplate | null>(null)
  const [label, setLabel] = useState('')
  const [busy, setBusy] = useState(false)
  // A relation in a template links to the app's form made from the template it names.
  const formFor = (key: string): number | null => {
    const target = FORM_TEMPLATES.find((x) => x.key === key)
    if (!target) return null
    const inApp = forms.filter((f) => f.appId === appId)
    return (inApp.find((f) => f.apiKey === target.apiKey) ?? inApp.find((f) => f.label === target.label[locale]))?.id ?? null
  }
  const instance = chosen ? instantiateTemplate(chosen, locale, formFor) : null
  const create = async () => {
    if (!chosen || !instance || !label.trim()) return
    setBusy(true)
    try {
      const apiKeyFree = !forms.some((f) => f.apiKey === chosen.apiKey)
      onCreated(await api.forms.create({ appId, label: label.trim(), ...(apiKeyFree ? { apiKey: chosen.apiKey } : {}), description: chosen.description[locale], fields: instance.fields }))
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="md">
        {FORM_TEMPLATES.map((template) => {
          const TIcon = TEMPLATE_ICON[template.icon] ?? IconTemplate
          const active = chosen?.key === template.key
          return (
            <UnstyledButton
              key={template.key}
              onClick={() => {
                setChosen(template)
                setLabel(template.label[locale])
              }}
              data-testid={`template-${template.key}`}
            >
              <Paper withBorder radius="md" p="md" h="100%" style={{ borderColor: active ? 'var(--mantine-color-indigo-5)' : undefined, boxShadow: active ? '0 0 0 1px var(--mantine-color-indigo-5)' : undefined }}>
                <Group gap="sm" mb="xs" wrap="nowrap">
                  <ThemeIcon variant="light" color="teal" size={32} radius="md">
                    <TIcon size={18} />
                  </ThemeIcon>
                  <Text fw={600}>{template.label[locale]}</Text>
                  <Badge variant="light" color="gray" ml="auto" tt="none">
                    {t('designer.newForm.fieldCount', { count: template.fields.length })}
                  </Badge>
                </Group>
                <Text size="sm" c="dimmed" mb="xs">
                  {template.description[locale]}
                </Text>
                <Group gap={4}>
                  {template.fields.slice(0, 6).map((f) => (
                    <Badge key={f.apiKey} variant="default" tt="none" fw={400} size="sm">
                      {f.label[locale]}
                    </Badge>
                  ))}
                  {template.fields.length > 6 && (
                    <Text size="xs" c="dimmed">
                      +{template.fields.length - 6}
                    </Text>
                  )}
                </Group>
              </Paper>
            </UnstyledButton>
          )
        })}
      </SimpleGrid>
      {chosen && instance && (
        <Paper withBorder radius="md" p="lg">
          <Stack gap="md">
            <TextInput label={t('designer.newForm.label')} value={label} onChange={(e) => setLabel(e.currentTarget.value)} maw={420} data-testid="template-form-label" />
            {instance.skipped.length > 0 && (
              <Alert color="orange" icon={<IconAlertTriangle size={18} />}>
                {t('designer.newForm.skippedRelations', { fields: instance.skipped.join(t('common.listSeparator')) })}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button onClick={() => void create()} loading={busy} disabled={!label.trim()} data-testid="template-create">
                {t('designer.newForm.createFromTemplate', { count: instance.fields.length })}
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}
    </Stack>
  )
}

interface ColumnChoice {
  include: boolean
  label: string
  type: FieldType
  guessed: FieldType
  guessedConfig: Record<string, unknown>
  samples: string[]
}

/** Options of a column made a select by hand: its distinct sample values. */
function optionsFrom(samples: string[]): SelectOption[] {
  const colors = ['blue', 'green', 'orange', 'violet', 'red', 'teal', 'pink', 'yellow'] as const
  return [...new Set(samples.map((s) => s.trim()).filter(Boolean))].slice(0, 50).map((label, i) => ({ id: `o${i + 1}`, label, color: colors[i % colors.length] }))
}

function FromSheet({ appId, onCreated }: { appId: number; onCreated(form: FormDto): void }) {
  const { t } = useTranslation()
  const [sheets, setSheets] = useState<Sheet[] | null>(null)
  const [sheetIndex, setSheetIndex] = useState(0)
  const [columns, setColumns] = useState<ColumnChoice[]>([])
  const [label, setLabel] = useState('')
  const [reading, setReading] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // Columns read from a file (and renamed or retyped here) are not dropped by a stray click elsewhere.
  const leaveGuard = useLeaveGuard(sheets !== null, { title: t('designer.newForm.leaveTitle'), message: t('designer.newForm.leaveBody') })

  const pickSheet = (list: Sheet[], index: number) => {
    setSheetIndex(index)
    setColumns(
      (list[index]?.columns ?? []).map((c) => ({ include: c.header.trim() !== '', label: c.header.trim(), type: c.type, guessed: c.type, guessedConfig: c.config, samples: c.samples }))
    )
  }

  const onDrop = async (files: File[]) => {
    const file = files[0]
    if (!file) return
    setReading(true)
    setError(null)
    try {
      const result = await api.sheets.inspect({ name: file.name, data: await readBase64(file) })
      if (result.length === 0 || result.every((s) => s.columns.length === 0)) {
        setError(t('designer.newForm.sheetEmpty'))
        setSheets(null)
        return
      }
      setSheets(result)
      pickSheet(result, Math.max(0, result.findIndex((s) => s.columns.length > 0)))
      setLabel(file.name.replace(/\.[^.]+$/, '').slice(0, 100))
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setReading(false)
    }
  }

  const fields: FieldInput[] = useMemo(
    () =>
      columns
        .filter((c) => c.include && c.label.trim())
        .map((c) => {
          const config = c.type === c.guessed ? c.guessedConfig : c.type === 'select' || c.type === 'multiselect' ? { options: optionsFrom(c.samples) } : defaultConfig(c.type)
          return { label: c.label.trim(), type: c.type, config }
        }),
    [columns]
  )
  const duplicates = useMemo(() => {
    const seen = new Set<string>()
    const dup = new Set<string>()
    for (const f of fields) (seen.has(f.label) ? dup : seen).add(f.label)
    return dup
  }, [fields])

  const create = async () => {
    if (!label.trim()) return setError(t('designer.newForm.labelRequired'))
    if (fields.length === 0) return setError(t('designer.newForm.noColumns'))
    if (duplicates.size) return setError(t('designer.newForm.duplicateColumns', { fields: [...duplicates].join(t('common.listSeparator')) }))
    setBusy(true)
    try {
      const form = await api.forms.create({ appId, label: label.trim(), fields })
      leaveGuard.release()
      onCreated(form)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  const update = (index: number, patch: Partial<ColumnChoice>) => setColumns((list) => list.map((c, i) => (i === index ? { ...c, ...patch } : c)))
  const sheet = sheets?.[sheetIndex]

  return (
    <Stack gap="md">
      <Dropzone
        onDrop={(files) => void onDrop(files)}
        onReject={() => setError(t('designer.newForm.fileRejected'))}
        maxSize={MAX_FILE}
        multiple={false}
        loading={reading}
        accept={{
          'text/csv': ['.csv'],
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['.xlsx'],
          'application/vnd.ms-excel': ['.csv']
        }}
        data-testid="sheet-dropzone"
      >
        <Group justify="center" gap="lg" mih={110} style={{ pointerEvents: 'none' }}>
          <ThemeIcon size={48} radius="md" variant="light" color="teal">
            <IconUpload size={26} />
          </ThemeIcon>
          <Box>
            <Text fw={600}>{t('designer.newForm.dropTitle')}</Text>
            <Text size="sm" c="dimmed">
              {t('designer.newForm.dropBody')}
            </Text>
          </Box>
        </Group>
      </Dropzone>
      {error && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} data-testid="sheet-error">
          {error}
        </Alert>
      )}
      {sheets && sheet && (
        <Paper withBorder radius="md" p="lg">
          <Stack gap="md">
            <Group gap="md" align="flex-end">
              <TextInput label={t('designer.newForm.label')} value={label} onChange={(e) => setLabel(e.currentTarget.value)} w={320} data-testid="sheet-form-label" />
              {sheets.length > 1 && (
                <SegmentedControl value={String(sheetIndex)} onChange={(v) => pickSheet(sheets, Number(v))} data={sheets.map((s, i) => ({ value: String(i), label: s.name }))} />
              )}
              <Text size="sm" c="dimmed">
                {t('designer.newForm.sheetStats', { columns: sheet.columns.length, rows: sheet.rows })}
              </Text>
            </Group>
            <Text size="sm" c="dimmed">
              {t('designer.newForm.columnsHint')}
            </Text>
            <ScrollArea>
              <Table verticalSpacing={6} striped withTableBorder data-testid="sheet-columns">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={40} />
                    <Table.Th>{t('designer.newForm.column')}</Table.Th>
                    <Table.Th w={200}>{t('designer.newForm.fieldType')}</Table.Th>
                    <Table.Th>{t('designer.newForm.samples')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {columns.map((c, i) => {
                    const TypeIcon = TYPE_ICON[c.type]
                    return (
                      <Table.Tr key={i} data-testid={`sheet-column-${i}`} style={{ opacity: c.include ? 1 : 0.5 }}>
                        <Table.Td>
                          <Checkbox checked={c.include} onChange={(e) => update(i, { include: e.currentTarget.checked })} aria-label={t('designer.newForm.include', { column: c.label })} />
                        </Table.Td>
                        <Table.Td>
                          <TextInput size="xs" value={c.label} onChange={(e) => update(i, { label: e.currentTarget.value })} aria-label={t('designer.newForm.column')} error={c.include && duplicates.has(c.label.trim()) ? true : undefined} />
                        </Table.Td>
                        <Table.Td>
                          <Select
                            size="xs"
                            data={SHEET_TYPES.map((x) => ({ value: x, label: t(`designer.type.${x}`) }))}
                            value={c.type}
                            onChange={(v) => v && update(i, { type: v as FieldType })}
                            leftSection={<TypeIcon size={14} />}
                            allowDeselect={false}
                            comboboxProps={{ withinPortal: true }}
                            aria-label={t('designer.newForm.fieldType')}
                          />
                        </Table.Td>
                        <Table.Td>
                          <Text size="xs" c="dimmed" lineClamp={1}>
                            {c.samples.slice(0, 3).join(' · ')}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    )
                  })}
                </Table.Tbody>
              </Table>
            </ScrollArea>
            <Group justify="flex-end">
              <Button onClick={() => void create()} loading={busy} data-testid="sheet-create">
                {t('designer.newForm.createFromSheet', { count: fields.length })}
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}
      {leaveGuard.dialog}
    </Stack>
  )
}
