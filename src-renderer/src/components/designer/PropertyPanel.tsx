import { useMemo, useState, type ReactNode } from 'react'
import {
  Alert,
  Badge,
  Box,
  Button,
  Code,
  Divider,
  Group,
  NumberInput,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  ThemeIcon,
  Title
} from '@mantine/core'
import { IconAlertTriangle, IconArrowDown, IconArrowUp, IconForms, IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import dayjs from 'dayjs'
import type { FieldDto, FormDto } from '@shared/api/contracts'
import { FIELD_TYPES, TEXT_LIMITS, type FieldType, type SelectOption } from '@shared/field-types'
import { FormFieldsContext } from '../../fields/context'
import { rendererOf } from '../../fields/registry'
import type { Action, Draft, DraftField, DraftSection, DraftTab } from './draft'
import { ConditionBuilder } from './ConditionBuilder'
import { useDerivedKey } from './derived-key'
import { CHILD_TYPES, TYPE_ICON, UNIQUE_TYPES, VALUE_DEFAULT_TYPES } from './field-meta'
import { FormulaEditor } from './FormulaEditor'
import { OptionsEditor } from './OptionsEditor'
import { previewField } from './preview-fields'
import type { Selection } from './Canvas'

// The right-hand pane: properties of the selected field, section or tab, or of the form itself.

interface Props {
  draft: Draft
  form: FormDto
  forms: FormDto[]
  selection: Selection
  dispatch(action: Action): void
  dtos: Map<string, FieldDto>
  allDtos: FieldDto[]
  onRemoveField(key: string): void
  onMerged(field: FieldDto): void
}

export function PropertyPanel(props: Props) {
  const { selection, draft } = props
  let body: ReactNode
  if (selection?.kind === 'field' && draft.fields[selection.key]) body = <FieldProperties {...props} field={draft.fields[selection.key]} />
  else if (selection?.kind === 'section') {
    const section = draft.tabs.flatMap((t) => t.sections).find((s) => s.id === selection.id)
    body = section ? <SectionProperties {...props} section={section} /> : <FormProperties {...props} />
  } else if (selection?.kind === 'tab') {
    const tab = draft.tabs.find((t) => t.id === selection.id)
    body = tab ? <TabProperties {...props} tab={tab} /> : <FormProperties {...props} />
  } else body = <FormProperties {...props} />
  return (
    <ScrollArea h="100%" type="auto" offsetScrollbars>
      <Box p="md" data-testid="designer-properties">
        {body}
      </Box>
    </ScrollArea>
  )
}

function Heading({ icon, title, sub }: { icon: ReactNode; title: string; sub?: string }) {
  return (
    <Group gap="sm" mb="md" wrap="nowrap">
      <ThemeIcon variant="light" color="indigo" size={34} radius="md">
        {icon}
      </ThemeIcon>
      <Box style={{ minWidth: 0 }}>
        <Title order={5} lineClamp={1}>
          {title}
        </Title>
        {sub && (
          <Text size="xs" c="dimmed">
            {sub}
          </Text>
        )}
      </Box>
    </Group>
  )
}

function Group2({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="xs">
      <Divider label={title} labelPosition="left" styles={{ label: { fontWeight: 600, fontSize: 12 } }} />
      {children}
    </Stack>
  )
}

/** Types whose value reads as a record's name. */
const TITLE_TYPES: ReadonlySet<FieldType> = new Set(['text', 'autonumber', 'phone', 'email', 'url', 'select', 'formula'])

function FormProperties({ draft, dispatch }: Props) {
  const { t } = useTranslation()
  return (
    <Stack gap="sm">
      <Heading icon={<IconForms size={18} />} title={t('designer.formProps')} sub={t('designer.formPropsHint')} />
      <TextInput label={t('designer.formLabel')} value={draft.label} onChange={(e) => dispatch({ type: 'setForm', patch: { label: e.currentTarget.value }, coalesce: 'form:label' })} data-testid="prop-form-label" />
      <Textarea label={t('designer.formDescription')} value={draft.description} autosize minRows={2} onChange={(e) => dispatch({ type: 'setForm', patch: { description: e.currentTarget.value }, coalesce: 'form:description' })} />
      <Select
        label={t('designer.titleField')}
        description={t('designer.titleFieldHint')}
        placeholder={t('designer.titleFieldAuto')}
        data={Object.values(draft.fields)
          .filter((f) => f.parentKey === null && TITLE_TYPES.has(f.type))
          .map((f) => ({ value: f.key, label: f.label || t(`designer.type.${f.type}`) }))}
        value={draft.titleKey}
        onChange={(key) => dispatch({ type: 'setForm', patch: { titleKey: key } })}
        clearable
        comboboxProps={{ withinPortal: true }}
        data-testid="prop-title-field"
      />
      <Text size="xs" c="dimmed">
        {t('designer.fieldCount', { count: Object.values(draft.fields).filter((f) => f.parentKey === null).length })}
      </Text>
    </Stack>
  )
}

function SectionProperties({ draft, dispatch, section }: Props & { section: DraftSection }) {
  const { t } = useTranslation()
  const total = draft.tabs.flatMap((x) => x.sections).length
  return (
    <Stack gap="sm">
      <Heading icon={<IconForms size={18} />} title={section.label || t('designer.untitledSection')} sub={t('designer.sectionProps')} />
      <TextInput
        label={t('designer.sectionLabel')}
        placeholder={t('designer.sectionLabelPlaceholder')}
        value={section.label ?? ''}
        onChange={(e) => dispatch({ type: 'updateSection', id: section.id, patch: { label: e.currentTarget.value || null }, coalesce: `section:${section.id}` })}
        data-testid="prop-section-label"
      />
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          {t('designer.columns')}
        </Text>
        <SegmentedControl
          value={String(section.columns)}
          onChange={(v) => dispatch({ type: 'updateSection', id: section.id, patch: { columns: Number(v) as 1 | 2 | 3 } })}
          data={[1, 2, 3].map((n) => ({ value: String(n), label: t('designer.columnsN', { count: n }) }))}
          data-testid="prop-section-columns"
        />
      </Stack>
      <Group gap="xs">
        <Button variant="default" size="xs" leftSection={<IconArrowUp size={14} />} onClick={() => dispatch({ type: 'moveSection', id: section.id, offset: -1 })}>
          {t('designer.moveUp')}
        </Button>
        <Button variant="default" size="xs" leftSection={<IconArrowDown size={14} />} onClick={() => dispatch({ type: 'moveSection', id: section.id, offset: 1 })}>
          {t('designer.moveDown')}
        </Button>
      </Group>
      <Button variant="light" color="red" leftSection={<IconTrash size={16} />} disabled={total <= 1} onClick={() => dispatch({ type: 'removeSection', id: section.id })} data-testid="prop-section-delete">
        {t('designer.deleteSection')}
      </Button>
      <Text size="xs" c="dimmed">
        {t('designer.deleteSectionHint')}
      </Text>
    </Stack>
  )
}

function TabProperties({ draft, dispatch, tab }: Props & { tab: DraftTab }) {
  const { t } = useTranslation()
  return (
    <Stack gap="sm">
      <Heading icon={<IconForms size={18} />} title={tab.label || t('designer.untitledTab')} sub={t('designer.tabProps')} />
      <TextInput label={t('designer.tabLabel')} value={tab.label} onChange={(e) => dispatch({ type: 'renameTab', id: tab.id, label: e.currentTarget.value, coalesce: `tab:${tab.id}` })} data-testid="prop-tab-label" />
      <Button variant="light" color="red" leftSection={<IconTrash size={16} />} disabled={draft.tabs.length <= 1} onClick={() => dispatch({ type: 'removeTab', id: tab.id })}>
        {t('designer.deleteTab')}
      </Button>
      <Text size="xs" c="dimmed">
        {t('designer.deleteTabHint')}
      </Text>
    </Stack>
  )
}

function FieldProperties(props: Props & { field: DraftField }) {
  const { t } = useTranslation()
  const { field, dispatch, draft, form } = props
  const Icon = TYPE_ICON[field.type]
  const saved = field.id === null ? null : (form.fields.find((f) => f.id === field.id) ?? null)
  const set = (patch: Partial<DraftField>, coalesce?: string) => dispatch({ type: 'updateField', key: field.key, patch, coalesce: coalesce ? `${field.key}:${coalesce}` : undefined })
  const setConfig = (patch: Record<string, unknown>, coalesce?: string) => set({ config: { ...field.config, ...patch } }, coalesce)
  const typeChoices = field.parentKey ? CHILD_TYPES : FIELD_TYPES.filter((x) => x !== 'subtable' || field.type === 'subtable')
  const conditionFields = useMemo(
    () => Object.values(draft.fields).filter((f) => f.parentKey === null && f.key !== field.key && f.type !== 'subtable').map((f) => props.dtos.get(f.key)).filter((d): d is FieldDto => !!d),
    [draft.fields, field.key, props.dtos]
  )
  const computed = field.type === 'formula' || field.type === 'autonumber' || field.type === 'rollup'
  const derivedKey = useDerivedKey(field.id === null ? field.label : '')

  return (
    <Stack gap="md" data-testid="field-properties">
      <Heading icon={<Icon size={18} />} title={field.label || t(`designer.type.${field.type}`)} sub={field.parentKey ? t('designer.childOf', { parent: draft.fields[field.parentKey]?.label ?? '' }) : t(`designer.type.${field.type}`)} />

      <Group2 title={t('designer.section.basic')}>
        <TextInput label={t('designer.prop.label')} value={field.label} onChange={(e) => set({ label: e.currentTarget.value }, 'label')} required data-testid="prop-label" />
        <Select
          label={t('designer.prop.type')}
          data={typeChoices.map((x) => ({ value: x, label: t(`designer.type.${x}`) }))}
          value={field.type}
          onChange={(v) => v && dispatch({ type: 'changeType', key: field.key, fieldType: v as FieldType })}
          allowDeselect={false}
          disabled={field.type === 'subtable' && field.id !== null}
          comboboxProps={{ withinPortal: true }}
          data-testid="prop-type"
        />
        {saved && saved.type !== field.type && (
          <Alert color="orange" icon={<IconAlertTriangle size={16} />} p="xs" data-testid="type-change-warning">
            <Text size="xs">{t('designer.typeChangeWarning', { from: t(`designer.type.${saved.type}`), to: t(`designer.type.${field.type}`) })}</Text>
          </Alert>
        )}
        <TextInput
          label={t('designer.prop.apiKey')}
          description={field.id === null ? t('designer.prop.apiKeyNew') : t('designer.prop.apiKeySaved')}
          placeholder={derivedKey ? t('designer.prop.apiKeyDerived', { key: derivedKey }) : t('designer.prop.apiKeyAuto')}
          value={field.apiKey}
          onChange={(e) => set({ apiKey: e.currentTarget.value.trim() }, 'apiKey')}
          error={field.apiKey && !/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(field.apiKey) ? t('designer.problem.apiKeyShort') : undefined}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          data-testid="prop-apikey"
        />
        <Textarea label={t('designer.prop.description')} placeholder={t('designer.prop.descriptionPlaceholder')} value={field.description} autosize minRows={1} onChange={(e) => set({ description: e.currentTarget.value }, 'description')} />
        {!computed && (
          <Switch label={t('designer.prop.required')} checked={field.required} onChange={(e) => set({ required: e.currentTarget.checked })} data-testid="prop-required" />
        )}
        {UNIQUE_TYPES.has(field.type) && field.parentKey === null && (
          <Switch label={t('designer.prop.unique')} description={t('designer.prop.uniqueHint')} checked={field.unique} onChange={(e) => set({ unique: e.currentTarget.checked })} />
        )}
        {!computed && field.parentKey === null && (
          <Switch
            label={t('designer.prop.systemOwned')}
            description={t('designer.prop.systemOwnedHint')}
            checked={field.config.systemOwned === true}
            onChange={(e) => setConfig({ systemOwned: e.currentTarget.checked || undefined })}
            data-testid="prop-system-owned"
          />
        )}
      </Group2>

      {field.parentKey === null && <Placement {...props} field={field} />}

      <TypeSettings {...props} setConfig={setConfig} set={set} />

      {!computed && field.type !== 'subtable' && field.type !== 'attachment' && <DefaultValue {...props} set={set} setConfig={setConfig} />}

      {field.parentKey === null && (
        <Group2 title={t('designer.section.rules')}>
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('designer.prop.visibleWhen')}
            </Text>
            <Text size="xs" c="dimmed">
              {t('designer.prop.visibleWhenHint')}
            </Text>
            <ConditionBuilder fields={conditionFields} value={field.visibleWhen} onChange={(v) => set({ visibleWhen: v })} testId="visible-when" />
          </Stack>
          {!computed && (
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                {t('designer.prop.requiredWhen')}
              </Text>
              <Text size="xs" c="dimmed">
                {t('designer.prop.requiredWhenHint')}
              </Text>
              <ConditionBuilder fields={conditionFields} value={field.requiredWhen} onChange={(v) => set({ requiredWhen: v })} testId="required-when" />
            </Stack>
          )}
          {!computed && (
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                {t('designer.prop.requiredOnEnter')}
              </Text>
              <Text size="xs" c="dimmed">
                {t('designer.prop.requiredOnEnterHint')}
              </Text>
              <ConditionBuilder fields={conditionFields} value={field.requiredOnEnter} onChange={(v) => set({ requiredOnEnter: v })} testId="required-on-enter" />
            </Stack>
          )}
        </Group2>
      )}

      <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={() => props.onRemoveField(field.key)} data-testid="prop-delete">
        {t('designer.deleteField')}
      </Button>
      {field.id !== null && (
        <Text size="xs" c="dimmed">
          {t('designer.deleteKeepsData')}
        </Text>
      )}
    </Stack>
  )
}

