import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toActor } from '../../../src-main/access/auth'
import type { Actor } from '../../../src-main/access/actor'
import { bundledApp } from '../../../src-main/apps/bundled'
import { demoPasswordHash, seedDemo } from '../../../src-main/crm/seed'
import { ident } from '../../../src-main/db/connection'
import { rawRequest, servedCore } from '../../support/http'

// 满意度回访 through its one-time link, and the sales app's additions around it: 市场活动 with
// their figures, the lead that becomes 已联系 with its first follow-up, the disabled delivery
// example rule, and the city assignment + "new lead" notice a public submission triggers.

let served: Awaited<ReturnType<typeof servedCore>>
let admin: Actor

const host = () => `127.0.0.1:${served.port}`
const userActor = (login: string): Actor => {
  const core = served.host.core
  const id = core.db.prepare('SELECT id FROM users WHERE login = ?').pluck().get(login) as number
  return toActor(core.auth.user(id)!)
}

beforeAll(async () => {
  served = await servedCore({ prefix: 'jimu-survey-' })
  const core = served.host.core
  const { user } = await core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
  admin = toActor(core.auth.user(user.id)!)
  core.crm.install(admin, bundledApp('crm').pkg, 'zh-CN')
  seedDemo(core, admin, { customers: 40, passwordHash: await demoPasswordHash(core) })
}, 120_000)
afterAll(async () => {
  await served.close()
})

describe('满意度回访', () => {
  it('a one-time link stores score and comment on the ticket, then answers that it is complete', async () => {
    const core = served.host.core
    const service = userActor('sunlei')
    const ticket = core.writes.create(service, 'ticket', { title: '门禁读头无法识别', status: 'closed' })
    const link = await core.publicForms.surveys.link(service, 'ticket', ticket, `http://${host()}`)
    expect(link.path).toMatch(/^\/p\/[A-Za-z0-9_-]{24}$/)
    expect(link.qrSvg).toContain('<svg')
    expect(link.answered).toBe(false)
    // The same unused link is handed out again.
    expect((await core.publicForms.surveys.link(service, 'ticket', ticket)).path).toBe(link.path)
    const page = await rawRequest(served.port, { path: link.path, headers: { host: host() } })
    expect(page.status).toBe(200)
    expect(page.text).toContain('门禁读头无法识别')
    expect(page.text).not.toContain('<script')
    const post = (body: string) => rawRequest(served.port, { method: 'POST', path: link.path, body, headers: { host: host(), 'content-type': 'application/x-www-form-urlencoded' } })
    const bad = await post('score=9')
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('请选择 1 到 5 分')
    expect((await post('score=5&status=open')).status).toBe(422)
    const ok = await post(new URLSearchParams({ score: '4', comment: '工程师很专业' }).toString())
    expect(ok.status).toBe(200)
    expect(ok.text).toContain('感谢您的评价')
    const stored = core.reads.get(admin, 'ticket', ticket).fields
    expect(stored).toMatchObject({ csatScore: 4, csatComment: '工程师很专业', status: '已关闭' })
    expect(stored.csatAt).toBeTruthy()
    // Spent: a second answer changes nothing.
    const again = await post('score=1')
    expect(again.status).toBe(410)
    expect(core.reads.get(admin, 'ticket', ticket).fields.csatScore).toBe(4)
    expect((await core.publicForms.surveys.link(service, 'ticket', ticket)).answered).toBe(true)
  })

  it('is made only by someone who may edit the record', async () => {
    const core = served.host.core
    const ticket = core.writes.create(userActor('sunlei'), 'ticket', { title: '考勤导出', status: 'closed' })
    await expect(core.publicForms.surveys.link(userActor('zhaoli'), 'ticket', ticket)).rejects.toMatchObject({ code: 'PERMISSION' })
    await expect(core.publicForms.surveys.link(admin, 'lead', 1)).rejects.toMatchObject({ messageKey: 'publicforms.survey.noFields' })
  })
})

