import dayjs from 'dayjs'
import { ident } from '../../db/connection'
import { ValidationError } from '../../shared/errors'
import { subTable, type FieldModel, type FormModel } from '../../forms/model'
import type { TriggerModule, TriggerOf } from '../types'

const HOUR = 3600_000
const DAY = 24 * HOUR

/**
 * N days/hours before or after a date field (应回款日期前 3 天), including a date column of a
 * sub-table (`plan.dueDate`: each plan row fires on its own). A date field stands for `time` on
 * that day (09:00 unless set). Each (record, row, date) fires once; changing the date makes a new
 * period. Scans the window since the last scan (minus a day, for dates moved into the past) and
 * never before the rule was enabled, so a week offline is caught up and enabling a rule does not
 * replay old dates.
 */
export const dateRelative: TriggerModule<'dateRelative'> = {
  type: 'dateRelative',
  async due(trigger, rule, form, now, engine) {
    const { field, child } = resolveDateField(form, trigger.field)
    const target = child ?? field
    const shift = (trigger.direction === 'before' ? 1 : -1) * trigger.amount * (trigger.unit === 'day' ? DAY : HOUR)
    const scannedTo = engine.stateNumber(rule.id, 'scannedTo')
    const from = Math.max(engine.enabledAt(rule), (scannedTo ?? engine.enabledAt(rule)) - DAY)
    // A record fires at value - shift... i.e. when value <= now + shift (before) / now - |shift| (after).
    const hi = now + shift
    const lo = from + shift
    const col = child ? `s.${ident(child.column!)}` : `t.${ident(field.column!)}`
    let range: { sql: string; params: unknown[] }
    if (target.type === 'date') {
      const [h, m] = (trigger.time ?? '09:00').split(':').map(Number) as [number, number]
      const dayOf = (ms: number) => dayjs(ms - (h * HOUR + m * 60_000)).format('YYYY-MM-DD')
      range = { sql: `${col} > ? AND ${col} <= ?`, params: [dayOf(lo), dayOf(hi)] }
    } else {
      range = { sql: `${col} > ? AND ${col} <= ?`, params: [lo, hi] }
    }
    const where = engine.conditionSql(form, rule)
    const rows = child
      ? await engine.scan<{ id: number; sid: number; v: unknown }>(
          `SELECT t.id, s.id AS sid, ${col} AS v FROM ${ident(form.table)} t JOIN ${ident(subTable(field.id))} s ON s.parent_id = t.id
            WHERE t.deleted_at IS NULL AND ${range.sql} AND (${where.sql})
              AND NOT EXISTS (SELECT 1 FROM rule_fired rf WHERE rf.rule_id = ? AND rf.record_id = t.id AND rf.period = 'd:' || s.id || ':' || ${col})
            ORDER BY ${col}, t.id LIMIT ?`,
          [...range.params, ...where.params, rule.id, engine.scanLimit]
        )
      : await engine.scan<{ id: number; sid: null; v: unknown }>(
          `SELECT t.id, NULL AS sid, ${col} AS v FROM ${ident(form.table)} t
            WHERE t.deleted_at IS NULL AND ${range.sql} AND (${where.sql})
              AND NOT EXISTS (SELECT 1 FROM rule_fired rf WHERE rf.rule_id = ? AND rf.record_id = t.id AND rf.period = 'd:' || ${col})
            ORDER BY ${col}, t.id LIMIT ?`,
          [...range.params, ...where.params, rule.id, engine.scanLimit]
        )
    engine.setState(rule.id, 'scannedTo', String(now))
    return rows.map((r) => ({
      recordId: r.id,
      period: r.sid === null ? `d:${String(r.v)}` : `d:${r.sid}:${String(r.v)}`,
      extra: child ? engine.subRowValues(field, r.sid!) : undefined
    }))
  },
  validate(trigger, form) {
    resolveDateField(form, trigger.field)
  }
}

/** `dueDate` or `plan.dueDate`: the field (the sub-table for a column) and the column. */
export function resolveDateField(form: FormModel, key: string): { field: FieldModel; child: FieldModel | null } {
  const [head, sub] = key.split('.') as [string, string | undefined]
  const field = form.byKey.get(head)
  if (field && !sub && (field.type === 'date' || field.type === 'datetime') && field.column) return { field, child: null }
  if (field && sub && field.type === 'subtable') {
    const child = (form.children.get(field.id) ?? []).find((c) => c.apiKey === sub)
    if (child && (child.type === 'date' || child.type === 'datetime') && child.column) return { field, child }
  }
  throw new ValidationError('rules.error.notDateField', { field: key }, 'trigger')
}

export type DateRelativeTrigger = TriggerOf<'dateRelative'>