/** Where the field sits: any section of any tab (dragging moves it within the tab shown). */
function Placement({ field, draft, dispatch }: Props & { field: DraftField }) {
  const { t } = useTranslation()
  const sections = draft.tabs.flatMap((tab) => tab.sections.map((s, i) => ({ tab, section: s, index: i })))
  const current = sections.find((x) => x.section.fields.includes(field.key))
  if (sections.length < 2) return null
  return (
    <Select
      label={t('designer.prop.placement')}
      data={sections.map((x) => ({
        value: x.section.id,
        label: `${x.tab.label || t('designer.untitledTab')} · ${x.section.label || t('designer.sectionN', { n: x.index + 1 })}`
      }))}
      value={current?.section.id ?? null}
      onChange={(id) => {
        const target = sections.find((x) => x.section.id === id)
        if (target) dispatch({ type: 'moveField', key: field.key, sectionId: target.section.id, index: target.section.fields.filter((k) => k !== field.key).length })
      }}
      allowDeselect={false}
      comboboxProps={{ withinPortal: true }}
      data-testid="prop-placement"
    />
  )
}

type Setters = { setConfig(patch: Record<string, unknown>, coalesce?: string): void; set(patch: Partial<DraftField>, coalesce?: string): void }

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

function TypeSettings(props: Props & { field: DraftField } & Setters) {
  const { t } = useTranslation()
  const { field, setConfig, form, forms, draft } = props
  const c = field.config
  switch (field.type) {
    case 'text':
    case 'textarea': {
      const limits = TEXT_LIMITS[field.type]
      return (
        <Group2 title={t('designer.section.type')}>
          <NumberInput
            label={t('designer.prop.maxLength')}
            description={t('designer.prop.maxLengthHint', { default: limits.default, ceiling: limits.ceiling })}
            placeholder={String(limits.default)}
            min={1}
            max={limits.ceiling}
            allowDecimal={false}
            value={num(c.maxLength) ?? ''}
            onChange={(v) => setConfig({ maxLength: typeof v === 'number' ? v : undefined })}
            data-testid="prop-max-length"
          />
        </Group2>
      )
    }
    case 'number':
    case 'amount':
    case 'percent':
      return (
        <Group2 title={t('designer.section.type')}>
          <NumberInput label={t('designer.prop.precision')} description={t('designer.prop.precisionHint')} min={0} max={8} allowDecimal={false} value={num(c.precision) ?? 0} onChange={(v) => setConfig({ precision: typeof v === 'number' ? v : 0 })} data-testid="prop-precision" />
          {field.type === 'number' && (
            <>
              <TextInput label={t('designer.prop.unit')} placeholder={t('designer.prop.unitPlaceholder')} value={typeof c.unit === 'string' ? c.unit : ''} onChange={(e) => setConfig({ unit: e.currentTarget.value || undefined }, 'unit')} data-testid="prop-unit" />
              <Switch label={t('designer.prop.thousands')} checked={c.thousands !== false} onChange={(e) => setConfig({ thousands: e.currentTarget.checked })} />
            </>
          )}
          {field.type === 'amount' && (
            <Select
              label={t('designer.prop.currency')}
              data={['CNY', 'USD', 'EUR', 'HKD'].map((x) => ({ value: x, label: t(`designer.currency.${x}`) }))}
              value={typeof c.currency === 'string' ? c.currency : 'CNY'}
              onChange={(v) => v && setConfig({ currency: v })}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
            />
          )}
          <Group grow gap="xs">
            <NumberInput label={t('designer.prop.min')} value={num(c.min) ?? ''} onChange={(v) => setConfig({ min: typeof v === 'number' ? v : undefined })} />
            <NumberInput label={t('designer.prop.max')} value={num(c.max) ?? ''} onChange={(v) => setConfig({ max: typeof v === 'number' ? v : undefined })} />
          </Group>
        </Group2>
      )
    case 'select':
    case 'multiselect':
      return (
        <Group2 title={t('designer.section.options')}>
          <OptionsEditor field={field} form={form} onChange={(options: SelectOption[], coalesce) => setConfig({ options }, coalesce)} onMerged={props.onMerged} />
          {field.type === 'multiselect' && (
            <NumberInput label={t('designer.prop.maxSelected')} min={1} allowDecimal={false} value={num(c.maxSelected) ?? ''} onChange={(v) => setConfig({ maxSelected: typeof v === 'number' ? v : undefined })} />
          )}
        </Group2>
      )
    case 'relation':
      return (
        <Group2 title={t('designer.section.relation')}>
          <Select
            label={t('designer.prop.targetForm')}
            description={field.id !== null ? t('designer.prop.targetFormSaved') : undefined}
            data={forms.map((f) => ({ value: String(f.id), label: f.label }))}
            value={typeof c.targetFormId === 'number' ? String(c.targetFormId) : null}
            onChange={(v) => v && setConfig({ targetFormId: Number(v) })}
            disabled={field.id !== null}
            placeholder={t('designer.prop.targetFormPlaceholder')}
            comboboxProps={{ withinPortal: true }}
            allowDeselect={false}
            searchable
            data-testid="prop-target-form"
          />
          <SegmentedControl
            value={c.multiple === true ? 'multiple' : 'single'}
            onChange={(v) => setConfig({ multiple: v === 'multiple' })}
            data={[
              { value: 'single', label: t('designer.prop.single') },
              { value: 'multiple', label: t('designer.prop.multiple') }
            ]}
          />
        </Group2>
      )
    case 'rollup':
      return <RollupSettings {...props} />
    case 'formula':
      return (
        <Group2 title={t('designer.section.formula')}>
          <FormulaEditor field={field} draft={draft} form={form} value={typeof c.expression === 'string' ? c.expression : ''} onChange={(expression) => setConfig({ expression }, 'expression')} label={t('designer.prop.expression')} testId="formula-editor" />
          <NumberInput label={t('designer.prop.precision')} description={t('designer.prop.formulaPrecisionHint')} min={0} max={8} allowDecimal={false} value={num(c.precision) ?? ''} onChange={(v) => setConfig({ precision: typeof v === 'number' ? v : undefined })} />
        </Group2>
      )
    case 'autonumber':
      return <AutonumberSettings {...props} />
    case 'attachment':
      return (
        <Group2 title={t('designer.section.type')}>
          <NumberInput label={t('designer.prop.maxFiles')} min={1} max={100} allowDecimal={false} value={num(c.maxFiles) ?? ''} onChange={(v) => setConfig({ maxFiles: typeof v === 'number' ? v : undefined })} />
        </Group2>
      )
    case 'subtable':
      return (
        <Group2 title={t('designer.section.subtable')}>
          <Text size="xs" c="dimmed">
            {t('designer.subtableHint')}
          </Text>
          <Group gap={4}>
            {field.children.map((k) => (
              <Badge key={k} variant="light" color="gray" tt="none">
                {draft.fields[k]?.label}
              </Badge>
            ))}
          </Group>
        </Group2>
      )
    default:
      return null
  }
}

