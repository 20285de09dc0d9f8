import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { handlers } from '../../../src-main/api/handlers'
import type { CallContext } from '../../../src-main/api/handler-kit'
import type { CoreHost } from '../../../src-main/api/host'
import { toActor } from '../../../src-main/access/auth'
import type { Actor } from '../../../src-main/access/actor'
import { testCore } from '../../support/core'

// forms.access: what the caller may do with a form's records, so the records page offers only
// that (the 导入/导出 menu needs 导入 or 导出).

let t: Awaited<ReturnType<typeof testCore>>
beforeEach(async () => {
  t = await testCore()
})
afterEach(() => t.close())

const access = (actor: Actor, form: number) =>
  handlers['forms.access']({ form }, { host: { core: t.core } as unknown as CoreHost, actor, token: null, locale: 'zh-CN' } satisfies CallContext)

describe('forms.access', () => {
  it('lists every action for an administrator, and a role’s actions for others', async () => {
    const form = t.form('客户', [{ label: '名称', apiKey: 'name', type: 'text' }, { label: '信用额度', apiKey: 'credit', type: 'amount' }, { label: '内部备注', apiKey: 'memo', type: 'text' }])
    expect(await access(t.actor, form.id)).toEqual({ actions: ['view', 'create', 'edit', 'delete', 'import', 'export', 'design', 'transfer'], readonly: [] })
    const ids = Object.fromEntries(form.fields.map((f) => [f.apiKey, f.id]))
    const role = t.core.org.roles().find((r) => r.key === 'sales_rep')!.id
    const rep = toActor(t.core.auth.user(await t.core.org.createUser(t.actor.id, { name: '张三', login: 'zhang', password: 'secret123', roleIds: [role] }))!)
    t.core.org.setPermission(t.actor.id, role, { formId: form.id, actions: ['view', 'create', 'export'], scope: 'own', fieldRules: { [ids.credit!]: 'readonly', [ids.memo!]: 'hidden' } })
    // Read-only fields are listed (the record page greys them out); hidden ones do not exist for the rep.
    expect(await access(rep, form.id)).toEqual({ actions: ['view', 'create', 'export'], readonly: ['credit'] })
    t.core.org.setPermission(t.actor.id, role, { formId: form.id, actions: [], scope: 'own', fieldRules: {} })
    expect((await access(rep, form.id)).actions).toEqual([])
  })
})
