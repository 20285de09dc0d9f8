import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { METHOD_NAMES, type MethodName } from '../../../src-main/shared/api/contracts'
import { readWorkbook } from '../../../src-main/sheets/read-workbook'
import { ident } from '../../../src-main/db/connection'
import { translate } from '../../../src-main/shared/locales'
import type { RpcResult } from '../../../src-main/api/dispatcher'
import { SALES_FORMS, WHO, hiddenMarker, phoneMarker, salesMatrix, type SalesForm, type SalesMatrix, type Who } from '../../support/sales-matrix'

// The role matrix: every method of the contract table, as every shipped role (销售代表,
// 销售经理, 财务, 客服) and a custom role (a custom data scope, hidden fields), through the
// dispatcher with each user's own session — the path HTTP and IPC take — over the sales app with
// sample data. Both directions are asserted: nothing outside the user's scope or hidden from them
// appears in any answer (markers planted in every record and hidden field, looked for in the
// whole JSON, in exported files and reports), and nothing the role may see fails.
//
// Every method has an entry (the table's type and a run-time check both say so): a read is
// called and checked here; a write is covered by the write-authority test; admin-only methods
// are refused to every role here; public ones say why they are public.

type Problem = { key: string; detail: string }
const problems: Problem[] = []
let m: SalesMatrix

function problem(key: string, detail: string): void {
  problems.push({ key, detail })
}

/** Fail the current method's test with its problems. */
function settle(method: string): void {
  const mine = problems.filter((p) => p.key.startsWith(`${method} `)).map((p) => `${p.key} — ${p.detail}`)
  expect([...new Set(mine)]).toEqual([])
}

// ---------- expected visibility, cached per user and form ----------

const cache = new Map<string, unknown>()
const memo = <T>(key: string, make: () => T): T => {
  if (!cache.has(key)) cache.set(key, make())
  return cache.get(key) as T
}
const visible = (who: Who, form: SalesForm) => memo(`v:${who}:${form}`, () => m.visible(who, form))
const hidden = (who: Who, form: SalesForm) => memo(`h:${who}:${form}`, () => m.hidden(who, form))
const canView = (who: Who, form: SalesForm) => memo(`a:${who}:${form}`, () => m.actions(who, form)).has('view')
const can = (who: Who, form: SalesForm, action: string) => memo(`a:${who}:${form}`, () => m.actions(who, form)).has(action as never)
const liveVisible = (who: Who, form: SalesForm) => memo(`lv:${who}:${form}`, () => new Set([...visible(who, form)].filter((id) => m.live(form).has(id))))
/**
 * Records shown to the user as a flow participant (submitter or approver), by form: the record under
 * approval, and the titles of the records it links to — what the approver decides on (合同 → its 客户).
 */
const participantRecords = (who: Who) => memo(`p:${who}`, () => m.participantShown(who))

// ---------- looking for markers in answers ----------

/** Every marker in `text` must belong to a record the user sees, and a field they may read. */
function scanText(method: string, who: Who, text: string): void {
  const maySee = (form: SalesForm, id: number) => visible(who, form).has(id) || participantRecords(who).includes(`${form}:${id}`)
  for (const [, form, id] of text.matchAll(/⟦R:(\w+):(\d+)⟧/g)) {
    if (!maySee(form as SalesForm, Number(id))) problem(`${method} ${who} record:${form}`, `${form} #${id} is outside the scope`)
  }
  for (const [, form, field, id] of text.matchAll(/⟦H:(\w+)\.(\w+):(\d+)⟧/g)) {
    if (hidden(who, form as SalesForm).has(field!)) problem(`${method} ${who} hidden:${form}.${field}`, `hidden ${form}.${field} of #${id} returned`)
    else if (!maySee(form as SalesForm, Number(id))) problem(`${method} ${who} record:${form}`, `${form}.${field} of #${id} (outside the scope) returned`)
  }
  for (const [, ff, id] of text.matchAll(/(?<!\d)199(\d\d)(\d{6})(?!\d)/g)) {
    const form = SALES_FORMS[Number(ff)]
    if (form !== 'customer' && form !== 'contact') continue
    if (hidden(who, form).has('phone')) problem(`${method} ${who} hidden:${form}.phone`, `hidden ${form}.phone of #${Number(id)} returned`)
    else if (!maySee(form, Number(id))) problem(`${method} ${who} record:${form}`, `${form}.phone of #${Number(id)} (outside the scope) returned`)
  }
}
const scan = (method: string, who: Who, data: unknown) => scanText(method, who, typeof data === 'string' ? data : JSON.stringify(data) ?? '')

/** A file answer (base64 xlsx or csv): every cell scanned. */
async function scanFile(method: string, who: Who, name: string, base64: string, echo: string[] = []): Promise<string[][]> {
  const sheets = await readWorkbook(name, Buffer.from(base64, 'base64'))
  const rows = sheets.flatMap((s) => s.rows)
  scanText(method, who, echo.reduce((text, e) => text.split(e).join(''), JSON.stringify(rows)))
  return rows
}

// ---------- calling ----------

async function call(who: Who, method: MethodName, input: unknown): Promise<RpcResult> {
  return m.call(who, method, input)
}
/** A call the user is entitled to: it must answer, and its answer is scanned. */
async function allowed<T = unknown>(who: Who, method: MethodName, input: unknown, what = '', echo: string[] = []): Promise<T | undefined> {
  const res = await call(who, method, input)
  if (!res.ok) {
    problem(`${method} ${who} fails${what ? `:${what}` : ''}`, `${res.error.code} ${res.error.message} (input ${JSON.stringify(input).slice(0, 200)})`)
    return undefined
  }
  // What the user sent (an uploaded file) may come back to them: it is not looked for.
  scanText(method, who, echo.reduce((text, e) => text.split(e).join(''), JSON.stringify(res.data) ?? ''))
  return res.data as T
}
/** A call the user is not entitled to: refused with one of `codes`, and the refusal discloses nothing. */
async function refused(who: Who, method: MethodName, input: unknown, codes: string[], what = ''): Promise<void> {
  const res = await call(who, method, input)
  if (res.ok) {
    problem(`${method} ${who} answers${what ? `:${what}` : ''}`, `answered ${JSON.stringify(res.data).slice(0, 200)} (input ${JSON.stringify(input).slice(0, 200)})`)
    scan(method, who, res.data)
    return
  }
  if (!codes.includes(res.error.code)) problem(`${method} ${who} wrong-refusal${what ? `:${what}` : ''}`, `${res.error.code} ${res.error.message}`)
  scan(method, who, res.error)
}

// ---------- data helpers ----------

interface RecordLike { id: number; fields: Record<string, unknown> }
interface FieldLike { apiKey: string; label: string; type: string; resultType: string | null; parentFieldId: number | null; config: Record<string, unknown> }

