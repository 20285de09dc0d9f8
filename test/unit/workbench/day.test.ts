import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ident } from '../../../src-main/db/connection'
import type { WorkbenchDayDto } from '../../../src-main/shared/api/workbench'
import { Workbench } from '../../../src-main/workbench/workbench'
import { salesMatrix, type SalesMatrix, type Who } from '../../support/sales-matrix'

// 我的工作台 on the sample data: each role's day holds only the caller's own items, read through
// the access layer (a hidden amount never comes back), and the first-run checklist is the
// administrator's, derived from the data.

let m: SalesMatrix
beforeAll(async () => {
  m = await salesMatrix()
}, 120_000)
afterAll(() => m?.close())

async function day(who: Who): Promise<WorkbenchDayDto> {
  const res = await m.call(who, 'workbench.day', {})
  if (!res.ok) throw new Error(`${res.error.code} ${res.error.message}`)
  return res.data as WorkbenchDayDto
}
const ownerOf = (form: string, id: number) => m.core.db.prepare(`SELECT owner_id FROM ${ident(m.core.schema.form(form).table)} WHERE id = ?`).pluck().get(id) as number | null
function localToday(): string {
  const d = new Date(m.clock.now())
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}
const workbench = () => new Workbench({ db: m.core.db, schema: m.core.schema, access: m.core.access, reads: m.core.reads, flows: m.core.flows, notifications: m.core.notifications, settings: m.core.settings, clock: m.core.clock })

describe('workbench.day', () => {
  it('shows a 销售代表 their own follow-ups due, deals closing this month (with amounts) and tasks, nobody else’s', async () => {
    const opp = m.core.db.prepare(`SELECT id FROM ${ident(m.core.schema.form('opportunity').table)} WHERE owner_id = ? AND deleted_at IS NULL LIMIT 1`).pluck().get(m.users.rep) as number
    m.core.writes.update(m.admin, 'opportunity', opp, { closeDate: localToday(), stage: 'negotiation', amount: 123456 })
    const d = await day('rep')
    expect(d.deals!.items.find((o) => o.id === opp)).toMatchObject({ amount: 123456, stage: '商务谈判' })
    expect(d.deals!.amountTotal).toBeGreaterThanOrEqual(123456)
    expect(d.followUps).not.toBeNull()
    expect(d.deals).not.toBeNull()
    expect(d.followUps!.items.length + d.deals!.items.length).toBeGreaterThan(0)
    for (const f of d.followUps!.items) {
      expect(ownerOf('followUp', f.id)).toBe(m.users.rep)
      expect(f.nextDate <= d.today).toBe(true)
      expect(f.overdue).toBe(f.nextDate < d.today)
    }
    expect(d.deals!.amountShown).toBe(true)
    for (const o of d.deals!.items) {
      expect(ownerOf('opportunity', o.id)).toBe(m.users.rep)
      expect(o.closeDate?.slice(0, 7)).toBe(d.today.slice(0, 7))
    }
    if (d.deals!.items.length > 0) expect(d.deals!.items.some((o) => o.amount !== null)).toBe(true)
    for (const t of d.tasks?.items ?? []) {
      const assignee = m.core.db.prepare(`SELECT * FROM ${ident(m.core.schema.form('task').table)} WHERE id = ?`).get(t.id)
      expect(JSON.stringify(assignee)).toContain(String(m.users.rep))
    }
    expect(d.checklist).toBeNull()
  })

  it('shows 财务 and the manager only their own records, none of the reps’ private ones', async () => {
    for (const who of ['finance', 'manager', 'service'] as const) {
      const d = await day(who)
      for (const f of d.followUps?.items ?? []) expect(ownerOf('followUp', f.id)).toBe(m.users[who])
      for (const o of d.deals?.items ?? []) expect(ownerOf('opportunity', o.id)).toBe(m.users[who])
      expect(d.checklist).toBeNull()
    }
  })

  it('never gives a custom role with a hidden amount the amount, per deal or in total', async () => {
    // The custom role sees every opportunity, amount hidden; give its user one closing this month.
    const opp = m.core.db.prepare(`SELECT id FROM ${ident(m.core.schema.form('opportunity').table)} WHERE deleted_at IS NULL LIMIT 1`).pluck().get() as number
    m.core.writes.update(m.admin, 'opportunity', opp, { closeDate: localToday(), stage: 'proposal', amount: 987654.32 })
    m.core.db.prepare(`UPDATE ${ident(m.core.schema.form('opportunity').table)} SET owner_id = ? WHERE id = ?`).run(m.users.custom, opp)
    const d = await day('custom')
    expect(d.deals).not.toBeNull()
    expect(d.deals!.items.map((o) => o.id)).toContain(opp)
    expect(d.deals!.amountShown).toBe(false)
    expect(d.deals!.amountTotal).toBeNull()
    expect(d.deals!.items.every((o) => o.amount === null)).toBe(true)
    expect(JSON.stringify(d)).not.toContain('987654')
  })

  it('remembers records opened, only ones the caller may see, and drops them once out of sight', async () => {
    const own = m.core.db.prepare(`SELECT id FROM ${ident(m.core.schema.form('customer').table)} WHERE owner_id = ? AND deleted_at IS NULL LIMIT 1`).pluck().get(m.users.rep) as number
    const other = m.core.db.prepare(`SELECT id FROM ${ident(m.core.schema.form('customer').table)} WHERE owner_id = ? AND deleted_at IS NULL LIMIT 1`).pluck().get(m.users.manager) as number
    expect((await m.call('rep', 'workbench.opened', { form: 'customer', id: own })).ok).toBe(true)
    const refused = await m.call('rep', 'workbench.opened', { form: 'customer', id: other })
    expect(refused.ok).toBe(false)
    let d = await day('rep')
    expect(d.recent.map((r) => r.id)).toEqual([own])
    expect(d.recent[0]!.formLabel).toBe('客户')
    m.core.db.prepare(`UPDATE ${ident(m.core.schema.form('customer').table)} SET owner_id = ? WHERE id = ?`).run(m.users.manager, own)
    d = await day('rep')
    expect(d.recent).toEqual([])
  })

  it('gives the administrator the first-run checklist derived from the data, until dismissed', async () => {
    const wb = workbench()
    const list = wb.day(m.admin, false).checklist
    expect(list).not.toBeNull()
    const done = Object.fromEntries(list!.items.map((i) => [i.key, i.done]))
    expect(done).toEqual({ colleagues: true, import: false, company: expect.any(Boolean), lan: false, backup: false })
    m.core.settings.setBackup({ copyTo: '/mnt/nas/jimu' })
    expect(wb.day(m.admin, true).checklist!.items.filter((i) => i.done).map((i) => i.key)).toEqual(expect.arrayContaining(['colleagues', 'lan', 'backup']))
    expect((await m.call('rep', 'workbench.dismissChecklist', {})).ok).toBe(false)
    wb.dismissChecklist()
    expect(wb.day(m.admin, false).checklist).toBeNull()
  })
})
