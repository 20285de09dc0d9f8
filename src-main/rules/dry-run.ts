import { ident } from '../db/connection'
import { ValidationError } from '../shared/errors'
import { ruleInput, type DryRunDto, type RuleInput } from '../shared/api/rules'
import type { FormModel } from '../forms/model'
import { isTimed, triggerModule } from './triggers'
import type { RuleEngine } from './engine'
import type { DueItem, RuleModel } from './types'

const DAY = 24 * 3600_000
const NOW_LIMIT = 50
const HISTORY_LIMIT = 100

/**
 * What a rule (saved, or a draft from the editor) would do, without doing it:
 * - now: the records it would act on at this moment — for record-event rules, the records that
 *   match its condition; for time-based rules, what is due now;
 * - history: what it would have done over the last N days — record-event rules replayed from the
 *   change log (condition checked on the records as they are now), time-based rules as the
 *   records that fell due in that window.
 * Nothing is written: no firing marks, no scan state, no actions.
 */
export async function dryRun(engine: RuleEngine, input: { id?: number; rule?: RuleInput; days: number }): Promise<DryRunDto> {
  const rule = draftModel(engine, input)
  const form = engine.deps.schema.form(rule.formId)
  engine.validate(rule, form)
  const now = engine.deps.clock.now()
  const from = now - input.days * DAY
  const title = (id: number) => engine.firing(rule, form, id, '', {})?.title ?? `#${id}`
  const actions = rule.actions.map((a) => a.type)

  if (isTimed(rule.trigger.type)) {
    // A view of the engine that reads no scan state and writes none, as if enabled N days ago.
    const dry = Object.create(engine, {
      setState: { value: () => undefined },
      stateNumber: { value: () => null },
      state: { value: () => null },
      enabledAt: { value: () => from },
      scanLimit: { value: 5000 }
    }) as RuleEngine
    const mod = triggerModule(rule.trigger.type)
    const items = await (mod.due as (t: unknown, r: RuleModel, f: FormModel, now: number, e: RuleEngine) => Promise<DueItem[]>)(rule.trigger, { ...rule, id: rule.id || 0 }, form, now, dry)
    const matching = items.filter((i) => holds(engine, rule, form, i.recordId))
    const list = matching.slice(0, NOW_LIMIT).map((i) => ({ id: i.recordId, title: title(i.recordId) }))
    return {
      now: list,
      nowTotal: matching.length,
      history: matching.slice(0, HISTORY_LIMIT).map((i) => ({ at: now, id: i.recordId, title: title(i.recordId), event: rule.trigger.type })),
      historyTotal: matching.length,
      actions
    }
  }

  // Records matching the condition now.
  const where = engine.conditionSql(form, rule)
  const ids = engine.deps.db.prepare(`SELECT t.id FROM ${ident(form.table)} t WHERE t.deleted_at IS NULL AND (${where.sql}) ORDER BY t.id DESC LIMIT 2000`).pluck().all(...where.params) as number[]
  const nowIds = rule.condition.formula ? ids.filter((id) => holds(engine, rule, form, id)) : ids
  const nowTotal = rule.condition.formula || ids.length < 2000 ? nowIds.length : (engine.deps.db.prepare(`SELECT COUNT(*) FROM ${ident(form.table)} t WHERE t.deleted_at IS NULL AND (${where.sql})`).pluck().get(...where.params) as number)

  // Replay the change log.
  const ops = triggerModule(rule.trigger.type).historyOps ?? []
  const history: DryRunDto['history'] = []
  let historyTotal = 0
  if (ops.length) {
    const rows = engine.deps.db
      .prepare(`SELECT id, record_id, op, changes, at FROM change_log WHERE form_id = ? AND at >= ? AND op IN (${ops.map(() => '?').join(',')}) ORDER BY id DESC LIMIT 5000`)
      .all(form.id, from, ...ops) as Array<{ id: number; record_id: number; op: string; changes: string; at: number }>
    const trigger = rule.trigger
    for (const row of rows) {
      if (trigger.type === 'updated' && trigger.fields?.length) {
        const changes = JSON.parse(row.changes) as Record<string, [unknown, unknown]>
        const keys = trigger.fields.map((k) => (k === 'owner' ? 'owner' : String(form.byKey.get(k)?.id)))
        if (!keys.some((k) => k in changes)) continue
        const first = changes[keys[0]!]
        if (trigger.from !== undefined && (!first || String(first[0] ?? '') !== String(trigger.from ?? ''))) continue
        if (trigger.to !== undefined && (!first || String(first[1] ?? '') !== String(trigger.to ?? ''))) continue
      }
      if (!holds(engine, rule, form, row.record_id)) continue
      historyTotal++
      if (history.length < HISTORY_LIMIT) history.push({ at: row.at, id: row.record_id, title: title(row.record_id), event: row.op })
    }
  }
  return { now: nowIds.slice(0, NOW_LIMIT).map((id) => ({ id, title: title(id) })), nowTotal, history, historyTotal, actions }
}

function holds(engine: RuleEngine, rule: RuleModel, form: FormModel, recordId: number): boolean {
  const firing = engine.firing(rule, form, recordId, '', {})
  return firing !== null && engine.conditionHolds(rule, form, firing)
}

function draftModel(engine: RuleEngine, input: { id?: number; rule?: RuleInput }): RuleModel {
  if (input.rule) {
    const parsed = ruleInput.parse(input.rule)
    const form = engine.formOrFail(parsed.form)
    return { id: input.id ?? 0, name: parsed.name, formId: form.id, enabled: parsed.enabled, trigger: parsed.trigger, condition: parsed.condition, actions: parsed.actions, rateLimit: parsed.rateLimit, description: parsed.description, source: null, createdAt: 0, updatedAt: 0 }
  }
  if (input.id === undefined) throw new ValidationError('rules.error.dryRunTarget')
  return engine.rule(input.id)
}
