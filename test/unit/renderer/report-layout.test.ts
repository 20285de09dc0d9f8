import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { firstFreeSpot, type Box } from '../../../src-renderer/src/components/reports/placement'
import { funnelCounts } from '../../../src-renderer/src/components/reports/charts/funnel'

// A new widget takes the first free spot of the 12-column grid (two half-width widgets share a
// row); the funnel's figures all mean "reached this stage".

describe('new widget placement', () => {
  it('fills the right half of a row before starting the next', () => {
    const a = firstFreeSpot([], { w: 6, h: 5 })
    expect(a).toEqual({ x: 0, y: 0, w: 6, h: 5 })
    const b = firstFreeSpot([a], { w: 6, h: 5 })
    expect(b).toEqual({ x: 6, y: 0, w: 6, h: 5 })
    const c = firstFreeSpot([a, b], { w: 6, h: 5 })
    expect(c).toEqual({ x: 0, y: 5, w: 6, h: 5 })
  })

  it('uses a gap left by a removed widget and never overlaps one', () => {
    const taken: Box[] = [{ x: 0, y: 0, w: 12, h: 3 }, { x: 6, y: 3, w: 6, h: 5 }]
    expect(firstFreeSpot(taken, { w: 6, h: 5 })).toEqual({ x: 0, y: 3, w: 6, h: 5 })
    const box = fc.record({ x: fc.integer({ min: 0, max: 11 }), y: fc.integer({ min: 0, max: 20 }), w: fc.integer({ min: 1, max: 12 }), h: fc.integer({ min: 1, max: 6 }) }).map((b) => ({ ...b, w: Math.min(b.w, 12 - b.x) }))
    fc.assert(
      fc.property(fc.array(box, { maxLength: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 8 }), (boxes, w, h) => {
        const spot = firstFreeSpot(boxes, { w, h })
        expect(spot.x + spot.w).toBeLessThanOrEqual(12)
        for (const b of boxes) expect(spot.x < b.x + b.w && b.x < spot.x + spot.w && spot.y < b.y + b.h && b.y < spot.y + spot.h).toBe(false)
      })
    )
  })
})

describe('funnel figures', () => {
  it('the band, its number and the conversion all count the records that reached the stage', () => {
    // 16 at 方案, 0 at 谈判, 16 at 赢单 used to read "16 → 转化 95.8% → 16".
    const c = funnelCounts([10, 16, 0, 16])
    expect(c.map((x) => x.reached)).toEqual([42, 32, 16, 16])
    expect(c.map((x) => x.own)).toEqual([10, 16, 0, 16])
    expect(c.map((x) => x.conversion)).toEqual([null, 32 / 42, 0.5, 1])
  })
})
