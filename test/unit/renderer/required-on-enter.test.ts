import { describe, expect, it } from 'vitest'
import type { FieldDto } from '../../../src-main/shared/api/contracts'
import { matchFilter } from '../../../src-main/shared/filter-match'
import { isRequired } from '../../../src-main/shared/required-state'

// The record form and the stage dialog ask for a field required on entering a stage only when the
// edit moves the record into it — the rule the write pipeline enforces (components/record/conditions.ts
// and StageChange's stageRequirements go through isRequired).

const field = (id: number, apiKey: string, type: FieldDto['type'], extra: Partial<FieldDto> = {}): FieldDto => ({
  id, formId: 1, parentFieldId: null, label: apiKey, apiKey, type, config: {}, required: false, unique: false,
  description: null, defaultValue: null, position: id, deletedAt: null, resultType: null, visibleWhen: null, requiredWhen: null, ...extra
})
const stage = field(1, 'stage', 'select', { config: { options: [{ id: 'talk', label: '商务谈判', color: 'blue' }, { id: 'won', label: '赢单', color: 'green' }] } })
const scan = field(2, 'contractScan', 'attachment', { requiredOnEnter: { field: 'stage', op: 'eq', value: 'won' } })
const ctx = { fields: [stage, scan], userId: null }
const on = (values: Record<string, unknown>) => (node: Parameters<typeof matchFilter>[0] & object) => matchFilter(node, values, ctx)
const required = (to: string, from: string | null) => isRequired(scan, on({ stage: to }), from === null ? null : on({ stage: from }))

describe('required on entering, as the clients ask', () => {
  it('is required when the edit moves the record into the stage, or a new record is created at it', () => {
    expect(required('赢单', '商务谈判')).toBe(true)
    expect(required('赢单', null)).toBe(true)
  })
  it('is not required on a record already there, nor at other stages', () => {
    expect(required('赢单', '赢单')).toBe(false)
    expect(required('商务谈判', '商务谈判')).toBe(false)
    expect(required('商务谈判', null)).toBe(false)
  })
  it('keeps required and required-when as they were', () => {
    expect(isRequired({ ...scan, requiredOnEnter: null, required: true }, on({}), null)).toBe(true)
    expect(isRequired({ ...scan, requiredOnEnter: null, requiredWhen: { field: 'stage', op: 'eq', value: 'won' } }, on({ stage: '赢单' }), on({ stage: '赢单' }))).toBe(true)
  })
})
