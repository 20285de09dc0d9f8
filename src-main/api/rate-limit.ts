// A sliding-window limiter per client address, for login attempts over HTTP: guessing passwords
// from another PC on the LAN is slowed to a crawl, on top of the per-account lockout.
export class RateLimiter {
  private hits = new Map<string, number[]>()

  constructor(private readonly max: number, private readonly windowMs: number, private readonly now: () => number = Date.now) {}

  /** Record an attempt; false when the client is over the limit. */
  take(key: string): boolean {
    const now = this.now()
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs)
    if (recent.length >= this.max) {
      this.hits.set(key, recent)
      return false
    }
    recent.push(now)
    this.hits.set(key, recent)
    if (this.hits.size > 10_000) for (const [k, v] of this.hits) if (v.every((t) => now - t >= this.windowMs)) this.hits.delete(k)
    return true
  }
}
