// One injectable clock for the whole core: tests and demos move time, nothing calls Date.now()
// directly in engine code.
export interface Clock {
  now(): number
  /**
   * The machine's real time where it differs from `now` (a demo clock moved to another day): for
   * what another system checks against its own time, like a DingTalk robot's signature.
   */
  wall?(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** The real time for outside systems: the clock's wall time if it keeps one, else its time. */
export function wallTime(clock: Clock): number {
  return clock.wall?.() ?? clock.now()
}

/** A clock tests can set and advance. */
export class ManualClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms
  }
  set(ms: number): void {
    this.ms = ms
  }
  advance(ms: number): void {
    this.ms += ms
  }
}

/**
 * The core's clock: the given one, except while simulated history is written — sample data
 * created over the past two years — when time stands where the writer sets it. The core runs
 * such a write synchronously, so nothing else reads the clock in between.
 */
export class CoreClock implements Clock {
  private pinned: number | null = null
  constructor(readonly base: Clock) {}

  now(): number {
    return this.pinned ?? this.base.now()
  }

  wall(): number {
    return wallTime(this.base)
  }

  /** Run `write` with a `setTime` that stops the clock at a moment; time flows again afterwards. */
  simulate<T>(write: (setTime: (ms: number) => void) => T): T {
    const outer = this.pinned
    try {
      return write((ms) => {
        this.pinned = ms
      })
    } finally {
      this.pinned = outer
    }
  }
}
