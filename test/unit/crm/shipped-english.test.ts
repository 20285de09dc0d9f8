import { afterAll, beforeAll, expect, it } from 'vitest'
import { bundledApp } from '../../../src-main/apps/bundled'
import { testCore } from '../../support/core'

// The sales app installed in English: its flows' node and branch labels and its dashboards'
// measure labels are English (the package writes them once, in Chinese, with `translations`).
// Installed in Chinese they stay as written.

const CJK = /[\u4e00-\u9fff]/
let en: Awaited<ReturnType<typeof testCore>>
let zh: Awaited<ReturnType<typeof testCore>>
beforeAll(async () => {
  en = await testCore()
  en.core.crm.install(en.actor, bundledApp('crm').pkg, 'en')
  zh = await testCore()
  zh.core.crm.install(zh.actor, bundledApp('crm').pkg, 'zh-CN')
}, 60_000)
afterAll(() => {
  en?.close()
  zh?.close()
})

const flowLabels = (t: typeof en) =>
  t.core.flows.list().flatMap((f) => [...f.draft.nodes, ...f.draft.edges].map((p) => (p as { label?: string }).label).filter((l): l is string => Boolean(l)))
const measureLabels = (t: typeof en) => {
  const ids = t.core.db.prepare('SELECT id FROM dashboards WHERE app_key IS NOT NULL').pluck().all() as number[]
  return ids.flatMap((id) => {
    const d = t.core.reports.dashboards.get(t.actor, id)
    return d.widgets.flatMap((w) => {
      const q = w.query as { measures?: Array<{ label?: string }>; series?: Array<{ label?: string }> }
      return [...(q.measures ?? []), ...(q.series ?? [])].map((m) => m.label).filter((l): l is string => Boolean(l))
    })
  })
}

it('flow labels are English in an English install', () => {
  const labels = flowLabels(en)
  expect(labels.length).toBeGreaterThan(10)
  expect(labels.filter((l) => CJK.test(l))).toEqual([])
  expect(labels).toContain('Legal approval')
  expect(flowLabels(zh)).toContain('法务审批')
})

it('dashboard measure labels are English in an English install', () => {
  const labels = measureLabels(en)
  expect(labels.length).toBeGreaterThan(5)
  expect(labels.filter((l) => CJK.test(l))).toEqual([])
  expect(labels).toContain('Deals won')
  expect(measureLabels(zh)).toContain('赢单数')
})
