import { Group, MultiSelect, NumberInput, Select, Text } from '@mantine/core'
import { TimeInput } from '@mantine/dates'
import { useTranslation } from 'react-i18next'
import type { FormDto } from '@shared/api/contracts'
import { TRIGGER_TYPES, type RuleTrigger } from '@shared/api/rules'
import type { Colleague } from '../../lib/org'
import { dateFields, defaultTrigger, topFields } from './model'

interface Props {
  form: FormDto | undefined
  forms: FormDto[]
  /** People to pick for a member field's or the owner's from → to. */
  users: Colleague[]
  value: RuleTrigger
  onChange(next: RuleTrigger): void
}

/** 当 [表单] 的记录 [被创建 / 被修改 / … / 超过 N 天没有跟进] 时, as inline controls in one sentence. */
export function TriggerEditor({ form, forms, users, value, onChange }: Props) {
  const { t } = useTranslation()
  const fields = topFields(form).filter((f) => f.type !== 'subtable')
  const typeSelect = (
    <Select
      aria-label={t('rules.editor.triggerType')}
      data-testid="trigger-type"
      w={200}
      allowDeselect={false}
      data={TRIGGER_TYPES.map((type) => ({ value: type, label: t(`rules.trigger.${type}`) }))}
      value={value.type}
      onChange={(type) => type && onChange(defaultTrigger(type as RuleTrigger['type'], form))}
      comboboxProps={{ withinPortal: true }}
    />
  )
  const word = (key: string) => (
    <Text span fw={500} c="dimmed">
      {t(key)}
    </Text>
  )

  return (
    <Group gap="xs" wrap="wrap" align="center">
      {typeSelect}
      {value.type === 'updated' && (
        <>
          {word('rules.editor.fields')}
          <MultiSelect
            aria-label={t('rules.editor.fields')}
            data-testid="trigger-fields"
            miw={200}
            placeholder={t('rules.editor.anyField')}
            data={[...fields.map((f) => ({ value: f.apiKey, label: f.label })), { value: 'owner', label: t('rules.editor.owner') }]}
            value={value.fields ?? []}
            onChange={(keys) => onChange({ type: 'updated', fields: keys })}
            comboboxProps={{ withinPortal: true }}
            searchable
          />
          {(value.fields?.length ?? 0) > 0 && <ChangeTo form={form} users={users} trigger={value} onChange={onChange} />}
        </>
      )}
      {value.type === 'flowFinished' && (
        <>
          {word('rules.editor.outcome')}
          <Select
            aria-label={t('rules.editor.outcome')}
            w={140}
            allowDeselect={false}
            data={(['approved', 'rejected', 'any'] as const).map((o) => ({ value: o, label: t(`rules.outcome.${o}`) }))}
            value={value.outcome}
            onChange={(o) => o && onChange({ ...value, outcome: o as 'approved' })}
          />
        </>
      )}
      {value.type === 'schedule' && (
        <>
          <Select
            aria-label={t('rules.editor.every')}
            w={110}
            allowDeselect={false}
            data={(['day', 'week', 'month'] as const).map((e) => ({ value: e, label: t(`rules.every.${e}`) }))}
            value={value.every}
            onChange={(e) => e && onChange({ ...value, every: e as 'day' })}
          />
          {value.every === 'week' && (
            <Select
              aria-label={t('rules.editor.weekday')}
              w={100}
              allowDeselect={false}
              data={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: String(d), label: t(`rules.weekday.${d}`) }))}
              value={String(value.weekday ?? 1)}
              onChange={(d) => d && onChange({ ...value, weekday: Number(d) })}
            />
          )}
          {value.every === 'month' && (
            <NumberInput aria-label={t('rules.editor.monthday')} w={90} min={1} max={31} value={value.monthday ?? 1} onChange={(d) => onChange({ ...value, monthday: Number(d) || 1 })} />
          )}
          <TimeInput aria-label={t('rules.editor.time')} w={110} value={value.time} onChange={(e) => /^\d\d:\d\d$/.test(e.currentTarget.value) && onChange({ ...value, time: e.currentTarget.value })} />
        </>
      )}
      {value.type === 'dateRelative' && (
        <>
          <Select
            aria-label={t('rules.editor.dateField')}
            data-testid="trigger-date-field"
            w={200}
            allowDeselect={false}
            placeholder={t('rules.editor.chooseDate')}
            data={dateFields(form).map((d) => ({ value: d.key, label: d.label }))}
            value={value.field || null}
            onChange={(f) => f && onChange({ ...value, field: f })}
          />
          <Select
            aria-label={t('rules.editor.direction')}
            w={90}
            allowDeselect={false}
            data={(['before', 'after'] as const).map((d) => ({ value: d, label: t(`rules.direction.${d}`) }))}
            value={value.direction}
            onChange={(d) => d && onChange({ ...value, direction: d as 'before' })}
          />
          <NumberInput aria-label={t('rules.editor.amount')} w={80} min={0} max={3650} value={value.amount} onChange={(n) => onChange({ ...value, amount: Number(n) || 0 })} />
          <Select
            aria-label={t('rules.editor.unit')}
            w={90}
            allowDeselect={false}
            data={(['day', 'hour'] as const).map((u) => ({ value: u, label: t(`rules.unit.${u}`) }))}
            value={value.unit}
            onChange={(u) => u && onChange({ ...value, unit: u as 'day' })}
          />
          {value.unit === 'day' && (
            <>
              {word('rules.editor.at')}
              <TimeInput aria-label={t('rules.editor.time')} w={110} value={value.time ?? '09:00'} onChange={(e) => /^\d\d:\d\d$/.test(e.currentTarget.value) && onChange({ ...value, time: e.currentTarget.value })} />
            </>
          )}
        </>
      )}
      {value.type === 'inactivity' && (
        <>
          {word('rules.editor.moreThan')}
          <NumberInput aria-label={t('rules.editor.days')} data-testid="trigger-days" w={80} min={1} max={3650} value={value.days} onChange={(n) => onChange({ ...value, days: Number(n) || 1 })} />
          {word('rules.editor.daysWithout')}
          <Select
            aria-label={t('rules.editor.activityForm')}
            w={150}
            allowDeselect={false}
            data={forms.filter((f) => f.fields.some((x) => x.type === 'relation' && (x.config as { targetFormId?: number }).targetFormId === form?.id)).map((f) => ({ value: f.apiKey, label: f.label }))}
            value={value.activityForm}
            onChange={(f) => f && onChange({ ...value, activityForm: f, activityField: undefined })}
          />
          <ActivityField form={form} forms={forms} trigger={value} onChange={onChange} />
        </>
      )}
    </Group>
  )
}

