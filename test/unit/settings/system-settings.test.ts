import { rmSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { TEST_PASSWORD_COST, testCore } from '../../support/core'
import { CoreHost } from '../../../src-main/api/host'
import { Dispatcher } from '../../../src-main/api/dispatcher'
import { answerFileRequest } from '../../../src-main/attachments'

// The system settings: the company printed on quotes and documents (read by every user, changed
// by administrators), moved once from the sales app's settings with its logo made an attachment.

let t: Awaited<ReturnType<typeof testCore>>
beforeEach(async () => {
  t = await testCore()
})
afterEach(() => t.close())

describe('company', () => {
  it('has defaults, keeps what is set and validates each field', () => {
    expect(t.core.settings.company()).toEqual({ name: '', logo: null, address: '', phone: '', taxId: '', bankName: '', bankAccount: '' })
    t.core.settings.setCompany({ name: ' 杭州积木 ', bankName: '招商银行', bankAccount: '5719 0001' })
    t.core.settings.setCompany({ phone: '0571-1' })
    expect(t.core.settings.company()).toMatchObject({ name: '杭州积木', bankName: '招商银行', bankAccount: '5719 0001', phone: '0571-1' })
    expect(() => t.core.settings.setCompany({ taxId: 'x'.repeat(31) })).toThrow()
  })

  it('moves the company from the sales app settings once, the logo becoming an attachment', () => {
    const png = Buffer.from('logo-bytes').toString('base64')
    t.core.db.prepare("INSERT INTO crm_settings (key, value) VALUES ('company', ?)").run(JSON.stringify({ name: '旧公司', address: '杭州', phone: '1', logo: `data:image/png;base64,${png}` }))
    t.core.settings.adoptLegacyCompany(t.core.attachments)
    const company = t.core.settings.company()
    expect(company).toMatchObject({ name: '旧公司', address: '杭州', phone: '1', logo: { mime: 'image/png', name: 'logo.png' } })
    expect(t.core.attachments.get(company.logo!.hash).data.toString()).toBe('logo-bytes')
    expect(t.core.db.prepare("SELECT count(*) FROM crm_settings WHERE key = 'company'").pluck().get()).toBe(0)
  })

  it('the logo is fetched by every signed-in user as the company logo, and nothing else is served that way', async () => {
    const png = Buffer.from('logo-bytes').toString('base64')
    t.core.db.prepare("INSERT INTO crm_settings (key, value) VALUES ('company', ?)").run(JSON.stringify({ name: '旧公司', logo: `data:image/png;base64,${png}` }))
    t.core.settings.adoptLegacyCompany(t.core.attachments)
    const logo = t.core.settings.company().logo!
    const rep = await t.core.org.createUser(t.actor.id, { name: '张三', login: 'zhang', password: 'secret123' })
    const asRep = { id: rep, name: '张三', isAdmin: false, locale: 'zh-CN' as const }
    const other = t.core.attachments.put('报价.png', 'image/png', Buffer.from('other').toString('base64'), t.actor.id).hash
    const get = (hash: string, query: string) => answerFileRequest(t.core, asRep, hash, new URLSearchParams(query)).status
    expect(get(logo.hash, 'company=logo')).toBe(200)
    expect(get(logo.hash, '')).toBe(404)
    expect(get(other, 'company=logo')).toBe(404)
    expect(get(logo.hash, 'company=stamp')).toBe(400)
  })

  it('any user reads it, only administrators change it, and a logo must be an uploaded file', async () => {
    const host = await CoreHost.open({ dataDir: t.dataDir + '-api', passwordCost: TEST_PASSWORD_COST })
    try {
      const rpc = new Dispatcher(host, () => {})
      const { user, token } = await host.core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
      await host.core.org.createUser(user.id, { name: '张三', login: 'zhang', password: 'secret123' })
      const rep = (await host.core.auth.login('zhang', 'secret123')).token
      expect((await rpc.call('settings.updateCompany', { name: '杭州积木' }, { token })).ok).toBe(true)
      const read = await rpc.call('settings.company', {}, { token: rep })
      expect(read.ok && (read.data as { name: string }).name).toBe('杭州积木')
      const refused = await rpc.call('settings.updateCompany', { name: '别的' }, { token: rep })
      expect(refused.ok ? null : refused.error.code).toBe('PERMISSION')
      const missing = await rpc.call('settings.updateCompany', { logo: { hash: 'a'.repeat(64), name: 'x.png', mime: 'image/png', size: 1 } }, { token })
      expect(missing.ok ? null : missing.error).toMatchObject({ code: 'VALIDATION', field: 'logo' })
      expect(host.core.settings.company()).toMatchObject({ name: '杭州积木', logo: null })
    } finally {
      host.close()
      rmSync(`${t.dataDir}-api`, { recursive: true, force: true })
    }
  })
})

describe('访问地址 (the public address)', () => {
  it('one setting for every link handed out: notices, public forms and their QR codes, survey links; changed by administrators only, checked, trailing slash dropped', async () => {
    const host = await CoreHost.open({ dataDir: t.dataDir + '-access', passwordCost: TEST_PASSWORD_COST })
    try {
      const core = host.core
      const rpc = new Dispatcher(host, () => {})
      const { user, token } = await core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
      await core.org.createUser(user.id, { name: '张三', login: 'zhang', password: 'secret123' })
      const rep = (await core.auth.login('zhang', 'secret123')).token
      expect(core.settings.access()).toEqual({ publicUrl: '' })

      const bad = await rpc.call('settings.updateAccess', { publicUrl: 'ftp://crm.example.cn' }, { token, locale: 'zh-CN' })
      expect(bad.ok ? null : bad.error).toMatchObject({ code: 'VALIDATION', field: 'publicUrl' })
      expect(bad.ok ? '' : bad.error.message).toContain('访问地址')
      const refused = await rpc.call('settings.updateAccess', { publicUrl: 'https://crm.example.cn' }, { token: rep })
      expect(refused.ok ? null : refused.error.code).toBe('PERMISSION')
      expect(core.settings.access().publicUrl).toBe('')

      const saved = await rpc.call('settings.updateAccess', { publicUrl: ' https://crm.example.cn/ ' }, { token })
      expect(saved.ok && saved.data).toEqual({ publicUrl: 'https://crm.example.cn' })
      const all = await rpc.call('settings.get', {}, { token })
      expect(all.ok && (all.data as { access: unknown }).access).toEqual({ publicUrl: 'https://crm.example.cn' })
      // The DingTalk/WeCom settings show the same value, and saving them there changes it here.
      expect(core.im.settings().publicUrl).toBe('https://crm.example.cn')
      core.im.update(user.id, { publicUrl: 'https://jimu.example.cn' })
      expect(core.settings.access().publicUrl).toBe('https://jimu.example.cn')

      // A public form's link and QR code start with it, whatever page the administrator is on.
      const admin = { id: user.id, name: user.name, isAdmin: true, locale: 'zh-CN' as const }
      const app = core.schema.createApp({ label: '市场' })
      const form = core.schema.createForm({ appId: app.id, label: '报名', fields: [{ label: '姓名', type: 'text' }] })
      const dto = await core.publicForms.save(admin, form.id, { title: '报名', intro: '', thanks: '谢谢', showLogo: false, fields: [{ field: form.fields[0]!.apiKey, required: true }], hidden: [], duplicateField: null }, true, 'http://192.168.1.20:8443')
      expect(dto.base).toBe('https://jimu.example.cn')
      expect(dto.qrSvg).toContain('<svg')
      // Empty again: the page's own address is used, and without one there is no link base at all.
      core.settings.setAccess({ publicUrl: '' })
      expect((await core.publicForms.get(form.id, 'http://192.168.1.20:8443')).base).toBe('http://192.168.1.20:8443')
      const none = await core.publicForms.get(form.id)
      expect([none.base, none.qrSvg]).toEqual([null, null])
    } finally {
      host.close()
      rmSync(`${t.dataDir}-access`, { recursive: true, force: true })
    }
  })

  it('moves the address kept with the DingTalk/WeCom settings into the general setting once', () => {
    t.core.db.prepare("INSERT INTO im_settings (key, value) VALUES ('settings', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify({ publicUrl: 'https://old.example.cn', dingtalk: { enabled: false, baseUrl: '', key: 'k', secret: 's', agentId: '1' } }))
    t.core.im.adoptLegacyPublicUrl()
    expect(t.core.settings.access().publicUrl).toBe('https://old.example.cn')
    const kept = JSON.parse(t.core.db.prepare("SELECT value FROM im_settings WHERE key = 'settings'").pluck().get() as string) as Record<string, unknown>
    expect(kept).not.toHaveProperty('publicUrl')
    expect(kept).toMatchObject({ dingtalk: { key: 'k' } })
    expect(t.core.im.settings().publicUrl).toBe('https://old.example.cn')
  })
})
