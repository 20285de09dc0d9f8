import type { Clock } from '../clock'

/**
 * The real clock shifted by an offset: `serve --now <ISO>` starts the server at that time and lets
 * an administrator move it forward for demos and end-to-end tests (clock.advance). Time still
 * flows, so the scheduler keeps ticking as it would.
 */
export class OffsetClock implements Clock {
  private offset: number

  constructor(start: number, private readonly base: () => number = () => Date.now()) {
    this.offset = start - base()
  }

  now(): number {
    return this.base() + this.offset
  }

  wall(): number {
    return this.base()
  }

  advance(ms: number): void {
    this.offset += ms
  }
}