describe('the sales app additions', () => {
  it('seeds campaigns whose figures add up from their leads and won opportunities', () => {
    const core = served.host.core
    const campaigns = core.reads.list(admin, { form: 'campaign', limit: 50 }).records
    expect(campaigns.map((c) => c.fields.name)).toContain('2026春季展')
    const lead = core.schema.form('lead')
    const opp = core.schema.form('opportunity')
    for (const c of campaigns) {
      const leads = core.db.prepare(`SELECT COUNT(*) FROM ${ident(lead.table)} WHERE deleted_at IS NULL AND ${ident(lead.byKey.get('campaign')!.column!)} = ?`).pluck().get(c.id) as number
      const won = core.db.prepare(`SELECT COALESCE(SUM(${ident(opp.byKey.get('amount')!.column!)}), 0) FROM ${ident(opp.table)} WHERE deleted_at IS NULL AND ${ident(opp.byKey.get('campaign')!.column!)} = ? AND ${ident(opp.byKey.get('stage')!.column!)} = 'won'`).pluck().get(c.id) as number
      expect(Number(c.fields.leadCount ?? 0)).toBe(leads)
      expect(Number(c.fields.wonAmount ?? 0)).toBeCloseTo(won, 2)
      const cost = Number(c.fields.actualCost ?? 0)
      if (cost > 0) expect(Number(c.fields.roi)).toBeCloseTo((won - cost) / cost, 3)
      if (leads > 0) expect(Number(c.fields.costPerLead)).toBeCloseTo(cost / leads, 2)
    }
    expect(campaigns.reduce((n, c) => n + Number(c.fields.leadCount ?? 0), 0)).toBeGreaterThan(0)
  })

  it('a lead moves from 新线索 to 已联系 when its first follow-up is logged', () => {
    const core = served.host.core
    const rep = userActor('zhangwei')
    const id = core.writes.create(rep, 'lead', { name: '冯新', phone: '13512340000' })
    expect(core.reads.get(rep, 'lead', id).fields.status).toBe('新线索')
    core.writes.create(rep, 'followUp', { subject: '首次电话', method: 'call', lead: id, time: new Date(core.clock.now()).toISOString() })
    expect(core.reads.get(rep, 'lead', id).fields.status).toBe('已联系')
  })

  it('ships the payment-received delivery rule disabled, and it validates', () => {
    const rule = served.host.core.rules.list('payment').find((r) => r.name === '回款到账后安排交付（示例）')
    expect(rule?.enabled).toBe(false)
  })

  it('a public submission is assigned by city and its owner told, when the shipped rule is set up', async () => {
    const core = served.host.core
    const rep = userActor('zhangwei')
    const rule = core.rules.list('lead').find((r) => r.name === '新线索按城市自动分配')!
    const actions = rule.actions.map((a) => (a.type === 'assign' ? { ...a, map: [{ value: '杭州', userId: rep.id }] } : a))
    core.rules.update(rule.id, { actions, enabled: true })
    const { path } = await core.publicForms.save(admin, 'lead', { title: '索取资料', intro: '', thanks: '谢谢', showLogo: false, fields: [{ field: 'name', required: true }, { field: 'phone', required: true }, { field: 'city', required: false }], hidden: [], duplicateField: null }, true)
    const { recordId } = core.publicForms.submit(path!.slice(3), { name: '褚杭州', phone: '13600001111', city: '杭州' }, 'x')
    expect(core.reads.get(admin, 'lead', recordId).owner?.id).toBe(rep.id)
    expect(core.notifications.list(rep.id).items.some((n) => n.title.includes('褚杭州'))).toBe(true)
    const other = core.publicForms.submit(path!.slice(3), { name: '卫成都', phone: '13600002222', city: '成都' }, 'y')
    expect(core.reads.get(admin, 'lead', other.recordId).owner).toBeNull()
  })
})
