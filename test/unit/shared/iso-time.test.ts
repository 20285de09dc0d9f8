import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isoTime } from '../../../src-main/shared/iso-time'

describe('isoTime', () => {
  it('writes what Date#toISOString writes, for any instant', () => {
    fc.assert(fc.property(fc.integer({ min: -8_640_000_000_000_000, max: 8_640_000_000_000_000 }), (ms) => {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString())
    }), { numRuns: 5000 })
  })

  it('at the edges: epoch, leap days, the turn of centuries, the last millisecond of 9999', () => {
    for (const text of ['1970-01-01T00:00:00.000Z', '2000-02-29T23:59:59.999Z', '2100-03-01T00:00:00.000Z', '2024-12-31T12:00:00.005Z', '9999-12-31T23:59:59.999Z', '1969-12-31T23:59:59.999Z', '+010000-01-01T00:00:00.000Z']) {
      const ms = Date.parse(text)
      expect(isoTime(ms)).toBe(new Date(ms).toISOString())
    }
    for (let ms = 0; ms < 5 * 365 * 86_400_000; ms += 86_400_000 - 1) expect(isoTime(ms)).toBe(new Date(ms).toISOString())
  })

  it('is not a date where Date has none', () => {
    expect(() => isoTime(Number.NaN)).toThrow(RangeError)
  })
})