const ROLLUP_NUMERIC: ReadonlySet<FieldType> = new Set(['number', 'amount', 'percent', 'formula', 'rollup'])

function RollupSettings({ field, setConfig, form, forms }: Props & { field: DraftField } & Setters) {
  const { t } = useTranslation()
  const c = field.config
  // A roll-up sums the records of another form that link here through one of its relation fields.
  const sources = forms.flatMap((f) =>
    f.fields.filter((x) => x.type === 'relation' && x.deletedAt === null && x.parentFieldId === null && (x.config as { targetFormId?: number }).targetFormId === form.id).map((x) => ({ form: f, field: x }))
  )
  const source = sources.find((s) => s.field.id === c.relationFieldId)
  const targets = source ? source.form.fields.filter((x) => x.deletedAt === null && x.parentFieldId === null && ROLLUP_NUMERIC.has(x.type)) : []
  return (
    <Group2 title={t('designer.section.rollup')}>
      {sources.length === 0 ? (
        <Alert color="gray" p="xs">
          <Text size="xs">{t('designer.rollup.noSources', { form: form.label })}</Text>
        </Alert>
      ) : (
        <Select
          label={t('designer.rollup.relation')}
          description={t('designer.rollup.relationHint')}
          data={sources.map((s) => ({ value: String(s.field.id), label: `${s.form.label} · ${s.field.label}` }))}
          value={typeof c.relationFieldId === 'number' ? String(c.relationFieldId) : null}
          onChange={(v) => v && setConfig({ relationFieldId: Number(v), targetFieldId: undefined })}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
          data-testid="prop-rollup-relation"
        />
      )}
      <Select
        label={t('designer.rollup.aggregate')}
        data={(['count', 'sum', 'avg', 'min', 'max'] as const).map((a) => ({ value: a, label: t(`designer.rollup.agg.${a}`) }))}
        value={typeof c.aggregate === 'string' ? c.aggregate : 'count'}
        onChange={(v) => v && setConfig({ aggregate: v })}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
        data-testid="prop-rollup-aggregate"
      />
      {c.aggregate !== 'count' && (
        <Select
          label={t('designer.rollup.target')}
          data={targets.map((x) => ({ value: String(x.id), label: x.label }))}
          value={typeof c.targetFieldId === 'number' ? String(c.targetFieldId) : null}
          onChange={(v) => v && setConfig({ targetFieldId: Number(v) })}
          disabled={!source}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
          data-testid="prop-rollup-target"
        />
      )}
    </Group2>
  )
}

