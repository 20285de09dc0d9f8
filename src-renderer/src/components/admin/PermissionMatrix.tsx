import { Fragment, useCallback, useEffect, useMemo, useState } from 'react'
import {
  ActionIcon,
  Alert,
  Badge,
  Box,
  Button,
  Center,
  Checkbox,
  Group,
  Loader,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Tooltip
} from '@mantine/core'
import { IconAlertCircle, IconApps, IconChevronDown, IconChevronRight, IconDeviceFloppy } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { DATA_SCOPES, RECORD_ACTIONS, type FieldDto, type FormDto, type MethodOutput, type PermissionDto } from '@shared/api/contracts'
import { derivedHidden, type HiddenReason } from '@shared/computed-access'
import { api, errorMessage } from '../../api/client'
import { systemFields } from '../../fields/system'
import { notifyError, notifySuccess } from '../../lib/notify'
import type { Role } from '../../lib/org'
import { KeptConditions } from '../designer/KeptConditions'
import { FilterPanel } from '../records/FilterPanel'
import { toDraft, toPermission, type Draft } from './permission-draft'

type AppDto = MethodOutput<'apps.list'>[number]
type RecordAction = (typeof RECORD_ACTIONS)[number]
type DataScope = (typeof DATA_SCOPES)[number]
type FieldRule = 'editable' | 'readonly' | 'hidden'

/** Actions that only make sense on records one can see: ticking one ticks 查看, unticking 查看 unticks them. */
const NEEDS_VIEW: ReadonlySet<RecordAction> = new Set(['edit', 'delete', 'export', 'design', 'transfer'])

const NO_ACCESS: Omit<PermissionDto, 'formId'> = { actions: [], scope: 'own', scopeFilter: null, fieldRules: {} }

/**
 * The computed fields this role's drafts hide by the computed-field rule (the access layer's: a
 * formula or roll-up is shown only when everything it is computed from is), per form, with why.
 */
function roleDerived(forms: FormDto[], drafts: Map<number, Draft>): Map<number, Map<number, HiddenReason[]>> {
  const byId = new Map(forms.map((f) => [f.id, f]))
  const fieldForm = new Map(forms.flatMap((f) => f.fields.map((x) => [x.id, f.id] as const)))
  const input = {
    fields: (id: number) => byId.get(id)?.fields.filter((f) => f.deletedAt === null),
    hidden: (id: number) => new Set(Object.entries(drafts.get(id)?.fieldRules ?? {}).filter(([, r]) => r === 'hidden').map(([k]) => Number(k))),
    seesAll: (id: number) => {
      const d = drafts.get(id)
      return !!d && d.actions.includes('view') && d.scope === 'all'
    },
    formOfField: (fieldId: number) => fieldForm.get(fieldId)
  }
  return new Map(forms.map((f) => [f.id, derivedHidden(f.id, input)]))
}

const topFields = (form: FormDto): FieldDto[] => form.fields.filter((f) => f.deletedAt === null && f.parentFieldId === null).sort((a, b) => a.position - b.position)

const canonical = (p: Omit<PermissionDto, 'formId'>) =>
  JSON.stringify({ a: RECORD_ACTIONS.filter((x) => p.actions.includes(x)), s: p.scope, f: p.scope === 'custom' ? (p.scopeFilter ?? null) : null, r: Object.entries(p.fieldRules).sort(([a], [b]) => a.localeCompare(b)) })