/** Hidden keys must not be fields of the records returned for the form. */
function noHiddenKeys(method: string, who: Who, form: SalesForm, records: RecordLike[]): void {
  for (const r of records) for (const k of hidden(who, form)) if (k in r.fields) problem(`${method} ${who} hidden:${form}.${k}`, `record #${r.id} carries ${k}`)
}
/** A sample of ids: some the user sees (their collaborations included), some they do not. */
function sample(who: Who, form: SalesForm): { inside: number[]; outside: number[] } {
  const all = [...m.live(form)]
  const vis = liveVisible(who, form)
  const pick = (ids: number[]) => [...new Set([ids[0], ids[1], ids[Math.floor(ids.length / 2)], ids.at(-1)].filter((x): x is number => x !== undefined))]
  const inside = pick(all.filter((id) => vis.has(id)))
  if (form === 'customer' && vis.has(m.southCustomer)) inside.push(m.southCustomer)
  if (form === 'opportunity' && vis.has(m.southOpportunity)) inside.push(m.southOpportunity)
  return { inside, outside: pick(all.filter((id) => !vis.has(id))) }
}
const numericField = (f: FieldLike) => f.parentFieldId === null && (['number', 'amount', 'percent', 'rollup'].includes(f.type) || (f.type === 'formula' && f.resultType === 'number'))
function sumOver(form: SalesForm, key: string, ids: Set<number>): number | null {
  const model = m.core.schema.form(form)
  const col = model.byKey.get(key)!.column!
  const list = [...ids]
  if (!list.length) return null
  const rows = m.core.db.prepare(`SELECT ${ident(col)} AS v FROM ${ident(model.table)} WHERE id IN (${list.map(() => '?').join(',')})`).all(...list) as Array<{ v: number | null }>
  return rows.reduce((s, r) => s + (r.v ?? 0), 0)
}
/** Formula fields computed from a field hidden from the user (they would disclose it). */
function derivedFromHidden(who: Who, form: SalesForm): string[] {
  const model = m.core.schema.form(form)
  const hiddenFields = model.fields.filter((f) => hidden(who, form).has(f.apiKey))
  return model.fields.filter((f) => f.type === 'formula' && !hidden(who, form).has(f.apiKey)).filter((f) => {
    const expr = String((f.config as { expression?: string }).expression ?? '')
    return hiddenFields.some((h) => expr.includes(`{${h.apiKey}}`) || expr.includes(`{${h.label}}`))
  }).map((f) => f.apiKey)
}

async function listAll(who: Who, form: SalesForm, extra: Record<string, unknown> = {}): Promise<{ records: RecordLike[]; total?: number; totals?: Record<string, number | null> } | undefined> {
  const records: RecordLike[] = []
  let cursor: string | undefined
  let first: { total?: number; totals?: Record<string, number | null> } | undefined
  for (let page = 0; page < 50; page++) {
    const res = await allowed<{ records: RecordLike[]; nextCursor: string | null; total?: number; totals?: Record<string, number | null> }>(who, 'records.list', { form, limit: 500, cursor, ...extra }, form)
    if (!res) return undefined
    first ??= res
    records.push(...res.records)
    if (!res.nextCursor) break
    cursor = res.nextCursor
  }
  return { records, total: first?.total, totals: first?.totals }
}

// ---------- the matrix ----------

type Entry =
  | { read: (who: Who) => Promise<void> }
  /** A step of a session another entry's scenario walks through (and checks) as every role. */
  | { within: MethodName }
  | { write: string }
  | { admin: string }
  | { public: string }

const perForm = (fn: (who: Who, form: SalesForm) => Promise<void>) => async (who: Who) => {
  for (const form of SALES_FORMS) await fn(who, form)
}
const WRITE = 'a change: the write-authority test covers it'