/** `HT-{YYYYMMDD}-{0000}` with counter 1 today → `HT-20261123-0001` (the server's format, for the preview). */
export function previewAutoNumber(pattern: string, n: number, now: number): string {
  const d = dayjs(now)
  return pattern.replace(/\{(YYYYMMDD|YYYYMM|YYYY|YY|MM|DD|0+)\}/g, (_, token: string) => (/^0+$/.test(token) ? String(n).padStart(token.length, '0') : d.format(token)))
}

function AutonumberSettings({ field, setConfig }: Props & { field: DraftField } & Setters) {
  const { t } = useTranslation()
  const pattern = typeof field.config.pattern === 'string' ? field.config.pattern : ''
  const tokens = ['{YYYY}', '{YYYYMM}', '{YYYYMMDD}', '{MM}', '{DD}', '{0000}']
  const [now] = useState(() => Date.now())
  return (
    <Group2 title={t('designer.section.autonumber')}>
      <TextInput label={t('designer.autonumber.pattern')} value={pattern} onChange={(e) => setConfig({ pattern: e.currentTarget.value }, 'pattern')} styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} data-testid="prop-pattern" />
      <Group gap={4}>
        {tokens.map((token) => (
          <Badge key={token} variant="default" tt="none" style={{ cursor: 'pointer' }} onClick={() => setConfig({ pattern: pattern + token })}>
            {token}
          </Badge>
        ))}
      </Group>
      <Text size="xs" c="dimmed">
        {t('designer.autonumber.tokens')}
      </Text>
      <Select
        label={t('designer.autonumber.reset')}
        data={(['never', 'daily', 'monthly', 'yearly'] as const).map((r) => ({ value: r, label: t(`designer.autonumber.reset.${r}`) }))}
        value={typeof field.config.reset === 'string' ? field.config.reset : 'never'}
        onChange={(v) => v && setConfig({ reset: v })}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
      />
      <Box>
        <Text size="xs" c="dimmed">
          {t('designer.autonumber.preview')}
        </Text>
        <Group gap={6}>
          <Code data-testid="autonumber-preview">{previewAutoNumber(pattern, 1, now)}</Code>
          <Code>{previewAutoNumber(pattern, 2, now)}</Code>
          <Text size="xs" c="dimmed">
            …
          </Text>
        </Group>
      </Box>
    </Group2>
  )
}

