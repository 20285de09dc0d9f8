import { afterEach, describe, expect, it } from 'vitest'
import { client, syncWorld, type World } from '../sync/harness'

// Sync pushes are not exempt from required-on-entering: an offline move into the stage is a move
// the person made, judged by the host against its own record. Refused, it lands in the 冲突 inbox
// with the values kept (nothing typed is lost); an offline edit of a record already there applies.

let w: World
afterEach(() => w?.close())

describe('required on entering, pushed from an offline laptop', () => {
  it('refuses a move into the stage without the field, keeping the values; applies edits of a record already there', async () => {
    w = await syncWorld(1)
    const [a] = w.users
    const stage = w.key('阶段')
    w.core.schema.addField(w.form.id, { label: '签约合同扫描件', apiKey: 'contractScan', type: 'attachment', requiredOnEnter: { field: stage, op: 'eq', value: '谈判' } })
    const moving = w.core.writes.create(a!, w.form.id, { [w.key('名称')]: '要赢的单', [stage]: '初步接洽' })
    const [there] = w.core.writes.bulkCreate(w.actor, w.form.id, [{ [w.key('名称')]: '早就在谈', [stage]: '谈判', owner: a!.id }])
    const c = client(w, a!)
    await c.sync()
    c.update(w.form.id, moving, { [stage]: '谈判' })
    c.update(w.form.id, there!, { [w.key('备注')]: '离线补充' })
    await c.sync()
    expect(w.core.reads.get(w.actor, w.form.id, moving).fields[stage]).toBe('初步接洽')
    expect(w.core.reads.get(w.actor, w.form.id, there!).fields[w.key('备注')]).toBe('离线补充')
    const refused = w.host.conflicts(a!, true, 10)
    expect(refused).toEqual([expect.objectContaining({ kind: 'refused', recordId: moving, reason: expect.stringContaining('签约合同扫描件') })])
    expect(refused[0]!.fields).toEqual([expect.objectContaining({ mine: '谈判' })])
  })
})
