import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

// Dates in tests are written for China Standard Time, the timezone of our users.
process.env.TZ = 'Asia/Shanghai'

// vitest 5's failure reporter calls Map.groupBy, which Node 20 lacks (Node 21+). Without this a
// failing test crashes the reporter instead of printing the failure.
if (!('groupBy' in Map)) {
  Object.defineProperty(Map, 'groupBy', {
    value<K, V>(items: Iterable<V>, key: (item: V, index: number) => K): Map<K, V[]> {
      const out = new Map<K, V[]>()
      let i = 0
      for (const item of items) {
        const k = key(item, i++)
        const list = out.get(k)
        if (list) list.push(item)
        else out.set(k, [item])
      }
      return out
    }
  })
}

export default defineConfig({
  resolve: { alias: { '@shared': resolve(import.meta.dirname, 'src-main/shared') } },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
    environment: 'node',
    pool: 'forks',
    // Each worker evaluates the core's modules once instead of once per file: the suite spent more
    // than half its time importing the same modules again (vitest's own import report). No test
    // mocks modules or stubs globals, so nothing leaks from one file into the next.
    isolate: false,
    // One worker per core: vitest's default leaves one core free, which on a 2-core CI machine
    // ran the suite in a single process (154 s → 103 s with both cores).
    maxWorkers: availableParallelism(),
    testTimeout: 30_000
  }
})