/** What one role may do on every form, grouped by app; each form is saved on its own. */
export function PermissionMatrix({ role, apps, forms, onDirtyChange }: { role: Role; apps: AppDto[]; forms: FormDto[]; onDirtyChange(count: number): void }) {
  const { t } = useTranslation()
  const [saved, setSaved] = useState<Map<number, Omit<PermissionDto, 'formId'>> | null>(null)
  const [drafts, setDrafts] = useState<Map<number, Draft>>(new Map())
  const [failure, setFailure] = useState<string | null>(null)
  const [expanded, setExpanded] = useState<Set<number>>(new Set())
  const [saving, setSaving] = useState<Set<number>>(new Set())
  const [filterErrors, setFilterErrors] = useState<Map<number, string>>(new Map())

  // Custom conditions may use the form's fields and the system fields (负责人 是我, 创建时间 …).
  const filterFields = useMemo(
    () => new Map(forms.map((form) => [form.id, [...topFields(form), ...systemFields(form.id, t).filter((f) => f.apiKey !== 'id')]])),
    [forms, t]
  )
  const filterFieldsOf = (form: FormDto): FieldDto[] => filterFields.get(form.id) ?? []
  const derived = useMemo(() => roleDerived(forms, drafts), [forms, drafts])
  const formLabel = useCallback((id: number) => forms.find((f) => f.id === id)?.label ?? `#${id}`, [forms])

  const load = useCallback(async () => {
    try {
      const list = await api.permissions.get({ roleId: role.id })
      const map = new Map(list.map(({ formId, ...p }) => [formId, p]))
      setSaved(map)
      setDrafts(new Map(forms.map((f) => [f.id, toDraft(map.get(f.id) ?? NO_ACCESS, filterFields.get(f.id) ?? [])])))
      setFailure(null)
    } catch (error) {
      setFailure(errorMessage(error))
    }
  }, [role.id, forms, filterFields])

  useEffect(() => {
    void load()
  }, [load])

  const isDirty = (form: FormDto): boolean => {
    const draft = drafts.get(form.id)
    if (!draft || !saved) return false
    return canonical(toPermission(draft)) !== canonical(saved.get(form.id) ?? NO_ACCESS)
  }
  const dirtyForms = forms.filter(isDirty)
  const dirtyCount = dirtyForms.length
  useEffect(() => onDirtyChange(dirtyCount), [dirtyCount, onDirtyChange])

  const update = (formId: number, change: (d: Draft) => Draft) => {
    setDrafts((prev) => {
      const current = prev.get(formId)
      if (!current) return prev
      const next = new Map(prev)
      next.set(formId, change(current))
      return next
    })
    setFilterErrors((prev) => {
      if (!prev.has(formId)) return prev
      const next = new Map(prev)
      next.delete(formId)
      return next
    })
  }

  const toggleAction = (formId: number, action: RecordAction, on: boolean) =>
    update(formId, (d) => {
      let actions = new Set(d.actions)
      if (on) {
        actions.add(action)
        if (NEEDS_VIEW.has(action)) actions.add('view')
      } else {
        actions.delete(action)
        if (action === 'view') actions = new Set([...actions].filter((a) => !NEEDS_VIEW.has(a)))
      }
      return { ...d, actions: RECORD_ACTIONS.filter((a) => actions.has(a)) }
    })

  const save = async (form: FormDto): Promise<boolean> => {
    const draft = drafts.get(form.id)
    if (!draft) return false
    const permission = toPermission(draft)
    if (draft.scope === 'custom' && !permission.scopeFilter) {
      setFilterErrors((prev) => new Map(prev).set(form.id, t('perm.customNeedsCondition')))
      setExpanded((prev) => new Set(prev).add(form.id))
      return false
    }
    setSaving((prev) => new Set(prev).add(form.id))
    try {
      const { formId, ...result } = await api.permissions.set({ roleId: role.id, formId: form.id, ...permission })
      setSaved((prev) => new Map(prev).set(formId, result))
      setDrafts((prev) => new Map(prev).set(formId, toDraft(result, filterFieldsOf(form))))
      return true
    } catch (error) {
      notifyError(error, t('perm.saveFailed', { form: form.label }))
      return false
    } finally {
      setSaving((prev) => {
        const next = new Set(prev)
        next.delete(form.id)
        return next
      })
    }
  }

  const saveOne = async (form: FormDto) => {
    if (await save(form)) notifySuccess(t('perm.saved', { role: role.name, form: form.label }))
  }

  const saveAll = async () => {
    let ok = 0
    for (const form of dirtyForms) if (await save(form)) ok++
    if (ok > 0) notifySuccess(t('perm.savedMany', { count: ok }))
  }

  if (role.isAdmin) {
    return (
      <Alert color="grape" variant="light" title={t('perm.adminTitle')} data-testid="admin-role-notice">
        {t('perm.adminBody')}
      </Alert>
    )
  }
  if (failure) {
    return (
      <Alert color="red" icon={<IconAlertCircle size={18} />} title={t('perm.loadFailed')}>
        {failure}
      </Alert>
    )
  }
  if (!saved) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    )
  }
  if (forms.length === 0) {
    return (
      <Text size="sm" c="dimmed" py="md">
        {t('perm.noForms')}
      </Text>
    )
  }

  const groups = [...apps]
    .sort((a, b) => a.position - b.position)
    .map((app) => ({ app, forms: forms.filter((f) => f.appId === app.id) }))
    .filter((g) => g.forms.length > 0)
  const scopeData = DATA_SCOPES.map((s) => ({ value: s, label: t(`perm.scope.${s}`) }))

  return (
    <Stack gap="md" data-testid="permission-matrix">
      <Group justify="space-between" gap="sm">
        <Text size="sm" c="dimmed">
          {t('perm.matrixHint')}
        </Text>
        <Button size="xs" leftSection={<IconDeviceFloppy size={14} />} disabled={dirtyCount === 0} onClick={() => void saveAll()}>
          {dirtyCount > 0 ? t('perm.saveAllCount', { count: dirtyCount }) : t('perm.allSaved')}
        </Button>
      </Group>
      {groups.map(({ app, forms: appForms }) => (
        <Paper key={app.id} withBorder radius="md" style={{ overflow: 'hidden' }}>
          <Group gap={8} px="md" py={10} bg="var(--jimu-surface-muted)" style={{ borderBottom: '1px solid var(--jimu-border)' }}>
            <IconApps size={16} stroke={1.6} color="var(--mantine-color-indigo-6)" />
            <Text fw={600} size="sm">
              {app.label}
            </Text>
          </Group>
          {/* Narrow enough to fit beside the role list at 1440 px; a smaller window scrolls it sideways. */}
          <Table.ScrollContainer minWidth={780} type="native">
            <Table verticalSpacing={8} horizontalSpacing={6} className="jimu-perm-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={130}>{t('perm.form')}</Table.Th>
                  {RECORD_ACTIONS.map((a) => (
                    <Table.Th key={a} ta="center" w={46} fz="xs">
                      {t(`perm.action.${a}`)}
                    </Table.Th>
                  ))}
                  <Table.Th w={132}>{t('perm.scope')}</Table.Th>
                  <Table.Th w={84}>{t('perm.fieldRules')}</Table.Th>
                  <Table.Th w={64} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {appForms.map((form) => {
                  const draft = drafts.get(form.id)
                  if (!draft) return null
                  const dirty = isDirty(form)
                  const open = expanded.has(form.id)
                  const fields = topFields(form)
                  const ruleCount = Object.keys(draft.fieldRules).filter((k) => fields.some((f) => String(f.id) === k)).length
                  const toggleOpen = () =>
                    setExpanded((prev) => {
                      const next = new Set(prev)
                      if (next.has(form.id)) next.delete(form.id)
                      else next.add(form.id)
                      return next
                    })
                  return (
                    <Fragment key={form.id}>
                      <Table.Tr data-testid={`perm-row-${form.id}`} bg={dirty ? 'var(--mantine-color-yellow-0)' : undefined}>
                        <Table.Td>
                          <Group gap={6} wrap="nowrap">
                            <ActionIcon variant="subtle" color="gray" size="sm" onClick={toggleOpen} aria-label={t('perm.details', { form: form.label })} aria-expanded={open}>
                              {open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
                            </ActionIcon>
                            <Text size="sm" fw={500}>
                              {form.label}
                            </Text>
                            {dirty && (
                              <Badge size="xs" color="yellow" variant="light" radius="sm">
                                {t('perm.unsaved')}
                              </Badge>
                            )}
                          </Group>
                        </Table.Td>
                        {RECORD_ACTIONS.map((a) => (
                          <Table.Td key={a} ta="center">
                            <Center>
                              <Checkbox
                                aria-label={t('perm.actionOf', { form: form.label, action: t(`perm.action.${a}`) })}
                                checked={draft.actions.includes(a)}
                                onChange={(e) => toggleAction(form.id, a, e.currentTarget.checked)}
                              />
                            </Center>
                          </Table.Td>
                        ))}
                        <Table.Td>
                          <Select
                            size="xs"
                            aria-label={t('perm.scopeOf', { form: form.label })}
                            data={scopeData}
                            value={draft.scope}
                            allowDeselect={false}
                            disabled={draft.actions.length === 0}
                            onChange={(v) => {
                              if (!v) return
                              update(form.id, (d) => ({ ...d, scope: v as DataScope }))
                              if (v === 'custom') setExpanded((prev) => new Set(prev).add(form.id))
                            }}
                            comboboxProps={{ withinPortal: true }}
                          />
                        </Table.Td>
                        <Table.Td>
                          <Button variant="subtle" size="compact-xs" color={ruleCount ? 'indigo' : 'gray'} onClick={toggleOpen}>
                            {ruleCount ? t('perm.fieldRulesCount', { count: ruleCount }) : t('perm.fieldRulesNone')}
                          </Button>
                        </Table.Td>
                        <Table.Td>
                          <Button size="xs" variant={dirty ? 'filled' : 'default'} disabled={!dirty} loading={saving.has(form.id)} onClick={() => void saveOne(form)} aria-label={t('perm.saveForm', { form: form.label })}>
                            {t('common.save')}
                          </Button>
                        </Table.Td>
                      </Table.Tr>
                      {open && (
                        <Table.Tr>
                          <Table.Td colSpan={RECORD_ACTIONS.length + 4} bg="var(--jimu-surface-muted)" p="md">
                            <FormDetails
                              form={form}
                              fields={fields}
                              filterFields={filterFieldsOf(form)}
                              draft={draft}
                              derived={derived.get(form.id)}
                              formLabel={formLabel}
                              filterError={filterErrors.get(form.id)}
                              onChange={(change) => update(form.id, change)}
                            />
                          </Table.Td>
                        </Table.Tr>
                      )}
                    </Fragment>
                  )
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      ))}
    </Stack>
  )
}

function FormDetails({
  form,
  fields,
  filterFields,
  draft,
  derived,
  formLabel,
  filterError,
  onChange
}: {
  form: FormDto
  fields: FieldDto[]
  filterFields: FieldDto[]
  draft: Draft
  /** Computed fields hidden because of what they are computed from (not editable to visible here). */
  derived?: ReadonlyMap<number, HiddenReason[]>
  formLabel(id: number): string
  filterError?: string
  onChange(change: (d: Draft) => Draft): void
}) {
  const { t } = useTranslation()
  const ruleOf = (f: FieldDto): FieldRule => (derived?.has(f.id) ? 'hidden' : (draft.fieldRules[String(f.id)] ?? 'editable'))
  const why = (reasons: HiddenReason[]) => {
    const labels = reasons.flatMap((r) => (r.kind === 'field' ? [r.label] : []))
    const records = reasons.flatMap((r) => (r.kind === 'records' ? [formLabel(r.formId)] : []))
    return [
      ...(labels.length ? [t('perm.derived.fields', { fields: labels.join(t('common.listSeparator')) })] : []),
      ...records.map((form) => t('perm.derived.records', { form }))
    ].join('；')
  }
  const setRule = (f: FieldDto, rule: FieldRule) =>
    onChange((d) => {
      const { [String(f.id)]: _old, ...rest } = d.fieldRules
      return { ...d, fieldRules: rule === 'editable' ? rest : { ...rest, [String(f.id)]: rule } }
    })
  const ruleData = [
    { value: 'editable', label: t('perm.rule.editable') },
    { value: 'readonly', label: t('perm.rule.readonly') },
    { value: 'hidden', label: t('perm.rule.hidden') }
  ]

  return (
    <Stack gap="md" data-testid={`perm-details-${form.id}`}>
      {draft.scope === 'custom' && (
        <Box>
          <Text size="sm" fw={600} mb={4}>
            {t('perm.customTitle')}
          </Text>
          <Text size="xs" c="dimmed" mb="xs">
            {t('perm.customHint')}
          </Text>
          <FilterPanel fields={filterFields} value={draft.filter.state} onChange={(state) => onChange((d) => ({ ...d, filter: { ...d.filter, state } }))} />
          <KeptConditions
            kept={draft.filter.kept}
            fields={filterFields}
            onRemove={(key) => onChange((d) => ({ ...d, filter: { ...d.filter, kept: d.filter.kept.filter((k) => k.key !== key) } }))}
          />
          {filterError && (
            <Text size="xs" c="red" mt={4}>
              {filterError}
            </Text>
          )}
        </Box>
      )}
      <Box>
        <Group gap="xs" mb={4}>
          <Text size="sm" fw={600}>
            {t('perm.fieldRules')}
          </Text>
          <Tooltip label={`${t('perm.fieldRulesHint')} ${t('perm.derived.hint')}`} multiline w={300} withArrow>
            <IconAlertCircle size={14} color="var(--mantine-color-gray-6)" />
          </Tooltip>
        </Group>
        {fields.length === 0 ? (
          <Text size="xs" c="dimmed">
            {t('records.noFields')}
          </Text>
        ) : (
          <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="xs" verticalSpacing={6}>
            {fields.map((f) => {
              const reasons = derived?.get(f.id)
              return (
                <Group key={f.id} justify="space-between" wrap="nowrap" gap="xs" px="sm" py={4} bg="var(--mantine-color-body)" style={{ border: '1px solid var(--jimu-border)', borderRadius: 'var(--mantine-radius-sm)' }}>
                  <Stack gap={0} style={{ minWidth: 0 }}>
                    <Text size="sm" truncate>
                      {f.label}
                    </Text>
                    {reasons && (
                      <Text size="xs" c="dimmed" data-testid={`perm-derived-${f.id}`}>
                        {why(reasons)}
                      </Text>
                    )}
                  </Stack>
                  <SegmentedControl
                    size="xs"
                    data={ruleData}
                    value={ruleOf(f)}
                    disabled={!!reasons}
                    onChange={(v) => setRule(f, v as FieldRule)}
                    aria-label={t('perm.ruleOf', { field: f.label })}
                    color={ruleOf(f) === 'hidden' ? 'red' : ruleOf(f) === 'readonly' ? 'orange' : undefined}
                  />
                </Group>
              )
            })}
          </SimpleGrid>
        )}
      </Box>
    </Stack>
  )
}
