import { SYSTEM_ACTOR } from '../access/actor'
import type { SavedOutOfScope } from '../shared/api/contracts'
import { NotFoundError } from '../shared/errors'
import { translate } from '../shared/locales'
import { actorOf, type CallContext } from './handler-kit'

// A write that committed but left a record outside the caller's sight (a rule assigned it to a
// colleague; a conversion made it for the lead's owner) answers that it is done and where it went,
// never an error and never a record the caller cannot open: records.create/update, lead
// conversion, quote → contract and pool claims say it alike.

/** The translated message keys: saved and now someone's, saved and owned by nobody the caller sees. */
export interface OutOfSightKeys { assigned: string; outOfScope: string }

const RECORD_KEYS: OutOfSightKeys = { assigned: 'record.savedAssigned', outOfScope: 'record.savedOutOfScope' }

/** The answer for record `id`, known to be out of the caller's sight. */
export function savedOutOfSight(ctx: CallContext, form: number | string, id: number, keys: OutOfSightKeys = RECORD_KEYS): SavedOutOfScope {
  let owner: { id: number; name: string } | null = null
  try {
    owner = ctx.host.core.reads.get(SYSTEM_ACTOR, form, id).owner
  } catch (e) {
    // Deleted by a rule right after the write: saved all the same, with no owner to name.
    if (!(e instanceof NotFoundError)) throw e
  }
  const message = owner ? translate(ctx.locale, keys.assigned, { owner: owner.name }) : translate(ctx.locale, keys.outOfScope)
  return { id, outOfScope: true, owner, message }
}

/** That answer when record `id` is out of the caller's sight now; null when they may open it. */
export function outOfSight(ctx: CallContext, form: number | string, id: number, keys: OutOfSightKeys = RECORD_KEYS): SavedOutOfScope | null {
  try {
    ctx.host.core.reads.get(actorOf(ctx), form, id)
    return null
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e
  }
  return savedOutOfSight(ctx, form, id, keys)
}
