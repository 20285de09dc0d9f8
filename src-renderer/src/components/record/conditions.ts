import { useEffect, useMemo, useState } from 'react'
import type { FieldDto, FilterNode, RecordDto } from '@shared/api/contracts'
import { matchFilter, type MatchContext } from '@shared/filter-match'
import { isRequired } from '@shared/required-state'
import { api } from '../../api/client'

// Conditional visibility and conditional required, evaluated live over the values being
// edited with the same filter semantics the server uses (so what the page asks for is what the
// write pipeline enforces).

export interface FieldState {
  visible: boolean
  required: boolean
}

let me: Promise<number | null> | null = null
/** The signed-in user, for `isMe` conditions; asked once per page load. */
function currentUserId(): Promise<number | null> {
  me ??= api.auth.me().then(
    (user) => user.id,
    () => {
      me = null
      return null
    }
  )
  return me
}

export function useCurrentUserId(): number | null {
  const [id, setId] = useState<number | null>(null)
  useEffect(() => {
    let live = true
    void currentUserId().then((found) => live && setId(found))
    return () => {
      live = false
    }
  }, [])
  return id
}

/** The values a condition sees: the draft, plus the record's system fields. */
export function matchValues(values: Record<string, unknown>, record: RecordDto | null): Record<string, unknown> {
  if (!record) return values
  return { id: record.id, createdAt: record.createdAt, updatedAt: record.updatedAt, createdBy: record.createdBy, updatedBy: record.updatedBy, owner: record.owner, ...values }
}

export function fieldStates(fields: FieldDto[], allFields: FieldDto[], values: Record<string, unknown>, record: RecordDto | null, userId: number | null): Map<string, FieldState> {
  const ctx: MatchContext = { fields: allFields.filter((f) => f.parentFieldId === null), userId }
  const seen = matchValues(values, record)
  const now = (node: FilterNode) => matchFilter(node, seen, ctx)
  // The record as opened: a field required on entering a stage is asked for only when this edit
  // moves the record into it, never on a deal already there.
  const stored = record ? matchValues(record.fields, record) : null
  const before = stored && ((node: FilterNode) => matchFilter(node, stored, ctx))
  const out = new Map<string, FieldState>()
  for (const f of fields) {
    const visible = f.visibleWhen ? now(f.visibleWhen) : true
    out.set(f.apiKey, { visible, required: isRequired(f, now, before) })
  }
  return out
}

export function useFieldStates(fields: FieldDto[], allFields: FieldDto[], values: Record<string, unknown>, record: RecordDto | null): Map<string, FieldState> {
  const userId = useCurrentUserId()
  return useMemo(() => fieldStates(fields, allFields, values, record, userId), [fields, allFields, values, record, userId])
}
