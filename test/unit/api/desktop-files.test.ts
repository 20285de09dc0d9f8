import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CoreHost } from '../../../src-main/api/host'
import { toActor } from '../../../src-main/access/auth'
import type { Actor } from '../../../src-main/access/actor'
import { serveAttachment } from '../../../src-main/app/files'
import { desktopFileResponse } from '../../../src-main/attachments'
import { TEST_PASSWORD_COST } from '../../support/core'
import { flowEnv, single, type Env } from '../flows/helpers'

// The desktop window gets attachments from the main process (jimu-file://files/<hash>?<where>),
// with the same decision as a browser gets them from /files/<hash>: only while someone is signed
// in, only files in what they may read there (or their own uploads), and never as active content.

let dataDir: string
let host: CoreHost
let adminToken: string
let repToken: string
let otherToken: string
let png: string
let formId: number
let fieldId: number
let repRecord: number
let otherRecord: number
let otherFile: string
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')
const url = (hash: string, query = '') => `jimu-file://files/${hash}${query ? `?${query}` : ''}`

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jimu-files-'))
  host = await CoreHost.open({ dataDir, passwordCost: TEST_PASSWORD_COST })
  const core = host.core
  const setup = await core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
  adminToken = setup.token
  const admin = toActor(setup.user)
  const repRole = core.org.roles().find((r) => r.key === 'sales_rep')!.id
  const user = async (name: string, login: string): Promise<Actor> => toActor(core.auth.user(await core.org.createUser(admin.id, { name, login, password: 'secret123', roleIds: [repRole] }))!)
  const rep = await user('张三', 'zhang')
  const other = await user('李四', 'li')
  repToken = (await core.auth.login('zhang', 'secret123')).token
  otherToken = (await core.auth.login('li', 'secret123')).token
  const app = core.schema.createApp({ label: '销售管理' })
  const form = core.schema.createForm({ appId: app.id, label: '客户', fields: [{ label: '名称', apiKey: 'name', type: 'text' }, { label: '名片', apiKey: 'card', type: 'attachment' }] })
  formId = form.id
  fieldId = core.schema.form(form.id).byKey.get('card')!.id
  core.org.setPermission(admin.id, repRole, { formId, actions: ['view', 'create', 'edit'], scope: 'own', scopeFilter: null, fieldRules: {} })
  png = core.attachments.put('名片.png', 'image/png', PNG.toString('base64'), rep.id).hash
  otherFile = core.attachments.put('报价.txt', 'text/plain', Buffer.from('李四的报价').toString('base64'), other.id).hash
  repRecord = core.writes.create(rep, formId, { name: '甲公司', card: [png] })
  otherRecord = core.writes.create(other, formId, { name: '乙公司', card: [otherFile] })
})
afterAll(() => {
  host.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('attachments in the desktop window', () => {
  it('serves a file of a record the window’s user may read, with its type and name', async () => {
    const res = serveAttachment(host, url(png, `form=${formId}&record=${repRecord}&field=${fieldId}`), [repToken])
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('content-disposition')).toBe(`inline; filename*=UTF-8''${encodeURIComponent('名片.png')}`)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('content-security-policy')).toMatch(/sandbox/)
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG)
  })

  it('refuses a file of another rep’s record, by hash alone or named in the rep’s own record', () => {
    expect(serveAttachment(host, url(otherFile, `form=${formId}&record=${otherRecord}&field=${fieldId}`), [repToken]).status).toBe(404)
    expect(serveAttachment(host, url(otherFile, `form=${formId}&record=${repRecord}&field=${fieldId}`), [repToken]).status).toBe(404)
    expect(serveAttachment(host, url(otherFile), [repToken]).status).toBe(404)
    expect(serveAttachment(host, url(otherFile), [otherToken]).status).toBe(200)
    expect(serveAttachment(host, url(otherFile, `form=${formId}&record=${otherRecord}&field=${fieldId}`), [adminToken]).status).toBe(200)
  })

  it('serves a text file as a download, never inline', async () => {
    const res = serveAttachment(host, url(otherFile), [otherToken])
    expect(res.headers.get('content-type')).toBe('text/plain')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/)
    expect(await res.text()).toBe('李四的报价')
  })

  it('refuses when no window is signed in, or the session has ended', () => {
    expect(serveAttachment(host, url(png), []).status).toBe(401)
    expect(serveAttachment(host, url(png), ['jimu_not-a-session']).status).toBe(401)
  })

  it('answers 404 for a hash it does not hold and for paths that are not a hash', () => {
    expect(serveAttachment(host, url('0'.repeat(64)), [repToken]).status).toBe(404)
    expect(serveAttachment(host, 'jimu-file://files/..%2F..%2Fjimu.db', [repToken]).status).toBe(404)
  })
})

describe('attachments of approval comments', () => {
  let env: Env
  afterAll(() => env?.close())

  it('are served through the instance to those who take part in it, and to nobody else', async () => {
    env = await flowEnv()
    const { core, users, as } = env
    const flowId = env.publish(single({ approvers: [{ type: 'users', ids: [users.director] }] }))
    const inst = core.flows.start(as(users.rep), { flowId, recordId: env.contract(users.rep, {}) })
    const file = core.attachments.put('审批意见.txt', 'text/plain', Buffer.from('请补充报价单').toString('base64'), users.director)
    core.flows.comment(as(users.director), { instanceId: inst.id, comment: '见附件', attachments: [{ hash: file.hash, name: '审批意见.txt' }] })
    const get = async (login: string, query: string) => desktopFileResponse(core, url(file.hash, query), [(await core.auth.login(login, 'secret123')).token])
    const res = await get('rep', `flow=${inst.id}`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('请补充报价单')
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('审批意见.txt'))
    expect((await get('rep', '')).status).toBe(404)
    expect((await get('rep2', `flow=${inst.id}`)).status).toBe(404)
    expect((await get('director', '')).status).toBe(200)
  })
})
