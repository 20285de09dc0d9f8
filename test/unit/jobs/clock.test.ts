import { describe, expect, it } from 'vitest'
import { CoreClock, ManualClock, systemClock, wallTime } from '../../../src-main/clock'
import { OffsetClock } from '../../../src-main/jobs/offset-clock'

// The core's time and the machine's: a demo clock (`serve --now`) moves the first, never the
// second, which outside systems check signatures against (a DingTalk robot allows an hour).

describe('wall time', () => {
  it('is the real time under a shifted demo clock, and the clock itself otherwise', () => {
    let real = Date.UTC(2026, 10, 24, 8)
    const demo = new OffsetClock(Date.UTC(2025, 0, 1), () => real)
    const core = new CoreClock(demo)
    expect(core.now()).toBe(Date.UTC(2025, 0, 1))
    expect(wallTime(core)).toBe(real)
    real += 60_000
    demo.advance(30 * 24 * 3600_000)
    expect(wallTime(core)).toBe(real)
    // Tests' manual clocks and the system clock: one time for both.
    const manual = new CoreClock(new ManualClock(123))
    expect(wallTime(manual)).toBe(123)
    expect(Math.abs(wallTime(systemClock) - Date.now())).toBeLessThan(1000)
  })
})
