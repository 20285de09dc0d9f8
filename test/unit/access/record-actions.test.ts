import { afterEach, describe, expect, it } from 'vitest'
import { bundledApp } from '../../../src-main/apps/bundled'
import type { Actor } from '../../../src-main/access/actor'
import { maySave, mayChangeField, permitsOf } from '../../../src-renderer/src/lib/permits'
import { caught, testCore } from '../../support/core'

// The buttons a role sees are the ones it may use: 财务 (view-only on 商机) sees no 删除, 保存,
// editable inputs or 提交审批 there, and the server refuses the same (flows.start needs edit).

let ctx: Awaited<ReturnType<typeof testCore>> | null = null
afterEach(() => {
  ctx?.close()
  ctx = null
})

async function salesCore() {
  ctx = await testCore()
  const { core, actor } = ctx
  core.crm.install(actor, bundledApp('crm').pkg, 'zh-CN')
  const role = (key: string) => core.org.roles().find((r) => r.key === key)!.id
  const east = core.org.createDepartment(actor.id, { name: '华东销售部' }).id
  const user = async (name: string, login: string, roleKey: string): Promise<Actor> => {
    const id = await core.org.createUser(actor.id, { name, login, password: 'secret123', departmentId: east, roleIds: [role(roleKey)] })
    return { id, name, isAdmin: false, locale: 'zh-CN' }
  }
  return { core, rep: await user('张伟', 'zhangwei', 'sales_rep'), finance: await user('钱会计', 'qian', 'finance'), manager: await user('徐明', 'xuming', 'sales_manager') }
}

describe('record actions by role', () => {
  it('offer a view-only role nothing to save, delete or submit; a rep saves and submits but does not delete', () => {
    const viewOnly = permitsOf({ actions: ['view', 'export'], readonly: [] })
    expect(viewOnly).toEqual({ create: false, edit: false, delete: false, transfer: false, submit: false })
    expect(maySave(viewOnly, false)).toBe(false)
    expect(maySave(viewOnly, true)).toBe(false)
    const rep = permitsOf({ actions: ['view', 'create', 'edit', 'export'], readonly: [] })
    expect(rep).toEqual({ create: true, edit: true, delete: false, transfer: false, submit: true })
    expect(maySave(rep, false)).toBe(true)
    // While the access loads nothing is offered (no button flashes up and disappears).
    expect(permitsOf(null)).toEqual({ create: false, edit: false, delete: false, transfer: false, submit: false })
  })

  it('let a card or event be dragged only by someone who may change that field', () => {
    expect(mayChangeField({ actions: ['view'], readonly: [] }, 'stage')).toBe(false)
    expect(mayChangeField({ actions: ['view', 'edit'], readonly: ['stage'] }, 'stage')).toBe(false)
    expect(mayChangeField({ actions: ['view', 'edit'], readonly: [] }, 'stage')).toBe(true)
    expect(mayChangeField(null, 'stage')).toBe(false)
  })

  it('match the server: 财务 may view a 商机 but is offered no flow and may not submit it; the owner rep may', async () => {
    const { core, rep, finance } = await salesCore()
    const id = core.writes.create(rep, 'opportunity', { name: '大单', amount: 200000 })
    expect(core.reads.get(finance, 'opportunity', id).id).toBe(id)
    expect(core.flows.available(finance, 'opportunity')).toEqual([])
    const flow = core.flows.available(rep, 'opportunity')[0]!
    expect(caught(() => core.flows.start(finance, { flowId: flow.id, recordId: id })).messageKey).toBe('error.formPermission')
    expect(core.db.prepare('SELECT COUNT(*) FROM flow_instances').pluck().get()).toBe(0)
    expect(core.flows.start(rep, { flowId: flow.id, recordId: id }).status).toBe('running')
  })

})
