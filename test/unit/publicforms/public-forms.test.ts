import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toActor } from '../../../src-main/access/auth'
import type { Actor } from '../../../src-main/access/actor'
import { bundledApp } from '../../../src-main/apps/bundled'
import { demoPasswordHash, seedDemo } from '../../../src-main/crm/seed'
import { publicMay, publicWriteInput } from '../../../src-main/publicforms/permission'
import { PublicFormService } from '../../../src-main/publicforms/service'
import { SubmissionLimiter } from '../../../src-main/publicforms/route'
import type { PublicFormConfig } from '../../../src-main/shared/api/publicforms'
import { DomainError } from '../../../src-main/shared/errors'
import { rawRequest, servedCore, type RawResponse } from '../../support/http'

// Public forms (外链表单) against the real server: the page shows only the published fields,
// a submission is written by the public actor (create only, published fields only) into the 公海
// and runs the rules, a field it does not publish is refused naming it, the honeypot and the rate
// limit, duplicate phones flagged, unpublishing, and the token rules.

let served: Awaited<ReturnType<typeof servedCore>>
let admin: Actor
let token: string

const CONFIG: PublicFormConfig = {
  title: '2026春季展 索取资料',
  intro: '留下联系方式，展会后我们寄送产品资料。',
  thanks: '谢谢！我们会在两个工作日内联系您。',
  showLogo: true,
  fields: [{ field: 'name', required: true }, { field: 'company', required: false }, { field: 'phone', required: true }, { field: 'city', required: false }],
  hidden: [{ field: 'source', param: '来源', value: '' }, { field: 'campaign', param: '市场活动', value: '' }],
  duplicateField: 'phone'
}

const host = () => `127.0.0.1:${served.port}`
function post(path: string, body: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(served.port, { method: 'POST', path, body, headers: { host: host(), 'content-type': 'application/x-www-form-urlencoded', ...headers } })
}
const get = (path: string, headers: Record<string, string> = {}) => rawRequest(served.port, { path, headers: { host: host(), ...headers } })
const form = (values: Record<string, string>) => new URLSearchParams(values).toString()
const leads = () => served.host.core.db.prepare(`SELECT COUNT(*) FROM ${served.host.core.schema.form('lead').table} WHERE deleted_at IS NULL`).pluck().get() as number

beforeAll(async () => {
  served = await servedCore({ prefix: 'jimu-public-forms-' })
  const core = served.host.core
  const { user } = await core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
  admin = toActor(core.auth.user(user.id)!)
  core.crm.install(admin, bundledApp('crm').pkg, 'zh-CN')
  seedDemo(core, admin, { customers: 12, passwordHash: await demoPasswordHash(core) })
  token = (await core.publicForms.save(admin, 'lead', CONFIG, true, `http://${host()}`)).path!.slice(3)
}, 120_000)
afterAll(async () => {
  await served.close()
})

describe('the public page', () => {
  it('shows the published fields only, with no script, a strict CSP and no session', async () => {
    const page = await get(`/p/${token}?${new URLSearchParams({ 来源: '展会', 市场活动: '2026春季展' })}`)
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toMatch(/text\/html/)
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toContain("default-src 'none'")
    expect(csp).not.toContain('script-src')
    expect(csp).toContain("form-action 'self'")
    expect(page.headers['set-cookie']).toBeUndefined()
    expect(page.text).not.toContain('<script')
    for (const label of ['姓名', '公司名称', '手机', '城市', '2026春季展 索取资料']) expect(page.text).toContain(label)
    // Fields not published, and record data, are never on the page.
    for (const other of ['线索评分', '线索状态', '备注', '微信', '转化客户']) expect(page.text).not.toContain(other)
    expect(page.text).toContain('value="展会"')
    expect(page.text).toContain('value="2026春季展"')
    const definition = (await get(`/p/${token}/definition`)).json()
    expect(definition.fields.map((f: { key: string }) => f.key)).toEqual(['name', 'company', 'phone', 'city'])
    expect(JSON.stringify(definition)).not.toMatch(/score|status|notes|wechat/)
  })

  it('refuses a foreign Host like every route', async () => {
    expect((await get(`/p/${token}`, { host: `evil.example:${served.port}` })).status).toBe(421)
  })

  it('answers an unknown or malformed token with 404, translated', async () => {
    for (const bad of ['x', 'A'.repeat(24), `${token}x`, `${token}/../definition`]) {
      const r = await get(`/p/${encodeURIComponent(bad)}`)
      expect(r.status).toBe(404)
    }
    expect((await get('/p/' + 'B'.repeat(24), { 'accept-language': 'en' })).text).toContain('Form not found')
  })
})

