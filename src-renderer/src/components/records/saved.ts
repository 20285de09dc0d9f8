import type { RecordDto, RecordWriteResult, SavedOutOfScope } from '@shared/api/contracts'

/**
 * A record write answers the record as the user now sees it, or that it was saved out of their
 * sight (a rule assigned it to another rep). The second is a success: the place that saved shows
 * its message, forgets its edits and lets the record go — it must never invite a second save.
 */
export function savedOutOfScope(result: RecordWriteResult): result is SavedOutOfScope {
  return 'outOfScope' in result
}

export type { RecordDto, RecordWriteResult }
