import type { CrmDeps } from './crm-service'
import { SYSTEM_ACTOR } from '../access/actor'
import type { DomainEvent } from '../events'
import { optionsOf } from '../forms/field-types/select'
import { NotFoundError } from '../shared/errors'

// Values the sales app keeps up to date after a change commits (events arrive after commit, see
// events.ts): an opportunity's 赢单率 follows its 销售阶段 (a user's own probability in the same
// change is kept), and a new follow-up moves 最近跟进时间 of its customer, opportunity and lead
// forward (the pool's auto-return rules read it). Written by the system actor through the write
// pipeline, so each change is in the record's history.

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
  return core.events.on((event: DomainEvent) => {
    if (event.type !== 'record.created' && event.type !== 'record.updated') return
    const key = formKey(event.formId)
    if (key === 'opportunity') syncProbability(core, event.recordId, event.type === 'record.created', event.fields)
    else if (key === 'followUp' && event.type === 'record.created') touchLastFollowUp(core, event.recordId)
  })
}

function syncProbability(core: CrmDeps, id: number, created: boolean, changed: string[]): void {
  const form = core.schema.form('opportunity')
  const stage = form.byKey.get('stage')
  if (!stage || !form.byKey.has('probability')) return
  if (!created && (!changed.includes('stage') || changed.includes('probability'))) return
  const record = core.reads.get(SYSTEM_ACTOR, 'opportunity', id)
  const option = optionsOf(stage).find((o) => o.label === record.fields.stage || o.id === record.fields.stage)
  const target = option ? STAGE_PROBABILITY[option.id] : undefined
  if (target === undefined) return
  const current = record.fields.probability
  if (created && current !== null && current !== undefined) return
  if (current !== target) core.writes.update(SYSTEM_ACTOR, 'opportunity', id, { probability: target })
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
