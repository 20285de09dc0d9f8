import { afterEach, describe, expect, it } from 'vitest'
import { bundledApp } from '../../../src-main/apps/bundled'
import { installApp } from '../../../src-main/apps/installer'
import { testCore } from '../../support/core'

// A new 跟进记录 written without a time (写跟进 on the customer page) is dated now, not today 00:00:
// a date-time field's =NOW() default keeps its time.

let env: Awaited<ReturnType<typeof testCore>> | null = null
afterEach(() => {
  env?.close()
  env = null
})

describe('a new follow-up', () => {
  it('is timed now by its =NOW() default', async () => {
    env = await testCore()
    const { core, actor, clock } = env
    installApp(core, actor, bundledApp('crm').pkg, { locale: 'zh-CN' })
    clock.advance(15 * 3600_000 + 37 * 60_000)
    const customer = core.writes.create(actor, 'customer', { name: '杭州云栖科技' })
    const id = core.writes.create(actor, 'followUp', { subject: '电话沟通', customer })
    const time = core.reads.get(actor, 'followUp', id).fields.time as string
    expect(Math.abs(Date.parse(time) - clock.now())).toBeLessThan(60_000)
  })
})
