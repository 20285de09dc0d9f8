// `npm run seed:demo -- --data <dir> [--seed <n>] [--locale zh-CN|en]`: install the sales app (if
// missing) and load two years of sample data into a data directory, through the same core as the
// app. Creates the administrator admin / admin12345 when the directory is new. Records are
// created at their simulated time (a manual clock moved month by month).
import { resolve, join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Core } from '../src-main/core'
import { ManualClock } from '../src-main/clock'
import { loadAppDir } from '../src-main/apps/load-dir'
import { demoPasswordHash, seedDemo } from '../src-main/crm/seed'
import type { Actor } from '../src-main/access/actor'

const { values } = parseArgs({ options: { data: { type: 'string' }, seed: { type: 'string', default: '20240601' }, locale: { type: 'string', default: 'zh-CN' } } })
if (!values.data) {
  console.error('Usage: npm run seed:demo -- --data <dir> [--seed <n>] [--locale zh-CN|en]')
  process.exit(2)
}
const __dirname_ = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url))

async function main(): Promise<void> {
  const locale = values.locale === 'en' ? 'en' : 'zh-CN'
  const now = Date.now()
  const clock = new ManualClock(now)
  const core = await Core.open({ dataDir: resolve(values.data), clock })
  try {
    if (core.auth.needsSetup()) await core.auth.setup({ name: '管理员', login: 'admin', password: 'admin12345' })
    const adminId = core.db.prepare('SELECT id FROM users WHERE is_admin = 1 AND active = 1 ORDER BY id LIMIT 1').pluck().get() as number
    const actor: Actor = { id: adminId, name: 'admin', isAdmin: true, locale }
    const { pkg, ignored } = loadAppDir(join(__dirname_, '../resources/apps/crm'))
    if (ignored.length) console.log(`Sections without a registered engine, left out: ${ignored.join(', ')}`)
    if (!core.crm.app()) core.crm.install(actor, pkg, locale)
    const passwordHash = await demoPasswordHash(core)
    const started = performance.now()
    const report = seedDemo(core, actor, { seed: Number(values.seed), setTime: (ms) => clock.set(ms), passwordHash })
    clock.set(now)
    console.log(`Loaded sample data in ${((performance.now() - started) / 1000).toFixed(1)} s:`, JSON.stringify(report.counts))
  } finally {
    core.close()
  }
}

void main()