const MATRIX: { [M in MethodName]: Entry } = {
  'system.status': { read: async (who) => void (await allowed(who, 'system.status', {})) },
  'auth.setup': { public: 'first run only; refused once an administrator exists' },
  'auth.login': { public: 'signing in (the matrix signs every user in with it)' },
  'auth.logout': { write: 'ends the caller’s own session' },
  'auth.me': {
    read: async (who) => {
      const me = await allowed<{ id: number }>(who, 'auth.me', {})
      if (me && me.id !== m.users[who]) problem(`auth.me ${who} wrong-user`, `answered user #${me.id}`)
    }
  },
  'auth.changePassword': { write: 'the caller’s own password' },
  'auth.sessions': { read: async (who) => void (await allowed(who, 'auth.sessions', {})) },
  'auth.revokeSession': { write: 'the caller’s own sessions' },
  'auth.logoutEverywhere': { write: 'the caller’s own sessions' },
  'tokens.list': { read: async (who) => void (await allowed(who, 'tokens.list', {})) },
  'tokens.create': { write: 'the caller’s own tokens' },
  'tokens.revoke': { write: 'the caller’s own tokens' },
  'users.list': {
    read: async (who) => {
      const users = await allowed<Array<{ id: number; phone: string | null; email: string | null; login?: string; lockedUntil?: string | null }>>(who, 'users.list', {})
      // Colleagues' names are needed to pick members; their contact details and sign-in state are not.
      for (const u of users ?? []) {
        if (u.id === m.users[who]) continue
        if (u.phone || u.email || u.lockedUntil) problem(`users.list ${who} personal-data`, `user #${u.id}: phone/email/lock state of a colleague returned`)
      }
    }
  },
  'users.create': { admin: 'user administration' },
  'users.update': { admin: 'user administration' },
  'users.listFull': { admin: 'user administration: colleagues’ phone, e-mail, roles and lock state' },
  'users.resetPassword': { admin: 'user administration' },
  'departments.list': { read: async (who) => void (await allowed(who, 'departments.list', {})) },
  'departments.create': { admin: 'organization' },
  'departments.update': { admin: 'organization' },
  'departments.delete': { admin: 'organization' },
  'roles.list': { read: async (who) => void (await allowed(who, 'roles.list', {})) },
  'roles.create': { admin: 'organization' },
  'roles.update': { admin: 'organization' },
  'roles.delete': { admin: 'organization' },
  'permissions.get': { admin: 'permissions are administered' },
  'permissions.set': { admin: 'permissions are administered' },
  'audit.list': { admin: 'the audit trail holds every record change' },
  'audit.verify': { admin: 'the audit trail' },
  'audit.export': { admin: 'the audit trail' },
  'apps.list': { read: async (who) => void (await allowed(who, 'apps.list', {})) },
  'apps.create': { admin: 'app design' },
  'apps.update': { admin: 'app design' },
  'forms.list': {
    read: async (who) => {
      const forms = await allowed<Array<{ apiKey: string; fields: FieldLike[] }>>(who, 'forms.list', {})
      if (!forms) return
      const listed = new Set(forms.map((f) => f.apiKey))
      for (const form of SALES_FORMS) {
        if (canView(who, form) !== listed.has(form)) problem(`forms.list ${who} forms`, `${form} ${canView(who, form) ? 'missing' : 'listed without view permission'}`)
        const dto = forms.find((f) => f.apiKey === form)
        for (const f of dto?.fields ?? []) if (hidden(who, form).has(f.apiKey)) problem(`forms.list ${who} hidden:${form}.${f.apiKey}`, 'hidden field listed')
      }
    }
  },
  'forms.get': {
    read: perForm(async (who, form) => {
      if (!canView(who, form)) return refused(who, 'forms.get', { form }, ['PERMISSION'], form)
      const dto = await allowed<{ fields: FieldLike[] }>(who, 'forms.get', { form }, form)
      const keys = new Set((dto?.fields ?? []).map((f) => f.apiKey))
      for (const k of hidden(who, form)) if (keys.has(k)) problem(`forms.get ${who} hidden:${form}.${k}`, 'hidden field described')
      for (const k of derivedFromHidden(who, form)) if (keys.has(k)) problem(`forms.get ${who} derived:${form}.${k}`, `${k} is computed from a hidden field`)
    })
  },
  'forms.access': {
    read: perForm(async (who, form) => {
      const res = await allowed<{ actions: string[] }>(who, 'forms.access', { form }, form)
      if (res && res.actions.sort().join() !== [...m.actions(who, form)].sort().join()) problem(`forms.access ${who} actions`, `${form}: ${res.actions.join()} ≠ ${[...m.actions(who, form)].join()}`)
    })
  },
  'forms.create': { admin: 'form design' },
  'forms.update': { write: 'form design (design permission)' },
  'forms.design': { write: 'form design (design permission)' },
  'fields.create': { write: 'form design (design permission)' },
  'fields.update': { write: 'form design (design permission)' },
  'fields.mergeOptions': { write: 'form design (design permission)' },
  'fields.delete': { write: 'form design (design permission)' },
  'fields.restore': { write: 'form design (design permission)' },
  'fields.purge': { write: 'form design (design permission)' },
  'formulas.check': {
    read: perForm(async (who, form) => {
      const input = { form, expression: '1 + 1' }
      // The form designer's check: it describes every field (hidden ones too), so design only.
      if (!can(who, form, 'design')) return refused(who, 'formulas.check', input, ['PERMISSION'], form)
      await allowed(who, 'formulas.check', input, form)
    })
  },

  'records.list': {
    read: perForm(async (who, form) => {
      if (!canView(who, form)) return refused(who, 'records.list', { form }, ['PERMISSION'], form)
      const dto = (await call(who, 'forms.get', { form })) as { ok: true; data: { fields: FieldLike[] } } | { ok: false }
      const numeric = dto.ok ? dto.data.fields.filter(numericField).map((f) => f.apiKey) : []
      const page = await listAll(who, form, { withTotal: true, totals: numeric.slice(0, 20) })
      if (!page) return
      const ids = page.records.map((r) => r.id).sort((a, b) => a - b)
      const expected = [...liveVisible(who, form)].sort((a, b) => a - b)
      if (ids.join() !== expected.join()) {
        const extra = ids.filter((id) => !expected.includes(id))
        const missing = expected.filter((id) => !ids.includes(id))
        if (extra.length) problem(`records.list ${who} record:${form}`, `outside the scope: ${extra.join(',')}`)
        if (missing.length) problem(`records.list ${who} missing:${form}`, `in scope but not listed: ${missing.join(',')}`)
      }
      if (page.total !== expected.length) problem(`records.list ${who} total:${form}`, `total ${page.total} ≠ ${expected.length}`)
      noHiddenKeys('records.list', who, form, page.records)
      for (const key of numeric) {
        const f = m.core.schema.form(form).byKey.get(key)!
        if (f.type !== 'amount' && f.type !== 'number') continue
        const want = sumOver(form, key, liveVisible(who, form)) ?? 0
        if (Math.abs((page.totals?.[key] ?? 0) - want) > 0.01) problem(`records.list ${who} totals:${form}.${key}`, `${page.totals?.[key]} ≠ ${want}`)
      }
      // Totals of a hidden number field disclose it.
      for (const k of hidden(who, form)) {
        const field = m.core.schema.form(form).byKey.get(k)!
        if (!['number', 'amount', 'percent'].includes(field.type)) continue
        const res = await call(who, 'records.list', { form, limit: 1, totals: [k] })
        if (res.ok && (res.data as { totals?: Record<string, unknown> }).totals?.[k] != null) problem(`records.list ${who} hidden-total:${form}.${k}`, 'total of a hidden field returned')
      }
      for (const k of derivedFromHidden(who, form)) {
        const res = await call(who, 'records.list', { form, limit: 1, totals: [k] })
        if (res.ok && (res.data as { totals?: Record<string, unknown> }).totals?.[k] != null) problem(`records.list ${who} derived-total:${form}.${k}`, `total of ${k}, computed from a hidden field, returned`)
        if (res.ok && page.records.some((r) => r.fields[k] != null)) problem(`records.list ${who} derived:${form}.${k}`, `${k}, computed from a hidden field, returned`)
      }
      // Searching a hidden field's content finds nothing.
      for (const k of hidden(who, form)) {
        const id = [...liveVisible(who, form)][0]
        const field = m.core.schema.form(form).byKey.get(k)!
        if (id === undefined || !['text', 'textarea'].includes(field.type)) continue
        const res = await call(who, 'records.list', { form, search: hiddenMarker(form, k, id).slice(1, -1) })
        if (res.ok && (res.data as { records: RecordLike[] }).records.length) problem(`records.list ${who} hidden-search:${form}.${k}`, 'a search on a hidden field’s content finds the record')
      }
    })
  },
  'records.count': {
    read: perForm(async (who, form) => {
      if (!canView(who, form)) return refused(who, 'records.count', { form }, ['PERMISSION'], form)
      const model = m.core.schema.form(form)
      const sums = model.fields.filter((f) => (f.type === 'amount' || f.type === 'number') && !hidden(who, form).has(f.apiKey)).map((f) => f.apiKey)
      const group = model.fields.find((f) => f.type === 'select' && !hidden(who, form).has(f.apiKey))?.apiKey
      const res = await allowed<{ total: number; sums?: Record<string, number | null>; groups?: Array<{ count: number }> }>(who, 'records.count', { form, sums, groupBy: group }, form)
      if (!res) return
      const expected = liveVisible(who, form).size
      if (res.total !== expected) problem(`records.count ${who} total:${form}`, `${res.total} ≠ ${expected}`)
      if (res.groups && res.groups.reduce((s, g) => s + g.count, 0) !== expected) problem(`records.count ${who} groups:${form}`, 'group counts do not add up')
      for (const k of sums) {
        const want = sumOver(form, k, liveVisible(who, form))
        if (Math.abs((res.sums?.[k] ?? 0) - (want ?? 0)) > 0.01) problem(`records.count ${who} sums:${form}.${k}`, `${res.sums?.[k]} ≠ ${want}`)
      }
      for (const k of hidden(who, form)) {
        await refused(who, 'records.count', { form, groupBy: k }, ['VALIDATION', 'PERMISSION'], `groupBy:${form}.${k}`)
        if (['number', 'amount', 'percent'].includes(model.byKey.get(k)!.type)) await refused(who, 'records.count', { form, sums: [k] }, ['VALIDATION', 'PERMISSION'], `sums:${form}.${k}`)
      }
      for (const k of derivedFromHidden(who, form)) {
        const r = await call(who, 'records.count', { form, sums: [k] })
        if (r.ok && (r.data as { sums?: Record<string, unknown> }).sums?.[k] != null) problem(`records.count ${who} derived-total:${form}.${k}`, `sum of ${k}, computed from a hidden field, returned`)
      }
    })
  },
  'records.get': {
    read: perForm(async (who, form) => {
      const { inside, outside } = sample(who, form)
      for (const id of inside) {
        const r = await allowed<RecordLike>(who, 'records.get', { form, id }, form)
        if (r) noHiddenKeys('records.get', who, form, [r])
      }
      for (const id of outside) await refused(who, 'records.get', { form, id }, canView(who, form) ? ['NOT_FOUND'] : ['PERMISSION', 'NOT_FOUND'], form)
    })
  },
  'records.history': {
    read: perForm(async (who, form) => {
      const { inside, outside } = sample(who, form)
      for (const id of inside) {
        const entries = await allowed<Array<{ changes: Record<string, unknown> }>>(who, 'records.history', { form, id }, form)
        for (const e of entries ?? []) for (const k of hidden(who, form)) if (k in e.changes) problem(`records.history ${who} hidden:${form}.${k}`, `#${id}: change of a hidden field shown`)
      }
      for (const id of outside) await refused(who, 'records.history', { form, id }, ['NOT_FOUND', 'PERMISSION'], form)
    })
  },
  'records.collaborators': {
    read: perForm(async (who, form) => {
      const { inside, outside } = sample(who, form)
      for (const id of inside) await allowed(who, 'records.collaborators', { form, id }, form)
      for (const id of outside) await refused(who, 'records.collaborators', { form, id }, ['NOT_FOUND', 'PERMISSION'], form)
    })
  },
  'records.trash': {
    read: perForm(async (who, form) => {
      if (!canView(who, form)) return refused(who, 'records.trash', { form }, ['PERMISSION'], form)
      const list = await allowed<RecordLike[]>(who, 'records.trash', { form }, form)
      for (const r of list ?? []) if (!visible(who, form).has(r.id)) problem(`records.trash ${who} record:${form}`, `#${r.id} outside the scope`)
      noHiddenKeys('records.trash', who, form, list ?? [])
    })
  },
  'records.create': { write: WRITE },
  'records.update': { write: WRITE },
  'records.delete': { write: WRITE },
  'records.restore': { write: WRITE },
  'records.bulkCreate': { write: WRITE },
  'records.transfer': { write: WRITE },
  'records.setCollaborators': { write: WRITE },
  'search.global': {
    read: async (who) => {
      for (const form of SALES_FORMS) {
        const groups = await allowed<Array<{ formId: number; hits: Array<{ recordId: number; match: { field: string } | null }> }>>(who, 'search.global', { q: `R:${form}:`, limit: 50 }, form)
        for (const h of (groups ?? []).flatMap((g) => g.hits.map((hit) => ({ ...hit, formId: g.formId })))) {
          const f = m.core.schema.form(h.formId).apiKey as SalesForm
          if (!visible(who, f).has(h.recordId)) problem(`search.global ${who} record:${f}`, `#${h.recordId} outside the scope`)
          if (h.match && hidden(who, f).has(h.match.field)) problem(`search.global ${who} snippet:${f}.${h.match.field}`, 'a snippet shows a hidden field')
        }
        // Hidden fields' content is not searchable.
        for (const k of hidden(who, form)) {
          const id = [...liveVisible(who, form)][0]
          if (id === undefined) continue
          const q = m.core.schema.form(form).byKey.get(k)!.type === 'phone' ? phoneMarker(form, id) : hiddenMarker(form, k, id).slice(1, -1)
          const found = await allowed<Array<{ hits: Array<{ recordId: number }> }>>(who, 'search.global', { q, limit: 50 }, `hidden:${form}.${k}`)
          if (found?.some((g) => g.hits.some((h) => h.recordId === id))) problem(`search.global ${who} hidden-search:${form}.${k}`, 'a search on a hidden field’s content finds the record')
        }
      }
    }
  },
  'attachments.upload': { write: 'stores a file; reading files is the files area (attachment downloads over HTTP)' },
  'sheets.inspect': { write: 'reads the caller’s own upload; touches no record' },
  'views.list': {
    read: perForm(async (who, form) => {
      if (!canView(who, form)) return refused(who, 'views.list', { form }, ['PERMISSION'], form)
      await allowed(who, 'views.list', { form }, form)
    })
  },
  'views.create': { write: WRITE },
  'views.update': { write: WRITE },
  'views.delete': { write: WRITE },
  'backups.list': { admin: 'backups hold every record' },
  'backups.create': { admin: 'backups hold every record' },
  'backups.restore': { admin: 'backups hold every record' },
  'backups.overview': { admin: 'backups hold every record' },
  'backups.status': { admin: 'backups hold every record (the header asks it only for administrators)' },
  'backups.run': { admin: 'backups hold every record' },
  'backups.preview': { admin: 'backups hold every record' },
  'backups.restoreFrom': { admin: 'backups hold every record' },
  'backups.exportArchive': { admin: 'the archive holds every record and attachment' },
  'setup.importArchive': { public: 'first run only, like auth.setup: refused once any user exists (test/unit/backups/archive.test.ts)' },
  'documents.templates': {
    read: perForm(async (who, form) => {
      if (canView(who, form)) await allowed(who, 'documents.templates', { form }, form)
      else await refused(who, 'documents.templates', { form }, ['PERMISSION'], form)
    })
  },
  'documents.recipients': {
    // Contacts' names carry record markers: only contacts the caller sees may be offered.
    read: async (who) => {
      const { inside, outside } = sample(who, 'opportunity')
      for (const id of inside) await allowed(who, 'documents.recipients', { form: 'opportunity', record: id }, 'opportunity')
      for (const id of outside) await refused(who, 'documents.recipients', { form: 'opportunity', record: id }, ['PERMISSION', 'NOT_FOUND'], 'opportunity')
    }
  },
  'documents.printable': {
    // The file route's decision (authorizeDownload): a record outside the caller's scope, or a file
    // that is not in the field, is not found — the same answer, so nothing is learnt from it.
    // Printing a file the caller may fetch: test/unit/documents/printable.test.ts.
    read: async (who) => {
      const form = m.core.schema.form('opportunity')
      const field = form.fields.find((f) => f.type === 'attachment')!
      const { inside, outside } = sample(who, 'opportunity')
      for (const id of [...inside, ...outside]) await refused(who, 'documents.printable', { form: form.id, record: id, field: field.id, hash: 'a'.repeat(64) }, ['NOT_FOUND', 'PERMISSION'], 'opportunity')
    }
  },
  'documents.saveTemplate': { admin: 'document templates are designed by administrators' },
  'documents.deleteTemplate': { admin: 'document templates are designed by administrators' },
  'documents.generate': { write: WRITE },
  'documents.send': { write: WRITE },
  'print.savePdf': { write: WRITE },
  'settings.company': {
    read: async (who) => {
      // The company on quotes and documents: every user prints quotes. It carries no record.
      const company = await allowed<{ name: string }>(who, 'settings.company', {})
      if (company && typeof company.name !== 'string') problem(`settings.company ${who} shape`, 'no company name')
    }
  },
  'settings.get': { admin: 'system settings (data folder, backups)' },
  'settings.updateCompany': { admin: 'system settings' },
  'settings.updateBackup': { admin: 'system settings (the second place backups go to)' },
  'settings.updateAccess': { admin: 'system settings (where links handed out point)' },
  'lan.status': { admin: 'office network: paired PCs and who is connected' },
  'lan.setSharing': { admin: 'office network sharing' },
  'lan.decide': { admin: 'office network pairing approval' },
  'lan.revoke': { admin: 'office network paired PCs' },
  'publicForms.get': { admin: 'public form settings, the link\'s secret token and submissions' },
  'publicForms.save': { admin: 'publishing a form to anyone holding the link' },
  'publicForms.unpublish': { admin: 'publishing a form to anyone holding the link' },
  'publicForms.surveyLink': { write: 'makes a survey token; needs the edit right on the record (access layer), covered in test/unit/publicforms/survey.test.ts' },
  'im.settings': { admin: 'DingTalk / WeCom settings (secrets masked, still administrators only)' },
  'im.updateSettings': { admin: 'DingTalk / WeCom settings' },
  'im.test': { admin: 'DingTalk / WeCom connection test' },
  'im.importContacts': { admin: 'DingTalk / WeCom contact import adds users and departments' },
  'im.bindings': { admin: 'who is bound to which DingTalk / WeCom user' },
  'im.bind': { admin: 'DingTalk / WeCom user binding' },
  'workbench.day': {
    read: async (who) => {
      const day = await allowed<{ deals: { amountShown: boolean; items: Array<{ amount: number | null }> } | null; checklist: unknown }>(who, 'workbench.day', {})
      if (day?.deals && hidden(who, 'opportunity').has('amount') && (day.deals.amountShown || day.deals.items.some((d) => d.amount !== null))) problem(`workbench.day ${who} hidden:opportunity.amount`, 'a hidden amount returned')
      if (day?.checklist) problem(`workbench.day ${who} checklist`, 'the first-run checklist shown to a member')
    }
  },
  'workbench.opened': { write: 'the caller’s own recent records' },
  'workbench.dismissChecklist': { admin: 'the first-run checklist' },
  'sync.pull': {
    read: async (who) => {
      // The whole replica a laptop would hold: nothing outside the scope or hidden (scanned), and every record the user sees.
      const got = new Map<string, Set<number>>()
      let input: { cursor: number; forms: Record<string, string>; resume: unknown } = { cursor: 0, forms: {}, resume: null }
      for (let i = 0; i < 50; i++) {
        const res = await allowed<{ cursor: number; forms: Array<{ form: { id: number; apiKey: string }; key: string }>; complete: number[]; records: Array<{ form: number; record: RecordLike }>; resume: unknown; more: boolean }>(who, 'sync.pull', { ...input, limit: 500 })
        if (!res) return
        for (const r of res.records) {
          const key = m.core.schema.form(r.form).apiKey
          got.set(key, (got.get(key) ?? new Set()).add(r.record.id))
        }
        const keys = { ...input.forms }
        for (const f of res.forms) if (res.complete.includes(f.form.id)) keys[String(f.form.id)] = f.key
        input = { cursor: res.cursor, forms: keys, resume: res.resume }
        if (!res.more) break
      }
      for (const form of SALES_FORMS) {
        if (!canView(who, form)) {
          if (got.has(form)) problem(`sync.pull ${who} form:${form}`, 'records of a form the role may not view')
          continue
        }
        for (const id of liveVisible(who, form)) if (!got.get(form)?.has(id)) problem(`sync.pull ${who} missing:${form}`, `#${id} visible but not replicated`)
      }
    }
  },
  'sync.push': { write: 'each operation goes through the write pipeline as the caller (test/unit/sync)' },
  'sync.conflicts': { read: async (who) => void (await allowed(who, 'sync.conflicts', {})) },
  'sync.resolve': { write: 'the caller’s own 冲突 entries, written through the write pipeline as the caller (test/unit/sync)' },

  'crm.status': { read: async (who) => void (await allowed(who, 'crm.status', {})) },
  'crm.preview': { admin: 'installing the sales app' },
  'crm.install': { admin: 'installing the sales app' },
  'crm.settings': { read: async (who) => void (await allowed(who, 'crm.settings', {})) },
  'crm.updateSettings': { admin: 'sales app settings' },
  'crm.pool.claim': {
    write: 'a change (the write-authority test covers claiming); the refusal text is checked in test/unit/crm/sales.test.ts'
  },
  'crm.pool.release': { write: WRITE },
  'crm.pool.status': {
    read: async (who) => {
      for (const form of ['lead', 'customer'] as const) {
        if (!canView(who, form)) continue
        await allowed(who, 'crm.pool.status', { form }, form)
      }
    }
  },
  'crm.pool.history': {
    read: async (who) => {
      for (const form of ['lead', 'customer'] as const) {
        const { inside, outside } = sample(who, form)
        for (const id of inside) await allowed(who, 'crm.pool.history', { form, id }, form)
        for (const id of outside) await refused(who, 'crm.pool.history', { form, id }, ['NOT_FOUND', 'PERMISSION'], form)
      }
    }
  },
  'crm.convertLead': { write: WRITE },
  'crm.duplicates.check': {
    read: async (who) => {
      // By name and by phone, for customers inside and outside the scope: only visible ones come
      // back, and a hidden phone does not (its marker would show in the scan).
      for (const id of [...m.live('customer')]) {
        const row = m.core.reads.get(m.admin, 'customer', id).fields
        const byName = await allowed<Array<{ id: number }>>(who, 'crm.duplicates.check', { name: row.name }, 'name')
        const byPhone = await allowed<Array<{ id: number }>>(who, 'crm.duplicates.check', { phone: phoneMarker('customer', id) }, 'phone')
        for (const d of [...(byName ?? []), ...(byPhone ?? [])]) if (!visible(who, 'customer').has(d.id)) problem(`crm.duplicates.check ${who} record:customer`, `#${d.id} outside the scope`)
        if (canView(who, 'customer') && liveVisible(who, 'customer').has(id) && !byName?.some((d) => d.id === id)) problem(`crm.duplicates.check ${who} missing`, `#${id} (visible) not found by its name`)
        if (hidden(who, 'customer').has('phone') && byPhone?.length) problem(`crm.duplicates.check ${who} hidden-search:customer.phone`, 'matched by a hidden phone')
      }
    }
  },
  'crm.duplicates.groups': {
    read: async (who) => {
      const groups = await allowed<Array<{ records: Array<{ id: number }> }>>(who, 'crm.duplicates.groups', {})
      for (const g of groups ?? []) for (const r of g.records) if (!visible(who, 'customer').has(r.id)) problem(`crm.duplicates.groups ${who} record:customer`, `#${r.id} outside the scope`)
      if (hidden(who, 'customer').has('phone') && groups?.some((g) => g.records.some((r) => r.id === m.dup))) problem(`crm.duplicates.groups ${who} hidden-search:customer.phone`, 'grouped by a hidden phone')
    }
  },
  'crm.merge': { write: WRITE },
  'crm.quoteToContract': { write: WRITE },

  'flows.list': { read: async (who) => void (await allowed(who, 'flows.list', {})) },
  'flows.get': {
    read: async (who) => {
      for (const f of m.core.flows.list()) await allowed(who, 'flows.get', { id: f.id })
    }
  },
  'flows.create': { admin: 'flow design' },
  'flows.save': { admin: 'flow design' },
  'flows.delete': { admin: 'flow design' },
  'flows.validate': { admin: 'flow design' },
  'flows.publish': { admin: 'flow design' },
  'flows.available': {
    read: perForm(async (who, form) => {
      if (!canView(who, form)) return
      await allowed(who, 'flows.available', { form }, form)
    })
  },
  'flows.start': { write: WRITE },
  'flows.recordStatus': {
    read: async (who) => {
      for (const form of SALES_FORMS) {
        const { inside, outside } = sample(who, form)
        for (const id of inside) await allowed(who, 'flows.recordStatus', { form, recordId: id }, form)
        for (const id of outside) await refused(who, 'flows.recordStatus', { form, recordId: id }, ['NOT_FOUND', 'PERMISSION'], form)
      }
    }
  },
  'flows.instance': {
    read: async (who) => {
      for (const id of m.instances) {
        const row = m.core.db.prepare('SELECT form_id AS formId, record_id AS recordId FROM flow_instances WHERE id = ?').get(id) as { formId: number; recordId: number }
        const form = m.core.schema.form(row.formId).apiKey as SalesForm
        const mayOpen = m.participant(who).some((p) => p.id === id) || visible(who, form).has(row.recordId)
        if (!mayOpen) {
          await refused(who, 'flows.instance', { id }, ['NOT_FOUND', 'PERMISSION'])
          continue
        }
        const inst = await allowed<{ record: RecordLike | null }>(who, 'flows.instance', { id })
        if (inst?.record) noHiddenKeys('flows.instance', who, form, [inst.record])
      }
    }
  },
  'flows.todo': {
    read: async (who) => {
      for (const tab of ['todo', 'done', 'mine', 'cc'] as const) await allowed(who, 'flows.todo', { tab }, tab)
    }
  },
  'flows.counts': { read: async (who) => void (await allowed(who, 'flows.counts', {})) },
  'flows.approve': { write: WRITE },
  'flows.reject': { write: WRITE },
  'flows.return': { write: WRITE },
  'flows.transfer': { write: WRITE },
  'flows.addSigner': { write: WRITE },
  'flows.withdraw': { write: WRITE },
  'flows.resubmit': { write: WRITE },
  'flows.urge': { write: WRITE },
  'flows.comment': { write: WRITE },
  'flows.markRead': { write: WRITE },
  'flows.batchApprove': { write: WRITE },

  'rules.list': { admin: 'automation design' },
  'rules.get': { admin: 'automation design' },
  'rules.create': { admin: 'automation design' },
  'rules.update': { admin: 'automation design' },
  'rules.delete': { admin: 'automation design' },
  'rules.setEnabled': { admin: 'automation design' },
  'rules.dryRun': { admin: 'automation design (it reads every matching record)' },
  'rules.runs': { admin: 'automation design' },
  'jobs.list': { admin: 'background jobs carry record data' },
  'jobs.retry': { admin: 'background jobs' },
  'notify.smtpGet': { admin: 'mail settings' },
  'notify.smtpSet': { admin: 'mail settings' },
  'notify.smtpTest': { admin: 'mail settings' },
  'notify.webhookTest': { admin: 'mail settings' },
  'notifications.list': { read: async (who) => void (await allowed(who, 'notifications.list', { limit: 200 })) },
  'notifications.markRead': { write: 'the caller’s own notifications' },
  'clock.get': { read: async (who) => void (await allowed(who, 'clock.get', {})) },
  'clock.advance': { admin: 'moves the server clock (demo servers)' },

  'reports.dashboards': { read: async (who) => void (await allowed(who, 'reports.dashboards', {})) },
  'reports.dashboard': {
    read: async (who) => {
      for (const d of (await allowed<Array<{ id: number }>>(who, 'reports.dashboards', {})) ?? []) await allowed(who, 'reports.dashboard', { id: d.id })
    }
  },
  'reports.run': {
    read: async (who) => {
      for (const w of await widgets(who)) {
        const input = { type: w.type, query: w.query }
        if (!widgetViewable(who, w.query)) await refused(who, 'reports.run', input, ['PERMISSION'], w.key)
        else await allowed(who, 'reports.run', input, w.key)
      }
      // A count widget counts exactly the records the user sees.
      for (const form of SALES_FORMS) {
        if (!canView(who, form)) continue
        const res = await allowed<{ rows: Array<{ values: Array<number | null> }> }>(who, 'reports.run', { type: 'column', query: { form, dimensions: [{ field: 'createdAt', bucket: 'year' }], measures: [{ agg: 'count' }] } }, `count:${form}`)
        const n = res?.rows.reduce((sum, r) => sum + (r.values[0] ?? 0), 0) ?? 0
        if (res && n !== liveVisible(who, form).size) problem(`reports.run ${who} count:${form}`, `${n} ≠ ${liveVisible(who, form).size}`)
        for (const k of hidden(who, form)) {
          const field = m.core.schema.form(form).byKey.get(k)!
          await refused(who, 'reports.run', { type: 'bar', query: { form, dimensions: [{ field: k }], measures: [{ agg: 'count' }] } }, ['VALIDATION', 'PERMISSION'], `dimension:${form}.${k}`)
          if (['number', 'amount', 'percent'].includes(field.type)) await refused(who, 'reports.run', { type: 'kpi', query: { form, measures: [{ agg: 'sum', field: k }] } }, ['VALIDATION', 'PERMISSION'], `measure:${form}.${k}`)
        }
        for (const k of derivedFromHidden(who, form)) await refused(who, 'reports.run', { type: 'kpi', query: { form, measures: [{ agg: 'sum', field: k }] } }, ['VALIDATION', 'PERMISSION'], `derived:${form}.${k}`)
      }
    }
  },
  'reports.drill': {
    read: async (who) => {
      for (const w of await widgets(who)) {
        if (!widgetViewable(who, w.query) || !w.query.dimensions?.length || w.query.series?.length) continue
        const run = await call(who, 'reports.run', { type: w.type, query: w.query })
        const first = run.ok ? (run.data as { rows: Array<{ keys: unknown[] }> }).rows[0] : undefined
        if (!first) continue
        const drill = await allowed<{ formId: number; filter: unknown }>(who, 'reports.drill', { type: w.type, query: w.query, keys: first.keys }, w.key)
        if (drill) await allowed(who, 'records.list', { form: drill.formId, filter: drill.filter, limit: 500 }, `drill:${w.key}`)
      }
    }
  },
  'reports.export': {
    read: async (who) => {
      for (const w of await widgets(who)) {
        if (!widgetViewable(who, w.query)) continue
        const out = await allowed<{ fileName: string; base64: string }>(who, 'reports.export', { type: w.type, query: w.query, title: w.title }, w.key)
        if (out) await scanFile('reports.export', who, out.fileName, out.base64)
      }
    }
  },
  'forecast.run': {
    read: async (who) => {
      // Every figure is a sum of 预计成交金额: a role that may not see it (or 商机) is refused.
      for (const by of ['owner', 'department'] as const) {
        const input = { year: 2025, bucket: 'quarter', by }
        if (!canView(who, 'opportunity') || hidden(who, 'opportunity').has('amount')) await refused(who, 'forecast.run', input, ['PERMISSION'], by)
        else await allowed(who, 'forecast.run', input, by)
      }
    }
  },
  'reports.createDashboard': { write: WRITE },
  'reports.updateDashboard': { write: WRITE },
  'reports.deleteDashboard': { write: WRITE },

  'transfer.import.open': { read: async (who) => importScenario(who) },
  'transfer.import.sheets': { within: 'transfer.import.open' },
  'transfer.import.columns': { within: 'transfer.import.open' },
  'transfer.import.preview': { within: 'transfer.import.open' },
  'transfer.import.status': { within: 'transfer.import.open' },
  'transfer.import.close': { within: 'transfer.import.open' },
  'transfer.import.errorReport': { within: 'transfer.import.open' },
  'transfer.import.run': { write: 'writes records (its error report is checked with transfer.import.open)' },
  'transfer.import.cancel': { write: WRITE },
  'transfer.import.undo': { write: WRITE },
  'transfer.import.batches': {
    read: perForm(async (who, form) => {
      if (!can(who, form, 'import')) return refused(who, 'transfer.import.batches', { form }, ['PERMISSION'], form)
      await allowed(who, 'transfer.import.batches', { form }, form)
    })
  },
  'transfer.template': {
    read: perForm(async (who, form) => {
      if (!can(who, form, 'import')) return refused(who, 'transfer.template', { form }, ['PERMISSION'], form)
      const out = await allowed<{ name: string; data: string }>(who, 'transfer.template', { form }, form)
      if (!out) return
      const [header] = await scanFile('transfer.template', who, out.name, out.data)
      for (const k of hidden(who, form)) {
        const label = m.core.schema.form(form).byKey.get(k)!.label
        if (header?.includes(label)) problem(`transfer.template ${who} hidden:${form}.${k}`, 'hidden column in the template')
      }
    })
  },
  'transfer.export': {
    read: perForm(async (who, form) => {
      const input = { form, format: 'csv' as const }
      if (!can(who, form, 'export')) return refused(who, 'transfer.export', input, ['PERMISSION'], form)
      const out = await allowed<{ name: string; data: string; rows: number }>(who, 'transfer.export', input, form)
      if (!out) return
      const rows = await scanFile('transfer.export', who, out.name, out.data)
      const want = [...visible(who, form)].filter((id) => m.live(form).has(id)).length
      if (out.rows !== want) problem(`transfer.export ${who} rows:${form}`, `${out.rows} ≠ ${want}`)
      for (const k of hidden(who, form)) {
        const label = m.core.schema.form(form).byKey.get(k)!.label
        if (rows[0]?.includes(label)) problem(`transfer.export ${who} hidden:${form}.${k}`, 'hidden column exported')
      }
    })
  },
  'transfer.app.export': { admin: 'app definitions' },
  'transfer.app.preview': { admin: 'app definitions' },
  'transfer.app.import': { admin: 'app definitions' }
}

