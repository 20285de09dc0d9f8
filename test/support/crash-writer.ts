import { Core } from '../../src-main/core'
import type { Actor } from '../../src-main/access/actor'
import { TEST_PASSWORD_COST } from './core'

// Child process for the crash-safety test: opens a core on the data directory given as the only
// argument and writes records through the pipeline in small transactions, forever, until it is
// killed. After each commit it prints `committed <batch> <firstId> <lastId>`; a line is printed
// only once bulkCreate has returned, so every id reported is durable against a process crash.
//
//   node --import tsx test/support/crash-writer.ts <dataDir> [batchSize]

const CRASH_FORM_KEY = 'crashTest'

async function main(): Promise<void> {
  const dataDir = process.argv[2]
  if (!dataDir) throw new Error('usage: crash-writer.ts <dataDir> [batchSize]')
  const batchSize = Number(process.argv[3] ?? 100)
  const core = await Core.open({ dataDir, passwordCost: TEST_PASSWORD_COST })
  if (core.auth.needsSetup()) await core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
  const user = core.auth.users()[0]!
  const actor: Actor = { id: user.id, name: user.name, isAdmin: true, locale: 'zh-CN' }
  let formId = core.schema.formIds().find((id) => core.schema.form(id).apiKey === CRASH_FORM_KEY)
  if (formId === undefined) {
    const app = core.schema.createApp({ label: '崩溃测试' })
    formId = core.schema.createForm({
      appId: app.id, label: '商机', apiKey: CRASH_FORM_KEY,
      fields: [
        { label: '客户名称', type: 'text', required: true },
        { label: '金额', type: 'amount' },
        { label: '销售阶段', type: 'select', config: { options: [{ id: 's1', label: '初步接洽', color: 'blue' }, { id: 's2', label: '谈判', color: 'orange' }] } },
        { label: '备注', type: 'textarea' }
      ]
    }).id
  }
  process.stdout.write(`ready ${formId}\n`)
  for (let batch = 1; ; batch++) {
    const rows = Array.from({ length: batchSize }, (_, i) => ({
      客户名称: `杭州云栖科技有限公司 ${process.pid}-${batch}-${i}`,
      金额: (batch * batchSize + i) % 100_000,
      销售阶段: i % 2 ? '谈判' : '初步接洽',
      备注: '客户关注 CRM 系统，已发报价单。'.repeat(1 + (i % 5))
    }))
    const ids = core.writes.bulkCreate(actor, formId, rows)
    process.stdout.write(`committed ${batch} ${ids[0]} ${ids[ids.length - 1]}\n`)
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exit(1)
})
