import { describe, expect, it } from 'vitest'
import { formatFieldValue } from '../../../src-main/shared/format-value'

// Values written into text for people read as the app shows them, in the reader's language.

describe('formatFieldValue', () => {
  it('amounts with the currency, thousands and the field precision', () => {
    expect(formatFieldValue({ type: 'amount', config: { precision: 2 } }, 902000, 'zh-CN')).toBe('¥902,000.00')
    expect(formatFieldValue({ type: 'amount', config: { precision: 0, currency: 'USD' } }, 1234.4, 'en')).toBe('$1,234')
    expect(formatFieldValue({ type: 'amount' }, -20000, 'zh-CN')).toBe('-¥20,000.00')
  })

  it('percentages, numbers, dates and times', () => {
    expect(formatFieldValue({ type: 'percent', config: { precision: 1 } }, 0.156, 'zh-CN')).toBe('15.6%')
    expect(formatFieldValue({ type: 'number', config: { precision: 1 } }, 12345.67, 'en')).toBe('12,345.7')
    expect(formatFieldValue({ type: 'date' }, '2026-03-02', 'zh-CN')).toBe('2026年3月2日')
    expect(formatFieldValue({ type: 'date' }, '2026-03-02', 'en')).toBe('March 2, 2026')
    const at = new Date(2026, 2, 2, 14, 5).toISOString()
    expect(formatFieldValue({ type: 'datetime' }, at, 'zh-CN')).toBe('2026年3月2日 14:05')
    expect(formatFieldValue({ type: 'formula', resultType: 'date' }, '2026-12-31', 'zh-CN')).toBe('2026年12月31日')
  })

  it('yes/no, names rather than ids, lists in the language, nothing for no value', () => {
    expect(formatFieldValue({ type: 'checkbox' }, true, 'zh-CN')).toBe('是')
    expect(formatFieldValue({ type: 'checkbox' }, false, 'en')).toBe('No')
    expect(formatFieldValue({ type: 'member' }, { id: 6, name: '王经理' }, 'zh-CN')).toBe('王经理')
    expect(formatFieldValue({ type: 'relation' }, [{ id: 1, title: '美的' }, { id: 2, title: '格力' }], 'zh-CN')).toBe('美的、格力')
    expect(formatFieldValue({ type: 'multiselect' }, ['A', 'B'], 'en')).toBe('A, B')
    expect(formatFieldValue({ type: 'amount' }, null, 'zh-CN')).toBe('')
    expect(formatFieldValue({ type: 'text' }, '合同', 'zh-CN')).toBe('合同')
  })
})