interface WidgetLike { key: string; title: string; type: string; query: { form: string | number; dimensions?: unknown[]; series?: Array<{ form: string | number }>; target?: { form: string | number } } }
async function widgets(who: Who): Promise<WidgetLike[]> {
  return memo(`w:${who}`, async () => {
    const out: WidgetLike[] = []
    for (const d of (await m.call(who, 'reports.dashboards', {}).then((r) => (r.ok ? (r.data as Array<{ id: number }>) : [])))) {
      const res = await m.call(who, 'reports.dashboard', { id: d.id })
      if (res.ok) out.push(...(res.data as { widgets: WidgetLike[] }).widgets)
    }
    return out
  })
}
const formKey = (ref: string | number) => m.core.schema.form(ref).apiKey as SalesForm
const widgetViewable = (who: Who, q: WidgetLike['query']) =>
  canView(who, formKey(q.form)) && (q.series ?? []).every((s) => canView(who, formKey(s.form))) && (!q.target || canView(who, formKey(q.target.form)))

/**
 * An import of customer names — the user's own, others' and new ones — as a role with the import
 * permission: the preview's duplicates name only records the user sees, and the rows refused as
 * duplicates of a customer outside the scope say so without its data.
 */
async function importScenario(who: Who): Promise<void> {
  const form: SalesForm = 'customer'
  if (!can(who, form, 'import')) {
    await refused(who, 'transfer.import.open', { form, name: 'k.csv', data: Buffer.from('客户名称\n甲').toString('base64') }, ['PERMISSION'])
    return
  }
  const taken = [...m.live(form)].map((id) => [id, String(m.core.reads.get(m.admin, form, id).fields.name)] as const)
  const names = taken.map(([, name]) => name)
  const csv = `客户名称\n${names.join('\n')}\n全新客户甲有限公司\n`
  const echo = (v: string) => [v, JSON.stringify(v).slice(1, -1)]
  const sent = names.flatMap(echo)
  const opened = await allowed<{ session: string }>(who, 'transfer.import.open', { form, name: 'customers.csv', data: Buffer.from(csv).toString('base64') })
  if (!opened) return
  const session = opened.session
  const sheets = await allowed<Array<{ headerRow: number }>>(who, 'transfer.import.sheets', { session }, '', sent)
  await allowed(who, 'transfer.import.columns', { session, sheet: 0, headerRow: sheets?.[0]?.headerRow ?? 0 }, '', sent)
  const settings = { sheet: 0, headerRow: sheets?.[0]?.headerRow ?? 0, columns: [{ column: 0, target: { action: 'field', field: 'name' } }], onError: 'skip', duplicates: 'import' }
  const preview = await allowed<{ duplicates: Array<{ recordId: number | null }> }>(who, 'transfer.import.preview', { session, settings }, '', sent)
  for (const d of preview?.duplicates ?? []) if (d.recordId !== null && !visible(who, form).has(d.recordId)) problem(`transfer.import.preview ${who} record:customer`, `duplicate of #${d.recordId} outside the scope`)
  await allowed(who, 'transfer.import.status', { session })
  const run = await m.call(who, 'transfer.import.run', { session, settings })
  if (!run.ok) problem(`transfer.import.open ${who} run-fails`, `${run.error.code} ${run.error.message}`)
  else await m.core.transfer.imports.settle({ id: m.users[who], name: '', isAdmin: false, locale: 'zh-CN' }, session)
  const report = await allowed<{ name: string; data: string }>(who, 'transfer.import.errorReport', { session })
  if (report) {
    const rows = await scanFile('transfer.import.errorReport', who, report.name, report.data, sent)
    // Each name already taken is refused; one held outside the user's scope says so — taken by a
    // colleague, ask your manager — and names neither the record nor its owner.
    const label = m.core.schema.form(form).byKey.get('name')!.label
    for (const [id, name] of taken) {
      const row = rows.find((r) => r.includes(name))
      if (!row) {
        problem(`transfer.import.errorReport ${who} missing`, `the taken name of #${id} is not reported`)
        continue
      }
      const text = row.filter((c) => c !== name).join(' ')
      const elsewhere = translate('zh-CN', 'value.duplicateElsewhere', { field: label, value: name })
      if (!visible(who, form).has(id) && !text.includes(elsewhere)) problem(`transfer.import.errorReport ${who} duplicate-text`, `#${id} (outside the scope): ${text}`)
      if (visible(who, form).has(id) && text.includes(elsewhere)) problem(`transfer.import.errorReport ${who} duplicate-text`, `#${id} (in scope) reported as someone else's`)
      for (const u of m.core.db.prepare('SELECT name FROM users').pluck().all() as string[]) if (text.includes(u)) problem(`transfer.import.errorReport ${who} owner-name`, `names ${u}`)
    }
  }
  await allowed(who, 'transfer.import.close', { session })
  // The import added records: what each user sees is computed again.
  cache.clear()
}

