import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import type { Actor } from '../../../src-main/access/actor'
import type { RecordDto } from '../../../src-main/shared/api/core'
import { data, officeWithLaptops, until } from '../../support/office-laptops'

// The desktop client works offline through its replica (issue 18), against a real office host on
// loopback with the sample data: 张伟 (销售代表) signs in on a paired PC, the host goes away, the
// window still lists and opens his customers from the replica, creates and changes records (待分配
// for the number, the pending count in the window's sync event), anything else says 离线时不可用;
// the host comes back and the outbox is pushed and pulled (the real number, a conflict in the
// inbox for a field the office changed meanwhile, the window's event online / 0). The outbox
// survives a restart of the bridge; a field a custom role hides never reaches the replica file;
// an edit the role does not allow is refused offline with a message saying so.

const { office, shareOn, clientPc, pair, signIn, userId } = officeWithLaptops()

type Page = { records: RecordDto[]; nextCursor: string | null; total?: number }

describe('the desktop client offline (its replica)', () => {
  it('张伟 works from the replica while the office is away; back, the outbox is pushed and pulled, a same-field edit is a conflict', async () => {
    const pc = await clientPc()
    await pair(pc)
    const me = await signIn(pc, 'zhangwei')
    const zhang: Actor = { id: me, name: '张伟', isAdmin: false, locale: 'zh-CN' }

    // Online: his customers come from the host; the replica holds exactly them.
    const online = data<Page>(await pc.bridge.invoke(1, 'records.list', { form: 'customer', limit: 500, withTotal: true }))
    expect(online.records.length).toBeGreaterThan(0)
    const hostIds = online.records.map((r) => r.id).sort((a, b) => a - b)
    expect(office.host.core.reads.list(zhang, { form: 'customer', limit: 500 }).records.map((r) => r.id).sort((a, b) => a - b)).toEqual(hostIds)
    const target = online.records[0]!
    const notesBefore = target.fields.notes

    // The office goes away.
    await office.share.shutdown()
    const list = data<Page>(await pc.bridge.invoke(1, 'records.list', { form: 'customer', limit: 500, withTotal: true }, 'zh-CN'))
    expect(list.records.map((r) => r.id).sort((a, b) => a - b)).toEqual(hostIds)
    expect(list.total).toBe(hostIds.length)
    expect(pc.bridge.snapshot().connection.status).toBe('unreachable')
    // Paging, sort and the quick search and a filter the renderer sends, from the replica.
    const first = data<Page>(await pc.bridge.invoke(1, 'records.list', { form: 'customer', limit: 2, sort: [{ field: 'name', dir: 'asc' }] }))
    expect(first.records).toHaveLength(2)
    expect(String(first.records[0]!.fields.name) <= String(first.records[1]!.fields.name)).toBe(true)
    const second = data<Page>(await pc.bridge.invoke(1, 'records.list', { form: 'customer', limit: 2, sort: [{ field: 'name', dir: 'asc' }], cursor: first.nextCursor }))
    expect(second.records[0]!.id).not.toBe(first.records[1]!.id)
    const name = String(target.fields.name)
    const searched = data<Page>(await pc.bridge.invoke(1, 'records.list', { form: 'customer', search: name.slice(0, 3) }))
    expect(searched.records.map((r) => r.id)).toContain(target.id)
    const level = target.fields.level as string | null
    if (level) {
      const filtered = data<Page>(await pc.bridge.invoke(1, 'records.list', { form: 'customer', limit: 500, filter: { field: 'level', op: 'eq', value: level } }))
      expect(filtered.records.every((r) => r.fields.level === level)).toBe(true)
      expect(filtered.records.map((r) => r.id)).toContain(target.id)
    }
    expect(data<RecordDto>(await pc.bridge.invoke(1, 'records.get', { form: 'customer', id: target.id })).fields.name).toBe(name)
    expect(data<Array<{ apiKey: string }>>(await pc.bridge.invoke(1, 'forms.list', {})).map((f) => f.apiKey)).toContain('customer')
    // The shell's reads answer what the host said last (auth.me from signing in; the views of every
    // form, fetched after the first sync, and the rights on each form).
    expect(data<{ login: string }>(await pc.bridge.invoke(1, 'auth.me', {})).login).toBe('zhangwei')
    const customerForm = office.host.core.schema.form('customer').id
    expect(Array.isArray(data(await pc.bridge.invoke(1, 'views.list', { form: customerForm })))).toBe(true)
    expect(data<{ actions: string[] }>(await pc.bridge.invoke(1, 'forms.access', { form: customerForm })).actions).toContain('edit')

    // Offline changes: a new customer (待分配 for its number, at the top of the list at once), an edit.
    const created = data<RecordDto>(await pc.bridge.invoke(1, 'records.create', { form: 'customer', fields: { name: '路上认识的新客户', phone: '13800001111' } }, 'zh-CN'))
    expect(created.id).toBeLessThan(0)
    expect(created.fields.code).toBe('待分配')
    expect(created.owner).toEqual({ id: me, name: '张伟' })
    // The window's lists reload at once: the live event the office would have sent.
    expect(pc.events.filter((e) => e.channel === 'live').map((e) => JSON.parse((e as { data: string }).data) as { kind: string; type?: string; id?: number }).at(-1)).toMatchObject({ kind: 'record', type: 'created', id: created.id })
    const top = data<Page>(await pc.bridge.invoke(1, 'records.list', { form: 'customer', limit: 5 }))
    expect(top.records[0]!.id).toBe(created.id)
    expect(data<RecordDto>(await pc.bridge.invoke(1, 'records.update', { form: 'customer', id: target.id, fields: { notes: '路上改的备注' } })).fields.notes).toBe('路上改的备注')
    // Bad input is refused naming the field, and nothing is queued.
    const bad = await pc.bridge.invoke(1, 'records.create', { form: 'customer', fields: { phone: '1' } }, 'zh-CN')
    expect(bad.ok).toBe(false)
    expect((bad.error as { field?: string }).field).toBe('phone')
    expect(pc.bridge.replicaSession!.view().pending).toBe(2)
    expect(pc.lastSync()).toMatchObject({ state: 'offline', pending: 2 })
    // Anything else: a translated "not available offline", at once.
    const other = await pc.bridge.invoke(1, 'reports.dashboards', {}, 'zh-CN')
    expect(other.error).toMatchObject({ messageKey: 'sync.offline.unavailable', message: '离线时不可用：连接办公室电脑后再试' })
    expect((await pc.bridge.invoke(1, 'reports.dashboards', {}, 'en')).error).toMatchObject({ message: 'Not available offline: connect to the office computer and try again' })

    // Meanwhile at the office, the administrator changes the same field.
    office.host.core.writes.update(office.admin, 'customer', target.id, { notes: '办公室改的备注' })

    // The office is back: push, then pull; the window hears online / 0.
    await shareOn()
    await until(() => pc.lastSync(), (s) => !!s && s.state === 'online' && s.pending === 0, 20_000)
    const mine = office.host.core.reads.list(zhang, { form: 'customer', limit: 500, search: '路上认识的新客户' }).records
    expect(mine).toHaveLength(1)
    expect(String(mine[0]!.fields.code)).toMatch(/^KH\d{5}$/)
    const replica = pc.bridge.replicaSession!.client
    const pulled = replica.records('customer').find((r) => r.fields.name === '路上认识的新客户')!
    expect(pulled).toMatchObject({ id: mine[0]!.id, provisional: false })
    expect(pulled.fields.code).toBe(mine[0]!.fields.code)
    // A window still showing it by its offline id gets the office's record.
    expect(data<RecordDto>(await pc.bridge.invoke(1, 'records.get', { form: 'customer', id: created.id }))).toMatchObject({ id: mine[0]!.id, fields: { code: mine[0]!.fields.code } })
    // The office kept its value; mine waits in the 冲突 inbox.
    expect(replica.record('customer', target.id)!.fields.notes).toBe('办公室改的备注')
    const conflicts = data<Array<{ kind: string; recordId: number; fields: Array<{ key: string; mine: unknown; theirs: unknown }> }>>(await pc.bridge.invoke(1, 'sync.conflicts', {}))
    expect(conflicts).toEqual([expect.objectContaining({ kind: 'field', recordId: target.id, fields: [expect.objectContaining({ key: 'notes', mine: '路上改的备注', theirs: '办公室改的备注' })] })])
    expect(notesBefore).not.toBe('路上改的备注')
    await pc.close()
  }, 90_000)

  it('relations, members and sub-tables offline: a new customer, an opportunity and a quote with lines for it; back, the office links its id and computes the amounts', async () => {
    const core = office.host.core
    const me = userId('zhangwei')
    const zhang: Actor = { id: me, name: '张伟', isAdmin: false, locale: 'zh-CN' }
    const product = core.reads.list(zhang, { form: 'product', limit: 1, sort: [{ field: 'name', dir: 'asc' }] }).records[0]!
    const colleaguesCustomer = core.reads.list(office.admin, { form: 'customer', limit: 500 }).records.find((r) => r.owner && r.owner.id !== me && !core.reads.list(zhang, { form: 'customer', limit: 1, filter: { field: 'name', op: 'eq', value: String(r.fields.name) } }).records.length)!
    const pc = await clientPc()
    await pair(pc)
    await signIn(pc, 'zhangwei')
    await office.share.shutdown()
    await until(() => pc.bridge.snapshot().connection.status, (s) => s === 'unreachable')

    // The pickers, from the replica: the relation picker's search on the target form, the member picker's colleagues.
    const picked = data<Page>(await pc.bridge.invoke(1, 'records.list', { form: 'product', search: String(product.fields.name).slice(0, 2), limit: 20 }))
    expect(picked.records.map((r) => r.id)).toContain(product.id)
    const people = data<Array<{ id: number; name: string }>>(await pc.bridge.invoke(1, 'users.list', {}))
    expect(people.find((u) => u.id === me)?.name).toBe('张伟')

    const customer = data<RecordDto>(await pc.bridge.invoke(1, 'records.create', { form: 'customer', fields: { name: '离线关联的新客户' } }, 'zh-CN'))
    const deal = data<RecordDto>(await pc.bridge.invoke(1, 'records.create', { form: 'opportunity', fields: { name: '离线商机', customer: customer.id, amount: 50000, owner: me } }, 'zh-CN'))
    expect(deal.fields.customer).toEqual({ id: customer.id, title: '离线关联的新客户' })
    expect(deal.owner).toEqual({ id: me, name: '张伟' })
    const quote = data<RecordDto>(await pc.bridge.invoke(1, 'records.create', {
      form: 'quote', fields: { title: '离线报价', customer: customer.id, opportunity: deal.id, lines: [{ product: product.id, quantity: 2, discount: 0.1 }] }
    }, 'zh-CN'))
    const line = (quote.fields.lines as Array<Record<string, unknown>>)[0]!
    // 关联带出 from the replica's product, the line total and the quote's total as the office computes them.
    expect(line.unitPrice).toBe(product.fields.price)
    expect(line.lineTotal).toBeCloseTo(2 * Number(product.fields.price) * 0.9, 2)
    expect(quote.fields.total).toBeCloseTo(Number(line.lineTotal), 2)
    // A record outside his sight is not in the replica: refused, naming the field; nothing queued.
    const outside = await pc.bridge.invoke(1, 'records.create', { form: 'opportunity', fields: { name: 'x', customer: colleaguesCustomer.id } }, 'zh-CN')
    expect(outside.error).toMatchObject({ messageKey: 'value.invalidRelation', field: 'customer' })
    expect((outside.error as { message: string }).message).toContain('关联客户')
    expect(pc.bridge.replicaSession!.view().pending).toBe(3)

    await shareOn()
    await until(() => pc.lastSync(), (s) => !!s && s.state === 'online' && s.pending === 0, 20_000)
    const hostCustomer = core.reads.list(zhang, { form: 'customer', limit: 5, search: '离线关联的新客户' }).records[0]!
    const hostDeal = core.reads.list(zhang, { form: 'opportunity', limit: 5, search: '离线商机' }).records[0]!
    const hostQuote = core.reads.list(zhang, { form: 'quote', limit: 5, search: '离线报价' }).records[0]!
    expect(hostDeal.fields.customer).toEqual({ id: hostCustomer.id, title: '离线关联的新客户' })
    expect(hostDeal.owner).toMatchObject({ id: me })
    expect(hostQuote.fields.customer).toEqual({ id: hostCustomer.id, title: '离线关联的新客户' })
    expect(hostQuote.fields.opportunity).toEqual({ id: hostDeal.id, title: '离线商机' })
    const hostLine = (hostQuote.fields.lines as Array<Record<string, unknown>>)[0]!
    expect([hostLine.product, hostLine.quantity, hostLine.unitPrice, hostLine.lineTotal]).toEqual([{ id: product.id, title: product.fields.name }, 2, line.unitPrice, line.lineTotal])
    expect(hostQuote.fields.total).toBe(quote.fields.total)
    // His replica holds the office's records under their ids.
    const replica = pc.bridge.replicaSession!.client
    expect(replica.record('quote', hostQuote.id)!.fields.customer).toEqual({ id: hostCustomer.id, title: '离线关联的新客户' })
    // Nothing of this went to his inbox (the entries there are the first test's).
    expect(data<Array<{ op: string }>>(await pc.bridge.invoke(1, 'sync.conflicts', {})).filter((c) => c.op === 'create')).toEqual([])
    await pc.close()
  }, 90_000)

  it('销售经理 吴海燕 offline: a task for her team\'s customer assigned to 张伟, a contact under it; a customer moved out of her department meanwhile sends the dependant to her inbox', async () => {
    const core = office.host.core
    const wu: Actor = { id: userId('wuhaiyan'), name: '吴海燕', isAdmin: false, locale: 'zh-CN' }
    const zhangId = userId('zhangwei')
    const teamCustomers = core.reads.list(wu, { form: 'customer', limit: 500, filter: { field: 'owner', op: 'eq', value: zhangId } }).records
    expect(teamCustomers.length).toBeGreaterThan(1)
    const [kept, moved] = teamCustomers as [RecordDto, RecordDto]
    const pc = await clientPc()
    await pair(pc)
    await signIn(pc, 'wuhaiyan')
    await office.share.shutdown()
    await until(() => pc.bridge.snapshot().connection.status, (s) => s === 'unreachable')

    const task = data<RecordDto>(await pc.bridge.invoke(1, 'records.create', { form: 'task', fields: { title: '经理离线派的任务', customer: kept.id, assignee: zhangId } }, 'zh-CN'))
    expect(task.fields.assignee).toEqual({ id: zhangId, name: '张伟' })
    expect(task.fields.customer).toEqual({ id: kept.id, title: kept.fields.name })
    const bad = await pc.bridge.invoke(1, 'records.create', { form: 'task', fields: { title: 'x', assignee: 999_999 } }, 'zh-CN')
    expect(bad.error).toMatchObject({ messageKey: 'value.invalidUser', field: 'assignee' })
    data(await pc.bridge.invoke(1, 'records.create', { form: 'contact', fields: { name: '离线联系人', customer: moved.id } }, 'zh-CN'))
    // At the office meanwhile: that customer goes to the south team (out of her department's scope).
    core.writes.transfer(office.admin, 'customer', { ids: [moved.id], toUserId: userId('liuyang') })

    await shareOn()
    await until(() => pc.lastSync(), (s) => !!s && s.state === 'online' && s.pending === 0, 20_000)
    const hostTask = core.reads.list(wu, { form: 'task', limit: 5, search: '经理离线派的任务' }).records[0]!
    expect(hostTask.fields).toMatchObject({ assignee: { id: zhangId, name: '张伟' }, customer: { id: kept.id } })
    expect(core.reads.list(wu, { form: 'contact', limit: 5, search: '离线联系人' }).records).toEqual([])
    const inbox = data<Array<{ kind: string; op: string; reason: string; fields: Array<{ key: string; mine: unknown }> }>>(await pc.bridge.invoke(1, 'sync.conflicts', {}, 'zh-CN'))
    expect(inbox).toEqual([expect.objectContaining({ kind: 'refused', op: 'create', reason: expect.stringContaining('所属客户') })])
    expect(inbox[0]!.fields.find((f) => f.key === 'name')?.mine).toBe('离线联系人')
    await pc.close()
  }, 90_000)

  it('a custom role with a hidden field: the field cannot be written offline, a relation to a form it does not view is refused, titles come from what the role sees', async () => {
    const core = office.host.core
    const opportunity = core.schema.form('opportunity')
    const customer = core.schema.form('customer')
    const role = core.org.createRole(1, { name: '外勤商机员' })
    core.org.setPermission(1, role.id, { formId: opportunity.id, actions: ['view', 'create', 'edit'], scope: 'own', fieldRules: { [String(opportunity.byKey.get('amount')!.id)]: 'hidden' } })
    core.org.setPermission(1, role.id, { formId: customer.id, actions: ['view'], scope: 'all', fieldRules: {} })
    const id = await core.org.createUser(1, { name: '外勤小王', login: 'waiqinwang', password: 'demo12345', roleIds: [role.id] })
    const some = core.reads.list(office.admin, { form: 'customer', limit: 1 }).records[0]!
    const pc = await clientPc()
    await pair(pc)
    await signIn(pc, 'waiqinwang')
    await office.share.shutdown()
    await until(() => pc.bridge.snapshot().connection.status, (s) => s === 'unreachable')
    const hidden = await pc.bridge.invoke(1, 'records.create', { form: 'opportunity', fields: { name: 'x', amount: 5 } }, 'zh-CN')
    expect(hidden.error).toMatchObject({ messageKey: 'value.unknownField', field: 'amount' })
    const noForm = await pc.bridge.invoke(1, 'records.create', { form: 'opportunity', fields: { name: 'x', contact: 1 } }, 'zh-CN')
    expect(noForm.error).toMatchObject({ messageKey: 'value.invalidRelation', field: 'contact' })
    const made = data<RecordDto>(await pc.bridge.invoke(1, 'records.create', { form: 'opportunity', fields: { name: '外勤商机', customer: some.id, owner: id } }, 'zh-CN'))
    expect(made.fields.customer).toEqual({ id: some.id, title: some.fields.name })
    // Another owner: his role may not transfer.
    const other = await pc.bridge.invoke(1, 'records.create', { form: 'opportunity', fields: { name: 'y', owner: userId('zhangwei') } }, 'zh-CN')
    expect(other.error).toMatchObject({ messageKey: 'value.ownerAssign', field: 'owner' })
    await shareOn()
    await until(() => pc.lastSync(), (s) => !!s && s.state === 'online' && s.pending === 0, 20_000)
    const actor: Actor = { id, name: '外勤小王', isAdmin: false, locale: 'zh-CN' }
    expect(core.reads.list(actor, { form: 'opportunity', limit: 5, search: '外勤商机' }).records[0]!.fields.customer).toEqual({ id: some.id, title: some.fields.name })
    await pc.close()
  }, 90_000)

  it('a file picked offline: kept beside the replica, shown in the window, uploaded before the follow-up naming it is pushed', async () => {
    const core = office.host.core
    const zhang: Actor = { id: userId('zhangwei'), name: '张伟', isAdmin: false, locale: 'zh-CN' }
    const pc = await clientPc()
    await pair(pc)
    await signIn(pc, 'zhangwei')
    await office.share.shutdown()
    await until(() => pc.bridge.snapshot().connection.status, (s) => s === 'unreachable')
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex')
    const picked = data<{ hash: string; name: string; size: number; mime: string }>(await pc.bridge.invoke(1, 'attachments.upload', { name: '门头照片.png', mime: 'image/png', data: png.toString('base64') }, 'zh-CN'))
    expect(picked).toMatchObject({ name: '门头照片.png', size: png.length, mime: 'image/png' })
    // The window previews it before saving (its own file), and in the saved record.
    const preview = await pc.bridge.file(`jimu-file://files/${picked.hash}`, 'zh-CN')
    expect(preview.status).toBe(200)
    expect(preview.body.equals(png)).toBe(true)
    const follow = data<RecordDto>(await pc.bridge.invoke(1, 'records.create', { form: 'followUp', fields: { subject: '拜访拍了门头', files: [picked] } }, 'zh-CN'))
    expect(follow.fields.files).toEqual([picked])
    const form = core.schema.form('followUp')
    const field = form.byKey.get('files')!.id
    expect((await pc.bridge.file(`jimu-file://files/${picked.hash}?form=${form.id}&record=${follow.id}&field=${field}`, 'zh-CN')).status).toBe(200)
    // A file of a colleague's record (a hash is not a right): refused offline, naming the field.
    const secret = core.attachments.put('别人的.pdf', 'application/pdf', Buffer.from('%PDF-1.4 x').toString('base64'), 1)
    const refused = await pc.bridge.invoke(1, 'records.create', { form: 'followUp', fields: { subject: 'x', files: [{ hash: secret.hash }] } }, 'zh-CN')
    expect(refused.error).toMatchObject({ messageKey: 'value.invalidAttachment', field: 'files' })

    await shareOn()
    await until(() => pc.lastSync(), (s) => !!s && s.state === 'online' && s.pending === 0, 20_000)
    const atOffice = core.reads.list(zhang, { form: 'followUp', limit: 5, search: '拜访拍了门头' }).records[0]!
    expect(atOffice.fields.files).toEqual([picked])
    expect(core.attachments.uploadedBy(picked.hash, zhang.id)).toMatchObject({ name: '门头照片.png' })
    expect(pc.bridge.replicaSession!.client.pendingUploads()).toEqual([])
    await pc.close()
  }, 90_000)

  it('the outbox survives a restart of the bridge; signing in offline opens the replica; back, signing in again pushes it', async () => {
    const first = await clientPc()
    await pair(first)
    await signIn(first, 'zhangwei')
    const file = first.bridge.replicaSession!.file
    await office.share.shutdown()
    await first.bridge.invoke(1, 'records.list', { form: 'customer' })
    expect(data<RecordDto>(await first.bridge.invoke(1, 'records.create', { form: 'customer', fields: { name: '重启前离线新建' } })).id).toBeLessThan(0)
    await first.close()
    // The replica file stays with its outbox.
    expect(existsSync(file)).toBe(true)
    const db = new Database(file, { readonly: true })
    expect(db.prepare('SELECT COUNT(*) FROM outbox').pluck().get()).toBe(1)
    db.close()

    // The laptop restarts, still on the road: the sign-in page, and a sign-in checked on this PC.
    const again = await clientPc(first.dataDir)
    expect(again.bridge.resume().connection.mode).toBe('client')
    await until(() => again.bridge.snapshot().connection, (c) => c.status === 'unreachable')
    expect(data<{ user: unknown; needsSetup: boolean }>(await again.bridge.invoke(1, 'system.status', {}))).toMatchObject({ user: null, needsSetup: false })
    const heard = again.events.filter((e) => e.channel === 'sync' || (e.channel === 'office' && e.office.sync)).length
    expect((await again.bridge.invoke(1, 'auth.login', { login: 'zhangwei', password: 'wrong-password' }, 'zh-CN')).error).toMatchObject({ code: 'UNAUTHENTICATED', messageKey: 'auth.badCredentials' })
    expect(again.bridge.replicaSession).toBeNull()
    // Nothing of that replica (not even its pending count) reached the window.
    expect(again.events.filter((e) => e.channel === 'sync' || (e.channel === 'office' && e.office.sync))).toHaveLength(heard)
    expect((await again.bridge.invoke(1, 'auth.login', { login: 'wuhaiyan', password: 'demo12345' }, 'zh-CN')).error).toMatchObject({ messageKey: 'sync.offline.signInOnline' })
    const offlineIn = data<{ user: { login: string } }>(await again.bridge.invoke(1, 'auth.login', { login: 'zhangwei', password: 'demo12345' }, 'zh-CN'))
    expect(offlineIn.user.login).toBe('zhangwei')
    expect(data<{ user: { login: string } | null }>(await again.bridge.invoke(1, 'system.status', {})).user?.login).toBe('zhangwei')
    const list = data<Page>(await again.bridge.invoke(1, 'records.list', { form: 'customer', limit: 3 }))
    expect(list.records[0]!.fields.name).toBe('重启前离线新建')
    await again.bridge.invoke(1, 'records.create', { form: 'customer', fields: { name: '重启后离线新建' } })
    expect(again.bridge.replicaSession!.view()).toMatchObject({ state: 'offline', pending: 2 })

    // The office answers again: this PC has no session there, so the window is asked to sign in; then the outbox goes.
    await shareOn()
    await until(() => again.bridge.snapshot().connection, (c) => c.status === 'connected')
    expect((await again.bridge.invoke(1, 'auth.me', {})).error).toMatchObject({ code: 'UNAUTHENTICATED' })
    await signIn(again, 'zhangwei')
    await until(() => again.bridge.replicaSession!.view(), (v) => v.pending === 0)
    for (const name of ['重启前离线新建', '重启后离线新建']) expect(office.host.core.reads.list(office.admin, { form: 'customer', limit: 50, search: name }).records).toHaveLength(1)
    await again.close()
  }, 60_000)

  it('attachments: a sync brings the small files of his records, shown offline only where the replica shows them', async () => {
    const zhang: Actor = { id: userId('zhangwei'), name: '张伟', isAdmin: false, locale: 'zh-CN' }
    const deals = office.host.core.reads.list(zhang, { form: 'opportunity', limit: 2 }).records
    const others = office.host.core.reads.list(office.admin, { form: 'opportunity', limit: 200 }).records.filter((r) => r.owner?.id !== zhang.id)
    expect(deals.length).toBeGreaterThan(0)
    expect(others.length).toBeGreaterThan(0)
    const pdf = Buffer.from(`%PDF-1.4\n签约合同 ${Date.now()}\n%%EOF\n`)
    const file = office.host.core.attachments.put('合同扫描件.pdf', 'application/pdf', pdf.toString('base64'), office.admin.id)
    office.host.core.writes.update(office.admin, 'opportunity', deals[0]!.id, { contractScan: [{ hash: file.hash, name: '合同扫描件.pdf' }] })
    const form = office.host.core.schema.form('opportunity')
    const field = form.fields.find((f) => f.apiKey === 'contractScan')!.id
    const url = (record: number) => `jimu-file://files/${file.hash}?form=${form.id}&record=${record}&field=${field}`

    const pc = await clientPc()
    await pair(pc)
    await signIn(pc, 'zhangwei')
    // The sync fetched it from the office (as him) and keeps it beside his replica.
    await until(() => pc.bridge.replicaSession!.files.has(file.hash), (v) => v)
    await office.share.shutdown()
    const offline = await pc.bridge.file(url(deals[0]!.id), 'zh-CN')
    expect(offline.status).toBe(200)
    expect(offline.body.equals(pdf)).toBe(true)
    // The same file named through a record he cannot see is not answered from the copy.
    const elsewhere = await pc.bridge.file(url(others[0]!.id), 'zh-CN')
    expect(elsewhere.status).toBe(503)
    expect(elsewhere.body.toString()).not.toContain('PDF')
    await shareOn()
    await pc.close()
  }, 60_000)

  it('each sample role on one PC: its own replica holds exactly what the office shows it, rights as the office gives them', async () => {
    const pc = await clientPc()
    await pair(pc)
    const files = new Set<string>()
    for (const login of ['wuhaiyan', 'zhaoli', 'sunlei']) {
      const id = await signIn(pc, login)
      const session = pc.bridge.replicaSession!
      files.add(session.file)
      const actor: Actor = { id, name: login, isAdmin: false, locale: 'zh-CN' }
      for (const form of ['customer', 'contract', 'payment']) {
        const seen = (() => {
          try {
            const all: RecordDto[] = []
            let cursor: string | undefined
            do {
              const page = office.host.core.reads.list(actor, { form, limit: 500, cursor })
              all.push(...page.records)
              cursor = page.nextCursor ?? undefined
            } while (cursor)
            return all
          } catch {
            return null
          }
        })()
        const held = (() => {
          try {
            return session.client.records(form)
          } catch {
            return null
          }
        })()
        expect(held?.map((r) => r.id).sort((a, b) => a - b) ?? null, `${login} ${form}`).toEqual(seen?.map((r) => r.id).sort((a, b) => a - b) ?? null)
        if (!seen) continue
        const rights = office.host.core.access.can(actor, 'edit', office.host.core.schema.form(form))
        expect(session.api.answer('forms.access', { form }).ok).toBe(true)
        expect((session.api.answer('forms.access', { form }) as { data: { actions: string[] } }).data.actions.includes('edit'), `${login} ${form}`).toBe(rights)
      }
      expect((await pc.bridge.invoke(1, 'auth.logout', {})).ok).toBe(true)
      expect(pc.bridge.replicaSession).toBeNull()
    }
    expect(files.size).toBe(3)
    await pc.close()
  }, 60_000)

  it('a custom role: a hidden field never reaches the replica file; an edit the role does not allow is refused offline saying why', async () => {
    const core = office.host.core
    const customer = core.schema.form('customer')
    const phone = customer.byKey.get('phone')!
    const role = core.org.createRole(1, { name: '外勤查看员' })
    core.org.setPermission(1, role.id, { formId: customer.id, actions: ['view'], scope: 'all', fieldRules: { [String(phone.id)]: 'hidden' } })
    await core.org.createUser(1, { name: '外勤小李', login: 'waiqin', password: 'demo12345', roleIds: [role.id] })
    const secret = '13912345678'
    const someone = core.reads.list(office.admin, { form: 'customer', limit: 1 }).records[0]!
    core.writes.update(office.admin, 'customer', someone.id, { phone: secret })

    const pc = await clientPc()
    await pair(pc)
    await signIn(pc, 'waiqin')
    const file = pc.bridge.replicaSession!.file
    const replica = pc.bridge.replicaSession!.client
    expect(replica.records('customer').length).toBe(core.reads.list(office.admin, { form: 'customer', limit: 1, withTotal: true }).total)
    expect(replica.record('customer', someone.id)!.fields).not.toHaveProperty('phone')

    await office.share.shutdown()
    // The dropped event stream tells the PC the office is gone (a change is never queued on a guess).
    await until(() => pc.bridge.snapshot().connection.status, (s) => s === 'unreachable')
    const refused = await pc.bridge.invoke(1, 'records.update', { form: 'customer', id: someone.id, fields: { notes: '想改' } }, 'zh-CN')
    expect(refused.error).toMatchObject({ code: 'PERMISSION', messageKey: 'sync.offline.no.edit' })
    expect((refused.error as { message: string }).message).toContain('只能查看')
    expect(replica.pending()).toBe(0)
    const noCreate = await pc.bridge.invoke(1, 'records.create', { form: 'customer', fields: { name: 'x' } }, 'zh-CN')
    expect(noCreate.error).toMatchObject({ messageKey: 'sync.offline.no.create' })
    await pc.close()
    await shareOn()

    // Nothing of the hidden field on this PC's disk (the database and its write-ahead log).
    const disk = Buffer.concat([file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)))
    expect(disk.includes(Buffer.from(secret))).toBe(false)
    expect(disk.includes(Buffer.from(String(someone.fields.name)))).toBe(true)
    expect(userId('waiqin')).toBeGreaterThan(0)
  }, 60_000)
})
