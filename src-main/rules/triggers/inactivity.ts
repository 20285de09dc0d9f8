import { ident } from '../../db/connection'
import { relationConfig } from '../../forms/field-types/relation'
import type { FieldModel, FormModel } from '../../forms/model'
import { NotFoundError, ValidationError } from '../../shared/errors'
import type { RuleEngine } from '../engine'
import type { RuleModel, TriggerModule, TriggerOf } from '../types'

const DAY = 24 * 3600_000

/**
 * How far back before a rule was enabled an idle stretch may have reached N days and still fire:
 * enabling a rule (or installing the CRM app on years of imported data) alerts about what went
 * idle recently, not about every record that went quiet long ago.
 */
export const INACTIVITY_GRACE = 30 * DAY

/**
 * 超过 N 天没有跟进: no activity record (follow-up) linked to the record for N days, counted from
 * the latest linked follow-up, or from the record's creation when there is none, or from its
 * latest claim from the public pool when that is later. Fires once per
 * idle stretch: the period is the time the stretch began, so a new follow-up starts a new one.
 */
export const inactivity: TriggerModule<'inactivity'> = {
  type: 'inactivity',
  async due(trigger, rule, form, now, engine) {
    const sql = inactivitySql(trigger, rule, form, engine)
    const cutoff = now - trigger.days * DAY
    const oldest = engine.enabledAt(rule) - INACTIVITY_GRACE - trigger.days * DAY
    const rows = await engine.scan<{ id: number; since: number }>(sql.sql, [...sql.params, cutoff, cutoff, oldest, engine.scanLimit])
    return rows.map((r) => ({ recordId: r.id, period: `i:${r.since}`, extra: { idleSince: r.since } }))
  },
  validate(trigger, form, engine) {
    activityLink(trigger, form, engine)
  }
}

/** The scan: its last parameters are the cutoff time (twice), the oldest stretch start, and the row limit. */
export function inactivitySql(trigger: TriggerOf<'inactivity'>, rule: RuleModel, form: FormModel, engine: RuleEngine): { sql: string; params: unknown[] } {
  const { activity, link } = activityLink(trigger, form, engine)
  const where = engine.conditionSql(form, rule)
  const last = relationConfig(link).multiple
    ? `(SELECT MAX(a.created_at) FROM ${ident(`l_${link.id}`)} l JOIN ${ident(activity.table)} a ON a.id = l.src WHERE l.dst = t.id AND a.deleted_at IS NULL)`
    : `(SELECT MAX(a.created_at) FROM ${ident(activity.table)} a WHERE a.${ident(link.column!)} = t.id AND a.deleted_at IS NULL)`
  const claimed = `(SELECT MAX(p.at) FROM crm_pool_log p WHERE p.form_id = ${Number(form.id)} AND p.record_id = t.id AND p.action = 'claim')`
  return {
    // A claim from the public pool (公海) starts a new idle stretch too: a record claimed again
    // without a follow-up returns to the pool after another N days.
    sql: `SELECT id, since FROM (SELECT t.id, MAX(COALESCE(${last}, t.created_at), COALESCE(${claimed}, 0)) AS since FROM ${ident(form.table)} t
            WHERE t.deleted_at IS NULL AND (${where.sql}) AND t.created_at <= ?) x
          WHERE since <= ? AND since >= ? AND NOT EXISTS (SELECT 1 FROM rule_fired rf WHERE rf.rule_id = ${Number(rule.id)} AND rf.record_id = x.id AND rf.period = 'i:' || x.since)
          ORDER BY since, id LIMIT ?`,
    params: where.params
  }
}

export function activityLink(trigger: TriggerOf<'inactivity'>, form: FormModel, engine: RuleEngine): { activity: FormModel; link: FieldModel } {
  let activity: FormModel
  try {
    activity = engine.deps.schema.form(trigger.activityForm)
  } catch (e) {
    if (e instanceof NotFoundError) throw new ValidationError('rules.error.unknownForm', { form: trigger.activityForm }, 'trigger')
    throw e
  }
  const links = activity.fields.filter((f) => f.type === 'relation' && relationConfig(f).targetFormId === form.id)
  const link = trigger.activityField ? links.find((f) => f.apiKey === trigger.activityField) : links[0]
  if (!link) throw new ValidationError('rules.error.noActivityLink', { form: activity.label, target: form.label }, 'trigger')
  return { activity, link }
}