beforeAll(async () => {
  m = await salesMatrix()
}, 120_000)
afterAll(() => m?.close())

describe('role matrix over the sales app with sample data', () => {
  it('has an entry for every method of the contract table, and none for a method that is gone', () => {
    const entries = Object.keys(MATRIX)
    expect(METHOD_NAMES.filter((name) => !entries.includes(name))).toEqual([])
    expect(entries.filter((name) => !(METHOD_NAMES as string[]).includes(name))).toEqual([])
  })

  it('the fixture reaches every side of the scopes: pool, collaborations, departments, the custom filter, deleted records', () => {
    expect(visible('rep', 'customer').has(m.southCustomer)).toBe(true)
    expect(visible('manager', 'customer').has(m.southCustomer)).toBe(false)
    for (const who of WHO) for (const form of ['customer', 'opportunity', 'contact'] as const) {
      if (!canView(who, form)) continue
      expect(liveVisible(who, form).size, `${who} sees some ${form}`).toBeGreaterThan(0)
    }
    expect(liveVisible('custom', 'customer').size).toBeLessThan(m.live('customer').size)
    expect(liveVisible('rep', 'customer').size).toBeLessThan(liveVisible('manager', 'customer').size)
    expect(m.instances.length).toBeGreaterThan(0)
    expect(hidden('custom', 'opportunity').has('amount')).toBe(true)
    // Answers that carry titles exist to be looked at: notifications, to-dos, duplicates.
    expect(m.core.notifications.list(m.users.rep).items.length).toBeGreaterThan(0)
    expect(m.core.notifications.list(m.users.manager).items.length).toBeGreaterThan(0)
    expect(m.participant('manager').length).toBeGreaterThan(0)
    expect(m.core.crm.duplicates.groups(m.admin).length).toBeGreaterThan(0)
  })

  it('campaign results (市场活动): a role that does not see every lead or deal gets no roll-up of them — not on the record, not in a report', async () => {
    const leadFigures = ['leadCount', 'costPerLead']
    const dealFigures = ['opportunityCount', 'wonAmount', 'roi']
    let checked = 0
    for (const who of WHO) {
      const list = await call(who, 'records.list', { form: 'campaign', limit: 200 })
      if (!list.ok) {
        expect(list.error.code, `${who} lists campaigns`).toBe('PERMISSION')
        continue
      }
      const records = (list.data as { records: Array<{ fields: Record<string, unknown> }> }).records
      expect(records.length, `${who} sees the sample campaigns`).toBeGreaterThan(0)
      const allLeads = liveVisible(who, 'lead').size === m.live('lead').size
      const allDeals = liveVisible(who, 'opportunity').size === m.live('opportunity').size
      for (const r of records) {
        for (const k of leadFigures) expect(k in r.fields, `${who} gets campaign ${k}`).toBe(allLeads)
        for (const k of dealFigures) expect(k in r.fields, `${who} gets campaign ${k}`).toBe(allDeals && (k !== 'roi' || !hidden(who, 'opportunity').has('amount')))
      }
      // The same figures through the report engine (a dashboard widget an owner builds).
      const report = await call(who, 'reports.run', { type: 'column', query: { form: 'campaign', dimensions: [{ field: 'name' }], measures: [{ agg: 'sum', field: 'leadCount' }] } })
      expect(report.ok, `${who} sums campaign leadCount`).toBe(allLeads)
      if (!report.ok) expect(['PERMISSION', 'VALIDATION']).toContain(report.error.code)
      if (!allLeads) checked++
    }
    // The sales rep is one of the roles the roll-ups are withheld from.
    expect(checked).toBeGreaterThan(0)
    expect(liveVisible('rep', 'lead').size).toBeLessThan(m.live('lead').size)
  })

  it('我的市场活动线索: the campaign report a manager and a rep get counts only the leads and deals they see', async () => {
    const notEmpty = { field: 'campaign', op: 'notEmpty' }
    const total = (data: unknown) => (data as { rows: Array<{ values: Array<number | null> }> }).rows.reduce((sum, r) => sum + (r.values.at(-1) ?? 0), 0)
    const perCampaign = { form: 'lead', dimensions: [{ field: 'campaign' }], measures: [{ agg: 'count' }], filter: notEmpty }
    const everyone = total(await m.core.reports.engine.runAsync(m.admin, { type: 'ranking', query: perCampaign } as never))
    let narrower = 0
    const dataOf = (r: RpcResult): unknown => {
      expect(r.ok, JSON.stringify(r.ok ? null : r.error)).toBe(true)
      return r.ok ? r.data : null
    }
    for (const who of ['manager', 'rep'] as const) {
      const boards = await call(who, 'reports.dashboards', {})
      const board = (dataOf(boards) as Array<{ id: number; name: string }>).find((d) => d.name === '我的市场活动线索')
      expect(board, `${who} has 我的市场活动线索`).toBeDefined()
      const full = await call(who, 'reports.dashboard', { id: board!.id })
      const widgets = (dataOf(full) as { widgets: Array<{ type: string; query: { form: string; dimensions: unknown[] } }> }).widgets
      // Every widget runs for the role (KPIs over this period, rankings over all time).
      for (const w of widgets) expect((await call(who, 'reports.run', { type: w.type, query: w.query })).ok, `${who} runs a ${w.type} of ${w.query.form}`).toBe(true)
      const ranking = widgets.find((w) => w.type === 'ranking' && w.query.form === 'lead')!
      const mine = total(dataOf(await call(who, 'reports.run', { type: ranking.type, query: ranking.query })))
      const seen = dataOf(await call(who, 'records.count', { form: 'lead', filter: notEmpty })) as { total: number }
      expect(mine, `${who}'s campaign leads are the leads they see`).toBe(seen.total)
      if (mine < everyone) narrower++
    }
    expect(narrower, 'someone sees fewer campaign leads than the administrator').toBeGreaterThan(0)
  })

  for (const name of METHOD_NAMES) {
    const entry = MATRIX[name]
    if ('read' in entry) {
      it(`${name}: every role gets what it may see, and nothing else`, async () => {
        for (const who of WHO) await entry.read(who)
        settle(name)
      }, 60_000)
    } else if ('within' in entry) {
      it(`${name}: checked as every role within ${entry.within}`, () => {
        expect('read' in MATRIX[entry.within]).toBe(true)
        settle(name)
      })
    } else if ('admin' in entry) {
      it(`${name}: administrators only (${entry.admin}) — every role is refused, nothing disclosed`, async () => {
        for (const who of WHO) await refused(who, name, {}, ['PERMISSION'])
        settle(name)
      })
    }
  }
})


