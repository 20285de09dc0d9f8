import { ActionIcon, Button, Checkbox, Group, MultiSelect, NumberInput, PasswordInput, SegmentedControl, Select, Stack, TagsInput, Text, Textarea, TextInput, Tooltip } from '@mantine/core'
import { IconMathFunction, IconPlus, IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import type { FormDto } from '@shared/api/contracts'
import type { Assignment, Recipients, RuleAction } from '@shared/api/rules'
import { UserMultiSelect, UserSelect } from '../UserPicker'
import type { Department, Role, Colleague } from '../../lib/org'
import { isWritable, topFields } from './model'

export interface Org {
  users: Colleague[]
  roles: Role[]
  departments: Department[]
  flows: Array<{ id: number; name: string; formId: number }>
}

interface Props {
  action: RuleAction
  form: FormDto | undefined
  forms: FormDto[]
  org: Org
  onChange(next: RuleAction): void
}

/** The settings of one action, under its 那么 line. */
export function ActionEditor({ action, form, forms, org, onChange }: Props) {
  const { t } = useTranslation()
  const hint = (
    <Text size="xs" c="dimmed">
      {t('rules.editor.placeholderHint', placeholderParams(t))}
    </Text>
  )
  switch (action.type) {
    case 'update':
      return <Assignments form={form} value={action.set} onChange={(set) => onChange({ ...action, set })} />
    case 'create': {
      const target = forms.find((f) => f.apiKey === action.form)
      const links = (target?.fields ?? []).filter((f) => f.type === 'relation' && (f.config as { targetFormId?: number }).targetFormId === form?.id)
      return (
        <Stack gap="xs">
          <Group gap="xs">
            <Text size="sm" c="dimmed">
              {t('rules.editor.createIn')}
            </Text>
            <Select aria-label={t('rules.editor.createIn')} w={160} allowDeselect={false} data={forms.map((f) => ({ value: f.apiKey, label: f.label }))} value={action.form} onChange={(f) => f && onChange({ ...action, form: f, set: [], link: undefined })} />
            <Text size="sm" c="dimmed">
              {t('rules.editor.linkBy')}
            </Text>
            <Select
              aria-label={t('rules.editor.linkBy')}
              w={160}
              clearable
              placeholder={t('rules.editor.noLink')}
              data={links.map((f) => ({ value: f.apiKey, label: f.label }))}
              value={action.link ?? null}
              onChange={(l) => onChange({ ...action, link: l ?? undefined })}
            />
          </Group>
          <Assignments form={target} value={action.set} onChange={(set) => onChange({ ...action, set })} />
        </Stack>
      )
    }
    case 'assign':
      return (
        <Stack gap="xs">
          <SegmentedControl
            size="xs"
            data={(['user', 'roundRobin', 'leastLoaded', 'mapping'] as const).map((m) => ({ value: m, label: t(`rules.assign.${m}`) }))}
            value={action.mode}
            onChange={(m) => onChange({ ...action, mode: m as 'user' })}
          />
          {action.mode === 'user' && <UserSelect users={org.users} value={action.userId ?? null} onChange={(u) => onChange({ ...action, userId: u ?? undefined })} placeholder={t('rules.editor.chooseUser')} w={240} />}
          {(action.mode === 'roundRobin' || action.mode === 'leastLoaded') && (
            <Group gap="xs" align="flex-start">
              <UserMultiSelect users={org.users} value={action.userIds} onChange={(ids) => onChange({ ...action, userIds: ids })} placeholder={t('rules.editor.chooseUsers')} miw={260} />
              <Select
                clearable
                w={200}
                placeholder={t('rules.editor.orDepartment')}
                data={org.departments.map((d) => ({ value: String(d.id), label: d.name }))}
                value={action.departmentId ? String(action.departmentId) : null}
                onChange={(d) => onChange({ ...action, departmentId: d ? Number(d) : undefined })}
              />
            </Group>
          )}
          {action.mode === 'mapping' && (
            <Stack gap={6}>
              <Group gap="xs">
                <Text size="sm" c="dimmed">
                  {t('rules.editor.mapBy')}
                </Text>
                <Select w={160} allowDeselect={false} data={topFields(form).filter((f) => f.type === 'text' || f.type === 'select').map((f) => ({ value: f.apiKey, label: f.label }))} value={action.mapField ?? null} onChange={(f) => f && onChange({ ...action, mapField: f })} />
              </Group>
              {action.map.map((m, i) => (
                <Group key={i} gap="xs">
                  <TextInput w={160} placeholder={t('rules.editor.mapValue')} value={m.value} onChange={(e) => onChange({ ...action, map: action.map.map((x, j) => (j === i ? { ...x, value: e.currentTarget.value } : x)) })} />
                  <Text size="sm">→</Text>
                  <UserSelect users={org.users} value={m.userId} onChange={(u) => u && onChange({ ...action, map: action.map.map((x, j) => (j === i ? { ...x, userId: u } : x)) })} w={200} />
                  <ActionIcon variant="subtle" color="gray" aria-label={t('common.delete')} onClick={() => onChange({ ...action, map: action.map.filter((_, j) => j !== i) })}>
                    <IconTrash size={16} />
                  </ActionIcon>
                </Group>
              ))}
              <Group gap="xs">
                <Button size="compact-sm" variant="subtle" leftSection={<IconPlus size={14} />} disabled={!org.users.length} onClick={() => onChange({ ...action, map: [...action.map, { value: '', userId: org.users[0]!.id }] })}>
                  {t('rules.editor.addMapping')}
                </Button>
                <Text size="sm" c="dimmed">
                  {t('rules.editor.fallback')}
                </Text>
                <UserSelect users={org.users} value={action.fallbackUserId ?? null} onChange={(u) => onChange({ ...action, fallbackUserId: u ?? undefined })} placeholder={t('rules.editor.leaveInPool')} w={200} clearable allowDeselect />
              </Group>
            </Stack>
          )}
        </Stack>
      )
    case 'pool':
      return (
        <Group gap="xs">
          <SegmentedControl size="xs" data={(['return', 'claim'] as const).map((o) => ({ value: o, label: t(`rules.pool.${o}`) }))} value={action.op} onChange={(o) => onChange({ ...action, op: o as 'return' })} />
          {action.op === 'claim' && <UserSelect users={org.users} value={action.userId ?? null} onChange={(u) => onChange({ ...action, userId: u ?? undefined })} placeholder={t('rules.editor.chooseUser')} w={220} />}
        </Group>
      )
    case 'startFlow': {
      const flows = org.flows.filter((f) => f.formId === form?.id)
      return flows.length ? (
        <Select w={260} allowDeselect={false} placeholder={t('rules.editor.chooseFlow')} data={flows.map((f) => ({ value: String(f.id), label: f.name }))} value={action.flow ? String(action.flow) : null} onChange={(f) => f && onChange({ ...action, flow: Number(f) })} />
      ) : (
        <TextInput w={260} placeholder={t('rules.editor.flowName')} value={String(action.flow)} onChange={(e) => onChange({ ...action, flow: e.currentTarget.value })} />
      )
    }
    case 'notify':
    case 'desktop':
      return (
        <Stack gap="xs">
          <RecipientsEditor value={action.to} org={org} form={form} onChange={(to) => onChange({ ...action, to })} />
          <TextInput label={t('rules.editor.title')} data-testid="action-title" value={action.title} onChange={(e) => onChange({ ...action, title: e.currentTarget.value })} />
          <Textarea label={t('rules.editor.body')} autosize minRows={1} maxRows={4} value={action.body} onChange={(e) => onChange({ ...action, body: e.currentTarget.value })} />
          {hint}
        </Stack>
      )
    case 'email':
      return (
        <Stack gap="xs">
          <RecipientsEditor value={action.to} org={org} form={form} emails onChange={(to) => onChange({ ...action, to })} />
          <TextInput label={t('rules.editor.subject')} value={action.subject} onChange={(e) => onChange({ ...action, subject: e.currentTarget.value })} />
          <Textarea label={t('rules.editor.body')} autosize minRows={2} maxRows={8} value={action.body} onChange={(e) => onChange({ ...action, body: e.currentTarget.value })} />
          {hint}
        </Stack>
      )
    case 'webhook':
      return (
        <Stack gap="xs">
          <Group gap="xs" align="flex-end">
            <SegmentedControl size="xs" data={(['dingtalk', 'wecom', 'json'] as const).map((f) => ({ value: f, label: t(`rules.webhook.${f}`) }))} value={action.format} onChange={(f) => onChange({ ...action, format: f as 'json' })} />
          </Group>
          <TextInput label={t('rules.editor.url')} placeholder={t(`rules.editor.urlPlaceholder.${action.format}`)} value={action.url} onChange={(e) => onChange({ ...action, url: e.currentTarget.value })} />
          {action.format === 'dingtalk' && <PasswordInput label={t('rules.editor.secret')} description={t('rules.editor.secretHint')} value={action.secret ?? ''} onChange={(e) => onChange({ ...action, secret: e.currentTarget.value || undefined })} />}
          {action.format !== 'json' && <Textarea label={t('rules.editor.message')} autosize minRows={1} maxRows={4} value={action.text} onChange={(e) => onChange({ ...action, text: e.currentTarget.value })} />}
          {action.format === 'json' ? (
            <Text size="xs" c="dimmed">
              {t('rules.editor.jsonHint')}
            </Text>
          ) : (
            hint
          )}
        </Stack>
      )
    case 'score': {
      // 给 [本记录 / 关联的记录] 的 [分数字段] 加 N 分: with `via`, the score is on the record a relation points to.
      const relations = topFields(form).filter((f) => f.type === 'relation')
      const viaField = relations.find((f) => f.apiKey === action.via)
      const target = action.via === undefined ? form : forms.find((f) => f.id === (viaField?.config as { targetFormId?: number } | undefined)?.targetFormId)
      const numbers = topFields(target).filter((f) => f.type === 'number').map((f) => ({ value: f.apiKey, label: f.label }))
      const viaData = [{ value: '', label: t('rules.editor.thisRecord') }, ...relations.map((f) => ({ value: f.apiKey, label: f.label }))]
      if (action.via !== undefined && !viaField) viaData.push({ value: action.via, label: action.via })
      if (!numbers.some((n) => n.value === action.field)) numbers.push({ value: action.field, label: action.field })
      return (
        <Group gap="xs">
          <Select aria-label={t('rules.editor.scoreVia')} data-testid="score-via" w={160} allowDeselect={false} data={viaData} value={action.via ?? ''} onChange={(v) => onChange({ ...action, via: v || undefined })} />
          <Select aria-label={t('rules.editor.scoreField')} data-testid="score-field" w={160} allowDeselect={false} data={numbers} value={action.field} onChange={(f) => f && onChange({ ...action, field: f })} />
          <NumberInput w={120} value={action.delta} onChange={(n) => onChange({ ...action, delta: Number(n) || 0 })} prefix={action.delta > 0 ? '+' : ''} suffix={t('rules.editor.points')} />
        </Group>
      )
    }
  }
}

/** Placeholders shown in hints, in the user's language ({{字段名}} / {{field name}}). */
const placeholderParams = (t: TFunction) => ({ example: `{{${t('rules.editor.fieldWord')}}}`, owner: `{{${t('rules.editor.ownerWord')}}}`, link: `{{${t('rules.editor.linkWord')}}}` })

/** 字段 = 值 / 公式 rows. Values may hold {{placeholders}} of the triggering record. */
function Assignments({ form, value, onChange }: { form: FormDto | undefined; value: Assignment[]; onChange(next: Assignment[]): void }) {
  const { t } = useTranslation()
  const writable = topFields(form).filter(isWritable)
  return (
    <Stack gap={6}>
      {value.map((a, i) => {
        const formula = a.formula !== undefined
        const set = (next: Assignment) => onChange(value.map((x, j) => (j === i ? next : x)))
        return (
          <Group key={i} gap="xs" wrap="nowrap">
            <Select w={170} allowDeselect={false} aria-label={t('rules.editor.field')} data={writable.map((f) => ({ value: f.apiKey, label: f.label }))} value={a.field || null} onChange={(f) => f && set({ ...a, field: f })} searchable />
            <Text size="sm" c="dimmed">
              {formula ? '=' : t('rules.editor.setTo')}
            </Text>
            <TextInput
              style={{ flex: 1 }}
              aria-label={t('rules.editor.value')}
              placeholder={formula ? 'TODAY() + 3' : t('rules.editor.valuePlaceholder', placeholderParams(t))}
              ff={formula ? 'monospace' : undefined}
              value={formula ? (a.formula ?? '') : typeof a.value === 'string' || typeof a.value === 'number' ? String(a.value) : a.value === true ? 'true' : ''}
              onChange={(e) => set(formula ? { field: a.field, formula: e.currentTarget.value } : { field: a.field, value: e.currentTarget.value })}
            />
            <Tooltip label={formula ? t('rules.editor.useValue') : t('rules.editor.useFormula')}>
              <ActionIcon variant={formula ? 'filled' : 'subtle'} color="violet" aria-label={t('rules.editor.useFormula')} onClick={() => set(formula ? { field: a.field, value: '' } : { field: a.field, formula: '' })}>
                <IconMathFunction size={16} />
              </ActionIcon>
            </Tooltip>
            <ActionIcon variant="subtle" color="gray" aria-label={t('common.delete')} onClick={() => onChange(value.filter((_, j) => j !== i))}>
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        )
      })}
      <Button size="compact-sm" variant="subtle" w="fit-content" leftSection={<IconPlus size={14} />} onClick={() => onChange([...value, { field: writable[0]?.apiKey ?? '', value: '' }])}>
        {t('rules.editor.addField')}
      </Button>
    </Stack>
  )
}

function RecipientsEditor({ value, org, form, emails = false, onChange }: { value: Recipients; org: Org; form: FormDto | undefined; emails?: boolean; onChange(next: Recipients): void }) {
  const { t } = useTranslation()
  const members = topFields(form).filter((f) => f.type === 'member')
  return (
    <Stack gap={6}>
      <Group gap="lg">
        <Text size="sm" fw={500}>
          {t('rules.editor.recipients')}
        </Text>
        <Checkbox label={t('rules.editor.recordOwner')} checked={value.owner} onChange={(e) => onChange({ ...value, owner: e.currentTarget.checked })} data-testid="recipient-owner" />
        <Checkbox label={t('rules.editor.ownerManager')} checked={value.manager} onChange={(e) => onChange({ ...value, manager: e.currentTarget.checked })} data-testid="recipient-manager" />
      </Group>
      <Group gap="xs" grow>
        <UserMultiSelect users={org.users} value={value.users} onChange={(users) => onChange({ ...value, users })} placeholder={t('rules.editor.moreUsers')} />
        <MultiSelect placeholder={t('rules.editor.roles')} data={org.roles.map((r) => ({ value: String(r.id), label: r.name }))} value={value.roles.map(String)} onChange={(ids) => onChange({ ...value, roles: ids.map(Number) })} comboboxProps={{ withinPortal: true }} />
        {members.length > 0 && <MultiSelect placeholder={t('rules.editor.memberFields')} data={members.map((f) => ({ value: f.apiKey, label: f.label }))} value={value.fields} onChange={(fields) => onChange({ ...value, fields })} />}
      </Group>
      {value.roleKeys.length > 0 && (
        <Text size="xs" c="dimmed">
          {t('rules.editor.shippedRoles', { roles: value.roleKeys.map((k) => org.roles.find((r) => r.key === k)?.name ?? k).join(t('common.listSeparator')) })}
        </Text>
      )}
      {emails && <TagsInput placeholder={t('rules.editor.extraEmails')} value={value.emails} onChange={(list) => onChange({ ...value, emails: list })} />}
    </Stack>
  )
}
