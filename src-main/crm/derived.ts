import type { CrmDeps } from './crm-service'
import { SYSTEM_ACTOR } from '../access/actor'
import type { DomainEvent } from '../events'
import { optionsOf } from '../forms/field-types/select'
import { NotFoundError } from '../shared/errors'
import type { FormModel } from '../forms/model'
import type { StoredValues } from '../records/stored'

// Values the sales app keeps up to date. An opportunity's 赢单率 follows its 销售阶段 inside the
// write itself (a WritePipeline derivation: part of the same change and history entry, for imports
// with rules off too, at no second write); a user's own probability in the same change is kept.
// A new follow-up moves 最近跟进时间 of its customer, opportunity and lead forward after it commits
// (events arrive after commit, see events.ts; the pool's auto-return rules read it), written by the
// system actor through the write pipeline, so each change is in the record's history.

/** Default probability per stage option id. */
export const STAGE_PROBABILITY: Record<string, number> = { initial: 0.1, needs: 0.25, proposal: 0.5, negotiation: 0.75, won: 1, lost: 0 }

export function watchDerivedValues(core: CrmDeps): () => void {
  const formKey = (formId: number): string | null => {
    try {
      return core.schema.form(formId).apiKey
    } catch (e) {
      if (e instanceof NotFoundError) return null
      throw e
    }
  }
  core.writes.derivations.push(probabilityFromStage)
  const off = core.events.on((event: DomainEvent) => {
    if (event.type !== 'record.created') return
    if (formKey(event.formId) === 'followUp') touchLastFollowUp(core, event.recordId)
  })
  return () => {
    off()
    const i = core.writes.derivations.indexOf(probabilityFromStage)
    if (i >= 0) core.writes.derivations.splice(i, 1)
  }
}

/**
 * 赢单率 from 销售阶段: on create when no probability was given (nor defaulted), on update when the
 * stage changed and the probability was not given with it. Stages without a default (an option the owner added)
 * leave it alone.
 */
function probabilityFromStage(form: FormModel, values: StoredValues, given: ReadonlySet<number>, before: StoredValues | null): void {
  if (form.apiKey !== 'opportunity') return
  const stage = form.byKey.get('stage')
  const probability = form.byKey.get('probability')
  if (!stage || !probability || stage.type !== 'select' || given.has(probability.id)) return
  if (before && (!given.has(stage.id) || before.get(stage.id) === values.get(stage.id))) return
  const current = values.get(probability.id)
  if (!before && current !== null && current !== undefined) return
  const option = optionsOf(stage).find((o) => o.id === values.get(stage.id))
  const target = option ? STAGE_PROBABILITY[option.id] : undefined
  if (target !== undefined) values.set(probability.id, target)
}

function touchLastFollowUp(core: CrmDeps, id: number): void {
  const followUp = core.reads.get(SYSTEM_ACTOR, 'followUp', id)
  const time = (followUp.fields.time as string | null) ?? followUp.createdAt
  for (const key of ['customer', 'opportunity', 'lead'] as const) {
    const link = followUp.fields[key] as { id: number } | null | undefined
    if (!link) continue
    const target = core.schema.form(key)
    if (!target.byKey.has('lastFollowUpAt')) continue
    const current = core.reads.get(SYSTEM_ACTOR, key, link.id).fields.lastFollowUpAt as string | null
    if (!current || Date.parse(current) < Date.parse(time)) core.writes.update(SYSTEM_ACTOR, key, link.id, { lastFollowUpAt: time })
  }
}