describe('a submission', () => {
  it('refuses a field the form does not publish, naming it, and writes nothing', async () => {
    const before = leads()
    const r = await post(`/p/${token}`, form({ name: '黑客', phone: '13900002222', score: '100' }), { 'x-forwarded-for': '1' })
    expect(r.status).toBe(422)
    expect(r.text).toContain('字段「线索评分」不在此表单中，提交未被接受')
    const json = await rawRequest(served.port, { method: 'POST', path: `/p/${token}`, body: JSON.stringify({ name: '黑客', phone: '13900002222', owner: 1 }), headers: { host: host(), 'content-type': 'application/json', 'accept-language': 'en' } })
    expect(json.status).toBe(422)
    expect(json.json().message).toContain('"owner"')
    expect(leads()).toBe(before)
  })

  it('lands in the 公海 as a new lead with the link\'s hidden values, and runs the rules', async () => {
    const core = served.host.core
    const before = leads()
    const r = await post(`/p/${token}`, form({ name: '钱多多', company: '杭州多多科技有限公司', phone: '138 0000 1111', city: '杭州', source: '展会', campaign: '2026春季展' }), { 'x-forwarded-for': 'ignored' })
    expect(r.status).toBe(200)
    expect(r.text).toContain('谢谢！我们会在两个工作日内联系您。')
    expect(leads()).toBe(before + 1)
    const id = core.db.prepare(`SELECT MAX(id) FROM ${core.schema.form('lead').table}`).pluck().get() as number
    const lead = core.reads.get(admin, 'lead', id)
    expect(lead.owner).toBeNull()
    expect(lead.fields).toMatchObject({ name: '钱多多', source: '展会', status: '新线索', city: '杭州' })
    expect((lead.fields.campaign as { title: string } | null)?.title ?? (lead.fields.campaign as { name?: string } | null)?.name).toBe('2026春季展')
    // The shipped 线索评分：按来源 rule ran on `created`.
    expect(lead.fields.score).toBe(20)
  })

  it('thanks a robot that filled the honeypot and writes nothing; refuses bad types and large bodies', async () => {
    const before = leads()
    const r = await post(`/p/${token}`, form({ name: '机器人', phone: '13900003333', website_url: 'http://spam.example' }))
    expect(r.status).toBe(200)
    expect(leads()).toBe(before)
    expect((await rawRequest(served.port, { method: 'POST', path: `/p/${token}`, body: 'x', headers: { host: host(), 'content-type': 'text/plain' } })).status).toBe(415)
    expect((await post(`/p/${token}`, form({ name: 'x'.repeat(40_000) }))).status).toBe(413)
    expect(leads()).toBe(before)
  })

  it('limits accepted submissions per address: a second fast one is refused', async () => {
    // The first test's submission came from this address a moment ago.
    const r = await post(`/p/${token}`, form({ name: '赵快', phone: '13900004444' }))
    expect(r.status).toBe(429)
    expect(r.text).toContain('提交过于频繁，请稍后再试')
    let now = 0
    const limiter = new SubmissionLimiter(() => now)
    expect(limiter.allowed('a')).toBe(true)
    limiter.record('a')
    expect(limiter.allowed('a')).toBe(false)
    expect(limiter.allowed('b')).toBe(true)
    now += 15_000
    expect(limiter.allowed('a')).toBe(true)
  })

  it('flags a duplicate phone on the submission, without merging or refusing it', async () => {
    const core = served.host.core
    const first = core.publicForms.submit(token, { name: '孙重复', phone: '13700005555' }, 'test-a')
    expect(first.duplicateOf).toBeNull()
    const second = core.publicForms.submit(token, { name: '孙重复', phone: '+86 137-0000-5555' }, 'test-b')
    expect(second.duplicateOf).toBe(first.recordId)
    expect(second.recordId).not.toBe(first.recordId)
    const dto = await core.publicForms.get('lead')
    expect(dto.submissions[0]).toMatchObject({ recordId: second.recordId, duplicateOf: first.recordId })
  })
})

