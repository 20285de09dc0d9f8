import { describe, expect, it } from 'vitest'
import type { FieldDto } from '../../../src-main/shared/api/contracts'
import { resolveLayout, tabOfField } from '../../../src-renderer/src/components/record/layout'
import { addUnsavedGuard, hasUnsavedEdits, whenSafe } from '../../../src-renderer/src/lib/unsaved'
import { onNewRecordRequest, requestNewRecord, setNewRecordFallback } from '../../../src-renderer/src/lib/record-events'

const field = (id: number, apiKey: string): FieldDto => ({
  id, formId: 1, parentFieldId: null, label: apiKey, apiKey, type: 'text', config: {}, required: false, unique: false,
  description: null, defaultValue: null, position: id, deletedAt: null, resultType: null, visibleWhen: null, requiredWhen: null
})

describe('record page layout', () => {
  const fields = [field(1, 'name'), field(2, 'stage'), field(3, 'amount'), field(4, 'notes')]

  it('without a layout: one unnamed tab, one two-column section with every field in order', () => {
    const tabs = resolveLayout(null, fields)
    expect(tabs).toHaveLength(1)
    expect(tabs[0].label).toBe('')
    expect(tabs[0].sections).toHaveLength(1)
    expect(tabs[0].sections[0].columns).toBe(2)
    expect(tabs[0].sections[0].fields.map((f) => f.apiKey)).toEqual(['name', 'stage', 'amount', 'notes'])
  })

  it('follows tabs, sections and columns; fields it does not name come after it; unknown and repeated ids are skipped', () => {
    const tabs = resolveLayout(
      {
        tabs: [
          { id: 'a', label: '基本信息', sections: [{ id: 's1', label: '客户资料', columns: 3, fieldIds: [2, 99, 1] }] },
          { id: 'b', label: '其他', sections: [{ id: 's2', label: null, columns: 1, fieldIds: [1, 3] }] }
        ]
      },
      fields
    )
    expect(tabs.map((t) => t.label)).toEqual(['基本信息', '其他'])
    expect(tabs[0].sections[0]).toMatchObject({ label: '客户资料', columns: 3 })
    expect(tabs[0].sections[0].fields.map((f) => f.apiKey)).toEqual(['stage', 'name'])
    expect(tabs[1].sections.map((s) => s.fields.map((f) => f.apiKey))).toEqual([['amount'], ['notes']])
    expect(tabOfField(tabs, 'notes')).toBe('b')
    expect(tabOfField(tabs, 'name')).toBe('a')
  })
})

describe('unsaved-changes guard', () => {
  it('runs the action at once with nothing unsaved, and only after every open form agreed otherwise', () => {
    const done: string[] = []
    whenSafe(() => done.push('free'))
    expect(done).toEqual(['free'])

    const asked: string[] = []
    let answerOuter: (() => void) | null = null
    const removeOuter = addUnsavedGuard((proceed) => {
      asked.push('outer')
      answerOuter = proceed
    })
    const removeInner = addUnsavedGuard((proceed) => {
      asked.push('inner')
      proceed()
    })
    expect(hasUnsavedEdits()).toBe(true)
    whenSafe(() => done.push('left'))
    // The newest form (a quick-create drawer on top) asks first; the action waits for the last answer.
    expect(asked).toEqual(['inner', 'outer'])
    expect(done).toEqual(['free'])
    answerOuter!()
    expect(done).toEqual(['free', 'left'])

    removeInner()
    removeOuter()
    expect(hasUnsavedEdits()).toBe(false)
  })
})

describe('new-record requests', () => {
  it('go to the page that claims them, else to the fallback', () => {
    const got: string[] = []
    setNewRecordFallback((r) => (got.push(`fallback ${r.formId}`), true))
    const off = onNewRecordRequest((r) => r.formId === 7 && (got.push('page 7'), true))
    expect(requestNewRecord({ formId: 7 })).toBe(true)
    expect(requestNewRecord({ formId: 8 })).toBe(true)
    off()
    requestNewRecord({ formId: 7 })
    setNewRecordFallback(null)
    expect(requestNewRecord({ formId: 9 })).toBe(false)
    expect(got).toEqual(['page 7', 'fallback 8', 'fallback 7'])
  })
})