/**
 * 从 [值] 变为 [值] on the first chosen field, as the values it stores: a select's options, a
 * member's or the owner's people (user ids), a checkbox's two states (1 / 0).
 */
function ChangeTo({ form, users, trigger, onChange }: { form: FormDto | undefined; users: Colleague[]; trigger: Extract<RuleTrigger, { type: 'updated' }>; onChange(next: RuleTrigger): void }) {
  const { t } = useTranslation()
  const key = trigger.fields![0]!
  const field = form?.fields.find((f) => f.apiKey === key && f.parentFieldId === null)
  const options = (field?.config as { options?: Array<{ id: string; label: string }> } | undefined)?.options
  const choices =
    key === 'owner' || field?.type === 'member'
      ? users.map((u) => ({ value: String(u.id), label: u.name }))
      : field?.type === 'checkbox'
        ? [{ value: '1', label: t('rules.editor.checked') }, { value: '0', label: t('rules.editor.unchecked') }]
        : options?.map((o) => ({ value: o.id, label: o.label }))
  if (!choices) return null
  const data = [{ value: '', label: t('rules.editor.anyValue') }, ...choices]
  const set = (which: 'from' | 'to', v: string | null) => {
    const next = { ...trigger }
    if (!v) delete next[which]
    else next[which] = v
    onChange(next)
  }
  return (
    <>
      <Text span fw={500} c="dimmed">
        {t('rules.editor.from')}
      </Text>
      <Select aria-label={t('rules.editor.from')} w={130} data={data} value={(trigger.from as string | undefined) ?? ''} onChange={(v) => set('from', v)} allowDeselect={false} />
      <Text span fw={500} c="dimmed">
        {t('rules.editor.to')}
      </Text>
      <Select aria-label={t('rules.editor.to')} data-testid="trigger-to" w={130} data={data} value={(trigger.to as string | undefined) ?? ''} onChange={(v) => set('to', v)} allowDeselect={false} />
    </>
  )
}

/**
 * 通过 [关联字段]: the relation field of the activity form that points at this form (a follow-up's
 * 商机 or 线索). Shown when it is set or when there is more than one to choose from; absent = the first one.
 */
function ActivityField({ form, forms, trigger, onChange }: { form: FormDto | undefined; forms: FormDto[]; trigger: Extract<RuleTrigger, { type: 'inactivity' }>; onChange(next: RuleTrigger): void }) {
  const { t } = useTranslation()
  const activity = forms.find((f) => f.apiKey === trigger.activityForm)
  const links = (activity?.fields ?? []).filter((x) => x.parentFieldId === null && x.deletedAt === null && x.type === 'relation' && (x.config as { targetFormId?: number }).targetFormId === form?.id)
  if (trigger.activityField === undefined && links.length < 2) return null
  const data = [{ value: '', label: t('rules.editor.anyLink') }, ...links.map((x) => ({ value: x.apiKey, label: x.label }))]
  if (trigger.activityField !== undefined && !links.some((x) => x.apiKey === trigger.activityField)) data.push({ value: trigger.activityField, label: trigger.activityField })
  return (
    <>
      <Text span fw={500} c="dimmed">
        {t('rules.editor.activityVia')}
      </Text>
      <Select
        aria-label={t('rules.editor.activityVia')}
        data-testid="trigger-activity-field"
        w={150}
        allowDeselect={false}
        data={data}
        value={trigger.activityField ?? ''}
        onChange={(v) => onChange({ ...trigger, activityField: v || undefined })}
      />
    </>
  )
}