function DefaultValue({ field, draft, form, set }: Props & { field: DraftField } & Setters) {
  const { t } = useTranslation()
  const raw = field.defaultValue
  const isFormula = typeof raw === 'string' && raw.startsWith('=')
  const mode = raw === null || raw === undefined || raw === '' ? 'none' : isFormula ? 'formula' : 'value'
  const canValue = VALUE_DEFAULT_TYPES.has(field.type)
  const dto = useMemo(() => ({ ...previewField({ ...field, defaultValue: null, required: false, description: '' }, draft), label: t('designer.prop.defaultValue') }), [field, draft, t])
  const renderer = rendererOf(field.type)
  const Input = renderer.Input
  return (
    <Group2 title={t('designer.section.default')}>
      <SegmentedControl
        size="xs"
        value={mode}
        onChange={(v) => {
          if (v === 'none') set({ defaultValue: null })
          else if (v === 'formula') set({ defaultValue: '=' })
          else set({ defaultValue: renderer.toWrite(renderer.empty(dto), dto, { fields: [] }) ?? null })
        }}
        data={[
          { value: 'none', label: t('designer.default.none') },
          ...(canValue ? [{ value: 'value', label: t('designer.default.value') }] : []),
          { value: 'formula', label: t('designer.default.formula') }
        ]}
        data-testid="prop-default-mode"
      />
      {mode === 'value' && canValue && (
        <FormFieldsContext.Provider value={[]}>
          <Input field={dto} value={raw} onChange={(v) => set({ defaultValue: renderer.toWrite(v, dto, { fields: [] }) ?? null }, 'default')} />
        </FormFieldsContext.Provider>
      )}
      {mode === 'formula' && (
        <FormulaEditor
          field={field}
          draft={draft}
          form={form}
          value={typeof raw === 'string' ? raw.slice(1) : ''}
          onChange={(expression) => set({ defaultValue: `=${expression}` }, 'default')}
          label={t('designer.default.formulaLabel')}
          testId="default-formula"
        />
      )}
      {mode === 'formula' && (
        <Text size="xs" c="dimmed">
          {t('designer.default.formulaHint')}
        </Text>
      )}
    </Group2>
  )
}