describe('the public actor\'s permission', () => {
  it('may only create, and only the published fields', () => {
    expect(publicMay('create')).toBe(true)
    for (const action of ['view', 'edit', 'delete'] as const) expect(publicMay(action)).toBe(false)
    const lead = served.host.core.schema.form('lead')
    expect(publicWriteInput(lead, CONFIG, { name: '甲', phone: '13800000000', source: '展会' })).toEqual({ name: '甲', phone: '13800000000', source: '展会' })
    for (const key of ['score', 'status', 'owner', 'id', 'createdBy', 'notes']) {
      const e = (() => {
        try {
          publicWriteInput(lead, CONFIG, { name: '甲', phone: '1', [key]: 'x' })
        } catch (err) {
          return err
        }
      })() as DomainError
      expect(e).toBeInstanceOf(DomainError)
      expect(e.messageKey).toBe('publicforms.error.fieldNotAllowed')
      expect(e.field).toBe(key)
    }
    expect(() => publicWriteInput(lead, CONFIG, { company: '乙' })).toThrow(/publicforms.error.required/)
  })
})

describe('publishing', () => {
  it('keeps every setting on open + save, and the token across saves', async () => {
    const core = served.host.core
    const opened = await core.publicForms.get('lead')
    const saved = await core.publicForms.save(admin, 'lead', opened.config!, opened.published)
    expect(saved.config).toEqual(opened.config)
    expect(saved.config).toEqual(CONFIG)
    expect(saved.path).toBe(`/p/${token}`)
    expect(PublicFormService.isToken(token)).toBe(true)
    expect(token).toHaveLength(24)
  })

  it('refuses settings that could never be submitted', async () => {
    const core = served.host.core
    await expect(core.publicForms.save(admin, 'lead', { ...CONFIG, fields: [{ field: 'company', required: false }] }, true)).rejects.toMatchObject({ messageKey: 'publicforms.error.requiredMissing' })
    await expect(core.publicForms.save(admin, 'lead', { ...CONFIG, fields: [...CONFIG.fields, { field: 'convertedCustomer', required: false }] }, true)).rejects.toMatchObject({ messageKey: 'publicforms.error.fieldNotPublishable' })
    await expect(core.publicForms.save(admin, 'lead', { ...CONFIG, duplicateField: 'city' }, true)).rejects.toMatchObject({ messageKey: 'publicforms.error.duplicateField' })
  })

  it('unpublishes in one call: the link answers 此表单已停止收集, and works again when republished', async () => {
    const core = served.host.core
    await core.publicForms.unpublish('lead')
    const page = await get(`/p/${token}`)
    expect(page.status).toBe(410)
    expect(page.text).toContain('此表单已停止收集')
    expect((await get(`/p/${token}`, { 'accept-language': 'en' })).text).toContain('no longer accepting responses')
    expect((await post(`/p/${token}`, form({ name: '迟到', phone: '13600006666' }))).status).toBe(410)
    await core.publicForms.save(admin, 'lead', CONFIG, true)
    expect((await get(`/p/${token}`)).status).toBe(200)
  })
})
