import { describe, expect, it } from 'vitest'
import { chineseAmount } from '../../../src-renderer/src/components/crm/chinese-amount'

describe('amount in Chinese capitals', () => {
  it('writes amounts as on a quote', () => {
    expect(chineseAmount(12345.6)).toBe('壹万贰仟叁佰肆拾伍元陆角整')
    expect(chineseAmount(100000)).toBe('壹拾万元整')
    expect(chineseAmount(1005.07)).toBe('壹仟零伍元零柒分')
    expect(chineseAmount(28500)).toBe('贰万捌仟伍佰元整')
    expect(chineseAmount(10020030)).toBe('壹仟零贰万零叁拾元整')
    expect(chineseAmount(0)).toBe('零元整')
  })
})
