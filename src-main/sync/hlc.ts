// A hybrid logical clock for one device: stamps never go backwards, even when the machine's clock
// jumps back (a laptop with a flat CMOS battery, a manual change), and move forward past the
// host's clock seen on a pull. Operations of a device are ordered by their stamps.

export class Hlc {
  private wall = 0
  private counter = 0

  constructor(private readonly now: () => number, saved: string | null = null) {
    if (saved) {
      const [w, c] = saved.split('-').map(Number)
      this.wall = w ?? 0
      this.counter = c ?? 0
    }
  }

  /** A new stamp, later than every stamp this clock gave or received. */
  tick(): string {
    const t = this.now()
    if (t > this.wall) {
      this.wall = t
      this.counter = 0
    } else {
      this.counter++
    }
    return this.toString()
  }

  /** The host's clock seen on a pull. */
  receive(remote: number): void {
    if (remote > this.wall) {
      this.wall = remote
      this.counter = 0
    }
  }

  toString(): string {
    return `${String(this.wall).padStart(13, '0')}-${this.counter}`
  }
}
