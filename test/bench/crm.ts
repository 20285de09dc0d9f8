import { performance } from 'node:perf_hooks'
import { testCore } from '../support/core'
import { loadAppDir } from '../../src-main/apps/load-dir'
import { demoPasswordHash, seedDemo } from '../../src-main/crm/seed'
import type { Actor } from '../../src-main/access/actor'

// Sales app benchmark.
//   npx tsx test/bench/crm.ts [--size N] [--json]      (N customers of sample data, default 500)
// 1. Install the app definition (13 forms with their fields, views, permissions and the engines'
//    sections) in one transaction. Target < 3 s.
// 2. Sample data: N customers and everything around them (two years), through the bulk write path
//    with the clock moved month by month. Reported as records/s. Target: 500 customers < 20 s.
// 3. Duplicate check while a customer is typed (the normalised name and phone over every customer
//    the user sees): p95. Target < 50 ms at 5,000 customers.
// 4. Claim from and release to the pool, and a lead conversion (customer + contact + opportunity
//    in one transaction): p50 each. Target < 20 ms.

function parseArgs(argv: string[]) {
  const size = Number(argv[argv.indexOf('--size') + 1])
  return { size: argv.includes('--size') && size > 0 ? size : 500, json: argv.includes('--json') }
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!
const round = (n: number) => Math.round(n * 100) / 100

async function main(): Promise<void> {
  const { size, json } = parseArgs(process.argv.slice(2))
  const ctx = await testCore({ now: new Date(2025, 5, 15, 9, 0, 0).getTime() })
  const { core, actor, clock } = ctx
  try {
    const { pkg } = loadAppDir(new URL('../../resources/apps/crm', import.meta.url).pathname)
    let t = performance.now()
    core.crm.install(actor, pkg, 'zh-CN')
    const installMs = performance.now() - t

    const start = clock.now()
    t = performance.now()
    const report = seedDemo(core, actor, { seed: 1, customers: size, setTime: (ms) => clock.set(ms), passwordHash: await demoPasswordHash(core) })
    const seedMs = performance.now() - t
    clock.set(start)
    const records = Object.values(report.counts).reduce((a, b) => a + b, 0)

    const names = core.reads.list(actor, { form: 'customer', limit: 200 }).records.map((r) => String(r.fields.name))
    const dup: number[] = []
    for (const name of names) {
      const s = performance.now()
      core.crm.duplicates.check(actor, { name: name.replace('有限公司', ''), phone: '0571-88886666' })
      dup.push(performance.now() - s)
    }

    const repRole = core.org.roles().find((r) => r.key === 'sales_rep')!.id
    const repId = await core.org.createUser(actor.id, { name: '基准', login: 'bench-rep', password: 'secret123', roleIds: [repRole] })
    const rep: Actor = { id: repId, name: '基准', isAdmin: false, locale: 'zh-CN' }
    const pool = core.reads.list(rep, { form: 'customer', filter: { field: 'owner', op: 'empty' }, limit: 50 }).records.map((r) => r.id)
    const claim: number[] = []
    const release: number[] = []
    for (const id of pool) {
      let s = performance.now()
      core.crm.pool.claim(rep, 'customer', [id])
      claim.push(performance.now() - s)
      s = performance.now()
      core.crm.pool.release(rep, 'customer', [id], '基准测试')
      release.push(performance.now() - s)
    }
    const convert: number[] = []
    for (let i = 0; i < 30; i++) {
      const lead = core.writes.create(rep, 'lead', { name: `基准${i}`, company: `基准测试${i}号有限公司`, phone: '13800000000' })
      const s = performance.now()
      core.crm.conversions.convertLead(rep, { leadId: lead, opportunity: { name: `商机${i}`, amount: 10000 } })
      convert.push(performance.now() - s)
    }

    const figures = {
      customers: size,
      records,
      install_ms: round(installMs),
      seed_s: round(seedMs / 1000),
      seed_records_per_s: Math.round(records / (seedMs / 1000)),
      duplicate_check_p95_ms: round(pct(dup, 0.95)),
      claim_p50_ms: round(pct(claim, 0.5)),
      release_p50_ms: round(pct(release, 0.5)),
      convert_lead_p50_ms: round(pct(convert, 0.5))
    }
    const targets: Record<string, string> = {
      install_ms: '< 3000',
      seed_s: size <= 500 ? '< 20' : '—',
      duplicate_check_p95_ms: '< 50 at 5,000 customers',
      claim_p50_ms: '< 20',
      release_p50_ms: '< 20',
      convert_lead_p50_ms: '< 20'
    }
    if (json) console.log(JSON.stringify(figures))
    else for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(24)} ${String(v).padStart(10)}   ${targets[k] ? `target ${targets[k]}` : ''}`)
  } finally {
    ctx.close()
  }
}

void main()
