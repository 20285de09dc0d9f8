import { describe, expect, it } from 'vitest'
import { FIGURE_KEYS, runBench, TARGETS } from '../../bench/run'

// The benchmark itself must keep working: at a small size it runs every phase and reports
// every figure with a sane value. Timings are not asserted here (that is what the bench is for).

describe('benchmark smoke run', () => {
  it('runs every phase at 2,000 records and reports every figure', async () => {
    const f = await runBench({ records: 2_000, json: true, print: false })

    expect(Object.keys(f).sort()).toEqual([...FIGURE_KEYS].sort())
    expect(f.records).toBe(2_000)
    expect(f.node).toBe(process.version)
    expect(f.sqlite).toMatch(/^3\.\d+\.\d+$/)
    expect(f.data_dir).toBeNull()

    for (const key of ['raw_rows_per_s', 'pipeline_rows_per_s', 'insert_ratio', 'rss_mb', 'elapsed_s'] as const) {
      expect(Number.isFinite(f[key]), key).toBe(true)
      expect(f[key], key).toBeGreaterThan(0)
    }
    // Both insert paths wrote the same rows; the pipeline does more work per row than raw SQLite.
    expect(f.insert_ratio).toBeCloseTo(f.pipeline_rows_per_s / f.raw_rows_per_s, 2)
    for (const op of ['create', 'list', 'list_deep', 'count', 'search'] as const) {
      const p50 = f[`${op}_p50_ms`]
      const p95 = f[`${op}_p95_ms`]
      expect(p50, op).toBeGreaterThan(0)
      expect(p95, op).toBeGreaterThanOrEqual(p50)
    }
    expect(f.search_short_p95_ms).toBeGreaterThan(0)
    expect(f.search_fts_p95_ms).toBeGreaterThan(0)
    expect(f.list_deep_pages).toBeGreaterThanOrEqual(1)
    expect(f.list_deep_pages).toBeLessThanOrEqual(20)
    expect(f.rss_mb).toBeLessThan(16_384)

    expect(f.targets).toEqual(TARGETS)
    expect(Object.keys(f.pass).sort()).toEqual(Object.keys(TARGETS).sort())
    for (const v of Object.values(f.pass)) expect(typeof v).toBe('boolean')
    expect(f.pass.insert_ratio).toBe(f.insert_ratio >= TARGETS.insert_ratio.min)
    expect(f.pass.rss_mb).toBe(f.rss_mb < TARGETS.rss_mb.max)
  }, 120_000)
})
