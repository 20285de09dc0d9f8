import dayjs from 'dayjs'
import { ident } from '../../db/connection'
import type { TriggerModule, TriggerOf } from '../types'

/**
 * 每天/每周/每月 at a time: every record matching the condition, once per occurrence. After the PC
 * was off, only the latest missed occurrence runs (a daily reminder does not arrive seven times).
 */
export const schedule: TriggerModule<'schedule'> = {
  type: 'schedule',
  async due(trigger, rule, form, now, engine) {
    const occurrence = latestOccurrence(trigger, now)
    if (occurrence < engine.enabledAt(rule)) return []
    const period = `s:${dayjs(occurrence).format('YYYY-MM-DDTHH:mm')}`
    if (engine.state(rule.id, 'occurrence') === period) return []
    const where = engine.conditionSql(form, rule)
    const rows = await engine.scan<{ id: number }>(
      `SELECT t.id FROM ${ident(form.table)} t WHERE t.deleted_at IS NULL AND (${where.sql})
         AND NOT EXISTS (SELECT 1 FROM rule_fired rf WHERE rf.rule_id = ? AND rf.record_id = t.id AND rf.period = ?) ORDER BY t.id LIMIT ?`,
      [...where.params, rule.id, period, engine.scanLimit]
    )
    engine.setState(rule.id, 'occurrence', period)
    return rows.map((r) => ({ recordId: r.id, period }))
  }
}

/** The latest time at or before `now` the schedule falls on (local time). */
export function latestOccurrence(trigger: TriggerOf<'schedule'>, now: number): number {
  const [h, m] = trigger.time.split(':').map(Number) as [number, number]
  const at = (d: dayjs.Dayjs) => d.hour(h).minute(m).second(0).millisecond(0)
  const today = dayjs(now)
  if (trigger.every === 'day') {
    const c = at(today)
    return (c.valueOf() <= now ? c : at(today.subtract(1, 'day'))).valueOf()
  }
  if (trigger.every === 'week') {
    const weekday = trigger.weekday ?? 1
    const offset = ((today.day() + 6) % 7) + 1 - weekday
    const c = at(today.subtract(offset, 'day'))
    return (c.valueOf() <= now ? c : c.subtract(7, 'day')).valueOf()
  }
  const monthday = trigger.monthday ?? 1
  const inMonth = (d: dayjs.Dayjs) => at(d.date(Math.min(monthday, d.daysInMonth())))
  const c = inMonth(today.startOf('month'))
  return (c.valueOf() <= now ? c : inMonth(today.startOf('month').subtract(1, 'month'))).valueOf()
}
