import fc from 'fast-check'
import type { z } from 'zod'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Dispatcher, type RpcResult } from '../../../src-main/api/dispatcher'
import type { CoreHost } from '../../../src-main/api/host'
import { bundledApp } from '../../../src-main/apps/bundled'
import { demoPasswordHash, seedDemo } from '../../../src-main/crm/seed'
import { contracts, filterNode, formRef, METHOD_NAMES, type MethodName } from '../../../src-main/shared/api/contracts'
import { testCore } from '../../support/core'

// Every API method, as a sales rep (销售代表) through the real dispatcher on the sales app with a
// small seed, fed what its contract accepts (generated from the zod schema) and what an attacker on
// the LAN would send (deep nesting, huge arrays, 10 MB strings, NUL, CRLF, lone surrogates, -0,
// NaN-like strings, prototype keys). The only acceptable answers are `ok` or a translated 4xx-class
// error; never INTERNAL, never an exception, never a hang; and the database stays sound.
//
// Bounded by default (fixed seed, a few runs per method, about a minute); JIMU_FUZZ_RUNS=200
// (and JIMU_FUZZ_SEED) for a longer local run; JIMU_FUZZ_STATS=1 prints the answers per method and the heap.

const RUNS = Number(process.env.JIMU_FUZZ_RUNS ?? 15)
const SEED = Number(process.env.JIMU_FUZZ_SEED ?? 20_240_601)
/** A single call answering slower than this counts as a hang. */
const SLOW_MS = 10_000
const ACCEPTED = new Set(['VALIDATION', 'PERMISSION', 'NOT_FOUND', 'CONFLICT', 'BAD_REQUEST', 'UNAUTHENTICATED'])
/** Methods after which the rep's session may be gone: sign in again. */
const ENDS_SESSION = new Set<string>(['auth.logout', 'auth.logoutEverywhere', 'auth.revokeSession', 'auth.changePassword'])

// ---------------------------------------------------------------------------------------------
// Arbitraries from zod 4 schemas: a small walker over `schema._zod.def`.
// ---------------------------------------------------------------------------------------------

type Def = {
  type: string
  checks?: Array<{ _zod: { def: Record<string, unknown> } }>
  shape?: Record<string, z.ZodType>
  innerType?: z.ZodType
  element?: z.ZodType
  keyType?: z.ZodType
  valueType?: z.ZodType
  options?: z.ZodType[]
  entries?: Record<string, string | number>
  values?: unknown[]
  in?: z.ZodType
  out?: z.ZodType
  format?: string
  pattern?: RegExp
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def
/** A lazy schema's inner schema as zod caches it (its getter makes a new one on every call). */
const lazyInner = (schema: z.ZodType): z.ZodType => (schema as unknown as { _zod: { innerType: z.ZodType } })._zod.innerType

function limits(def: Def) {
  const out: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean; int?: boolean; pattern?: RegExp; format?: string } = {}
  if (def.type === 'string' && def.format) out.format = def.format
  for (const check of def.checks ?? []) {
    const c = check._zod.def
    if (c.check === 'min_length') out.min = c.minimum as number
    else if (c.check === 'max_length') out.max = c.maximum as number
    else if (c.check === 'greater_than') [out.min, out.minExclusive] = [Number(c.value), !c.inclusive]
    else if (c.check === 'less_than') [out.max, out.maxExclusive] = [Number(c.value), !c.inclusive]
    else if (c.check === 'number_format') out.int = true
    else if (c.check === 'string_format') {
      out.format = c.format as string
      if (c.pattern) out.pattern = c.pattern as RegExp
    }
  }
  return out
}

/**
 * Words the sample data knows: form and field API keys, option labels. Generated strings are
 * drawn from them half the time, so generated requests reach real forms, fields and records.
 */
let dictionary: string[] = ['customer']
let formRefs: Array<string | number> = ['customer']
interface Vocabulary { words: string[]; refs: Array<string | number>; built: Map<string, Map<z.ZodType, fc.Arbitrary<unknown>>> }
let vocabularies: Vocabulary[] = []
let built = new Map<string, Map<z.ZodType, fc.Arbitrary<unknown>>>()
/** Each (schema, depth) is turned into an arbitrary once per vocabulary: recursive schemas stay linear to build. */
function memo(kind: string, schema: z.ZodType, depth: number, build: () => fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const key = `${kind}:${depth}`
  let byDepth = built.get(key)
  if (!byDepth) built.set(key, (byDepth = new Map()))
  let arbitrary = byDepth.get(schema)
  if (!arbitrary) byDepth.set(schema, (arbitrary = build()))
  return arbitrary
}
/** One form per request: its key or id, its fields' keys and option labels (most of the time). */
const aboutOneForm = (build: () => fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.constantFrom(...vocabularies).chain((v) => {
    dictionary = v.words
    formRefs = v.refs
    built = v.built
    return build()
  })
const smallId = () => fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 80 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2_147_483_647 }) })
const word = () => fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...dictionary) }, { weight: 1, arbitrary: fc.string({ maxLength: 12, unit: fc.constantFrom(...'abc张伟客户合同 -_%1') }) })

const MAX_DEPTH = 4

/** Values the schema accepts (most of them: refinements the walker cannot see may still refuse). */
function valid(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  return memo('valid', schema, depth, () => validOf(schema, depth))
}
function validOf(schema: z.ZodType, depth: number): fc.Arbitrary<unknown> {
  if (schema === formRef) return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...formRefs) }, { weight: 1, arbitrary: fc.oneof(smallId(), word()) })
  const def = defOf(schema)
  const lim = limits(def)
  switch (def.type) {
    case 'string': {
      if (lim.format === 'email') return fc.emailAddress()
      if (lim.format === 'url') return fc.webUrl()
      if (lim.pattern) return fc.stringMatching(lim.pattern).filter((s) => s.length <= (lim.max ?? Infinity))
      const min = lim.min ?? 0
      const max = Math.max(min, Math.min(lim.max ?? 40, 40))
      return fc.oneof(word(), fc.string({ minLength: min, maxLength: max, unit: 'grapheme' })).filter((s) => s.trim().length >= min && s.length <= (lim.max ?? Infinity))
    }
    case 'number': {
      if (lim.int) {
        const min = lim.min === undefined ? -1_000_000 : lim.min + (lim.minExclusive ? 1 : 0)
        const max = lim.max === undefined ? 1_000_000 : lim.max - (lim.maxExclusive ? 1 : 0)
        // Id-like ranges draw from the small ids the sample data holds. Only when the range starts
        // among them: a filter over smallId() for a range such as a year (2000–2100) almost never
        // passes, and fast-check's filter retries synchronously — the test thread spins, every
        // timer (the call's own timeout included) waits, and the calls after it time out.
        return min >= 1 && min <= 80 && max >= 80 ? smallId().filter((n) => n >= min && n <= max) : fc.integer({ min, max })
      }
      return fc.double({ min: lim.min ?? -1e9, max: lim.max ?? 1e9, noNaN: true, noDefaultInfinity: true })
    }
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries!))
    case 'literal':
      return fc.constantFrom(...def.values!)
    case 'unknown':
    case 'any':
      return fc.oneof(word(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.array(word(), { maxLength: 3 }), fc.record({ id: smallId() }))
    case 'optional':
    case 'default':
    case 'prefault':
      return fc.option(valid(def.innerType!, depth), { nil: undefined })
    case 'nullable':
      return fc.option(valid(def.innerType!, depth), { nil: null })
    case 'readonly':
    case 'catch':
      return valid(def.innerType!, depth)
    case 'pipe':
      // A preprocessed schema (a bounded filter) accepts what its second half accepts.
      return valid(defOf(def.in!).type === 'transform' ? def.out! : def.in!, depth)
    case 'lazy':
      return depth >= MAX_DEPTH + 3 ? fc.constant(undefined) : valid(lazyInner(schema), depth + 1)
    case 'union':
      return fc.oneof(...def.options!.map((o) => valid(o, depth)))
    case 'array': {
      const min = lim.min ?? 0
      // Past the depth limit arrays are as short as allowed, so recursive schemas end.
      if (depth >= MAX_DEPTH && min === 0) return fc.constant([])
      if (depth >= MAX_DEPTH) return fc.array(valid(def.element!, depth), { minLength: min, maxLength: min })
      return fc.array(valid(def.element!, depth + 1), { minLength: min, maxLength: Math.max(min, Math.min(lim.max ?? 4, 4)) })
    }
    case 'record':
      return depth >= MAX_DEPTH ? fc.constant({}) : fc.dictionary(fc.constantFrom(...dictionary), valid(def.valueType!, depth + 1), { maxKeys: 4 })
    case 'object': {
      const shape = def.shape!
      const required = Object.keys(shape).filter((k) => !['optional', 'default', 'prefault'].includes(defOf(shape[k]!).type))
      return fc.record(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, valid(v, depth)])), { requiredKeys: required })
    }
    default:
      throw new Error(`the fuzz walker does not know zod type ${def.type}: teach it`)
  }
}

// Hostile values, built once: the big ones are shared, not regenerated per run.
const TEN_MB = 'x'.repeat(10 * 1024 * 1024)
const deep = (levels: number, leaf: unknown = 1): unknown => {
  let v = leaf
  for (let i = 0; i < levels; i++) v = i % 2 ? { a: v } : [v]
  return v
}
const deepFilter = (levels: number): unknown => {
  let v: unknown = { field: 'name', op: 'contains', value: 'a' }
  for (let i = 0; i < levels; i++) v = { and: [v] }
  return v
}
const protoKeys = () => JSON.parse('{"__proto__": {"isAdmin": true, "polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "toString": "x", "hasOwnProperty": 1}') as unknown
const hostileFilter = fc.constantFrom(deepFilter(5000), deepFilter(21), { or: Array.from({ length: 50_000 }, () => ({ field: 'name', op: 'eq', value: 'x' })) },
  { field: 'name', op: 'contains', value: TEN_MB }, { field: 'name', op: 'in', value: deep(10_000) }, { field: 'name', op: 'contains', value: 'a\u0000b' },
  { field: 'name', op: 'between', value: [-0, Number.NaN] }, { field: '__proto__', op: 'eq', value: 1 }, JSON.parse('{"__proto__": {"field": "name"}, "op": "eq"}') as unknown)
const HOSTILE_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', 'x\r\nSet-Cookie: a=b', '\r\n\r\n', '\uD800', 'a\uDC00b', '\uFEFF', '\u202E', 'NaN', '-0', 'Infinity', '1e309', '-1',
  '__proto__', 'constructor', 'prototype', "'; DROP TABLE users; --", '" OR 1=1 --', '%', '_', '\\', '*', '{名称}', '=1+1', '../../etc/passwd',
  'x'.repeat(1001), 'x'.repeat(70_000), TEN_MB
]
const HOSTILE_NUMBERS = [-0, Number.NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 2, 1e308, -1, 0, 2 ** 31, 2 ** 63, 1.5, Number.MIN_VALUE]
/** Built once and shared by every node (the nested values are big: a copy per node ran out of memory). */
const DEEP = [deep(10_000), deep(100)]
const HOSTILE_LEAF: fc.Arbitrary<unknown> =
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
    { weight: 2, arbitrary: fc.constantFrom(null, undefined, true, [], {}) },
    { weight: 1, arbitrary: fc.constant(null).map(protoKeys) },
    { weight: 1, arbitrary: fc.constantFrom(...DEEP) },
    { weight: 1, arbitrary: fc.constant(null).map(() => Array.from({ length: 100_000 }, (_, i) => i)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) }
  )

/**
 * The schema's shape with a hostile value at some places: each node keeps its valid value most of
 * the time, so requests get past the outer checks and the hostile part reaches deep inside.
 */
function hostile(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  return memo('hostile', schema, depth, () => hostileOf(schema, depth))
}
function hostileOf(schema: z.ZodType, depth: number): fc.Arbitrary<unknown> {
  if (schema === formRef) return fc.oneof({ weight: 3, arbitrary: valid(schema) }, { weight: 1, arbitrary: HOSTILE_LEAF })
  if (schema === filterNode) return fc.oneof({ weight: 4, arbitrary: hostile(defOf(schema).out!, depth) }, { weight: 1, arbitrary: hostileFilter })
  const def = defOf(schema)
  const inner = (): fc.Arbitrary<unknown> => {
    switch (def.type) {
      case 'optional':
      case 'default':
      case 'prefault':
      case 'nullable':
      case 'readonly':
      case 'catch':
        return hostile(def.innerType!, depth)
      case 'pipe':
        return hostile(defOf(def.in!).type === 'transform' ? def.out! : def.in!, depth)
      case 'lazy':
        return depth >= MAX_DEPTH ? HOSTILE_LEAF : hostile(lazyInner(schema), depth + 1)
      case 'union':
        return fc.oneof(...def.options!.map((o) => hostile(o, depth)))
      case 'array':
        return depth >= MAX_DEPTH ? fc.constant([]) : fc.array(hostile(def.element!, depth + 1), { maxLength: 3 })
      case 'record':
        return fc.dictionary(fc.oneof(fc.constantFrom(...dictionary), fc.constantFrom(...HOSTILE_STRINGS.slice(0, 27))), hostile(def.valueType!, depth + 1), { maxKeys: depth >= MAX_DEPTH ? 0 : 3 })
          .chain((d) => fc.boolean().map((proto) => (proto ? Object.assign(protoKeys() as object, d) : d)))
      case 'object': {
        const shape = def.shape!
        return fc.record(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, hostile(v, depth)])), { requiredKeys: [] })
          .chain((o) => fc.boolean().map((proto) => (proto ? Object.assign(protoKeys() as object, o) : o)))
      }
      default:
        return valid(schema, depth)
    }
  }
  return fc.oneof({ weight: 8, arbitrary: inner() }, { weight: 1, arbitrary: HOSTILE_LEAF })
}

// ---------------------------------------------------------------------------------------------

let t: Awaited<ReturnType<typeof testCore>>
let dispatcher: Dispatcher
let token = ''
const internal: string[] = []
const stats: Record<string, Record<string, number>> = {}

async function signIn(): Promise<void> {
  token = (await t.core.auth.login('zhangwei', 'demo12345')).token
}

function judge(method: string, input: unknown, res: RpcResult, ms: number): string | null {
  const shown = () => {
    try {
      return JSON.stringify(input, (_k, v: unknown) => (typeof v === 'string' && v.length > 200 ? `<${v.length} chars>` : Array.isArray(v) && v.length > 20 ? [...v.slice(0, 20), `<${v.length} items>`] : v))?.slice(0, 600)
    } catch {
      return '<an input nested too deep to show>'
    }
  }
  if (ms > SLOW_MS) return `${method} took ${ms} ms on ${shown()}`
  if (res.ok) return null
  const { code, message, messageKey } = res.error
  if (!ACCEPTED.has(code)) return `${method} answered ${code} (${message}) on ${shown()}`
  if (!message || message === messageKey || /^[a-z][\w-]*(\.[\w-]+)+$/.test(message)) return `${method} answered an untranslated message ${JSON.stringify(message)} on ${shown()}`
  return null
}

async function call(method: MethodName, input: unknown, kind: string): Promise<string | null> {
  const started = performance.now()
  let res: RpcResult
  try {
    res = await dispatcher.call(method, input, { token })
  } catch (e) {
    return `${method} threw ${String(e)}`
  }
  const verdict = judge(method, input, res, Math.round(performance.now() - started))
  const outcome = res.ok ? 'ok' : `${res.error.code} ${res.error.messageKey}`
  const tally = (stats[`${kind} ${method}`] ??= {})
  tally[outcome] = (tally[outcome] ?? 0) + 1
  if (ENDS_SESSION.has(method)) await signIn()
  return verdict
}

beforeAll(async () => {
  t = await testCore({ now: new Date(2025, 5, 15, 9, 0, 0).getTime() })
  t.core.crm.install(t.actor, bundledApp('crm').pkg, 'zh-CN')
  const start = t.clock.now()
  const passwordHash = await demoPasswordHash(t.core)
  seedDemo(t.core, t.actor, { passwordHash, seed: 5, customers: 12, setTime: (ms) => t.clock.set(ms) })
  t.clock.set(start)
  vocabularies = t.core.schema.formIds().map((id) => {
    const form = t.core.schema.form(id)
    const words = new Set<string>(['id', 'owner', 'createdAt', 'updatedAt', form.apiKey])
    for (const field of form.fields) {
      words.add(field.apiKey)
      for (const option of (field.config.options as Array<{ label: string }> | undefined) ?? []) words.add(option.label)
    }
    return { words: [...words], refs: [form.apiKey, form.id], built: new Map() }
  })
  dispatcher = new Dispatcher({ core: t.core } as unknown as CoreHost, (message, error) => internal.push(`${message}: ${error instanceof Error ? error.stack?.split('\n').slice(0, 4).join(' | ') : String(error)}`))
  await signIn()
}, 120_000)

afterEach((c) => {
  if (process.env.JIMU_FUZZ_STATS) console.log('heap', Math.round(process.memoryUsage().heapUsed / 1e6), 'MB after', c.task.name)
})

afterAll(() => {
  if (process.env.JIMU_FUZZ_STATS) for (const [method, tally] of Object.entries(stats)) console.log(method, JSON.stringify(tally))
  t?.close()
})

async function property(method: MethodName, arbitrary: fc.Arbitrary<unknown>, seedOffset: number, kind: string): Promise<void> {
  const failures: string[] = []
  await fc.assert(
    fc.asyncProperty(arbitrary, async (input) => {
      const verdict = await call(method, input, kind)
      if (verdict) failures.push(verdict)
      return verdict === null
    }),
    { seed: SEED + seedOffset + [...method].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 0), numRuns: RUNS, endOnFailure: true }
  ).catch((e: unknown) => {
    throw new Error(`${failures[0] ?? (e instanceof Error ? e.stack : String(e))}\n${internal.at(-1) ?? ""}`)
  })
}

const condition = (value: unknown = '华东') => ({ field: 'name', op: 'contains', value })
const wideOr = (n: number) => ({ or: Array.from({ length: n }, (_, i) => condition(`公司${i}`)) })

/** The malformed requests that answered INTERNAL before the contracts limited them, and the translated answer they get now. */
const KNOWN: Array<[string, MethodName, unknown, string, string]> = [
  ['a filter 5,000 levels deep', 'records.list', { form: 'customer', filter: deepFilter(5000) }, 'value.filterTooDeep', '“筛选条件”最多嵌套 20 层'],
  ['a filter 100,000 levels deep', 'records.count', { form: 'customer', filter: deepFilter(100_000) }, 'value.filterTooDeep', '“筛选条件”最多嵌套 20 层'],
  ['an OR of 50,000 conditions', 'records.list', { form: 'customer', filter: wideOr(50_000) }, 'value.filterTooWide', '“筛选条件”的一组条件最多 200 个'],
  ['1,000 conditions in groups of 100', 'records.list', { form: 'customer', filter: { and: Array.from({ length: 10 }, () => wideOr(100)) } }, 'value.filterTooManyConditions', '“筛选条件”最多 500 个条件'],
  ['a 10 MB LIKE value', 'records.list', { form: 'customer', filter: condition(TEN_MB) }, 'value.filterValueTooLong', '“筛选条件”的条件值最多 2000 个字'],
  ['a value list of 100,000 items', 'records.count', { form: 'customer', filter: { field: 'level', op: 'in', value: Array.from({ length: 100_000 }, (_, i) => `v${i}`) } }, 'value.filterTooManyValues', '“筛选条件”的条件值最多 1000 个'],
  ['a value nested 10,000 levels deep', 'records.count', { form: 'customer', filter: { field: 'name', op: 'eq', value: deep(10_000) } }, 'value.filterValueTooDeep', '“筛选条件”的条件值最多嵌套 4 层'],
  ['a NUL in a search', 'records.list', { form: 'customer', search: 'a\u0000b' }, 'value.controlCharacters', '“搜索内容”不能包含控制字符（如 NUL）'],
  ['a NUL in a count search', 'records.count', { form: 'customer', search: '\u0000' }, 'value.controlCharacters', '“搜索内容”不能包含控制字符（如 NUL）'],
  ['a NUL in a global search', 'search.global', { q: '华东\u0000' }, 'value.controlCharacters', '“搜索内容”不能包含控制字符（如 NUL）'],
  ['a deep filter in a report', 'reports.run', { type: 'kpi', query: { form: 'customer', measures: [{ agg: 'count' }], filter: deepFilter(5000) } }, 'value.filterTooDeep', '“筛选条件”最多嵌套 20 层'],
  ['a deep filter in a measure', 'reports.run', { type: 'kpi', query: { form: 'customer', measures: [{ agg: 'count', filter: deepFilter(5000) }] } }, 'value.filterTooDeep', '“筛选条件”最多嵌套 20 层'],
  ['a deep filter in a saved view', 'views.create', { form: 'customer', name: '深', type: 'table', config: { filter: deepFilter(5000) } }, 'value.filterTooDeep', '“筛选条件”最多嵌套 20 层'],
  ['a deep filter in an export', 'transfer.export', { form: 'customer', filter: deepFilter(5000) }, 'value.filterTooDeep', '“筛选条件”最多嵌套 20 层']
]

describe('known malformed requests', () => {
  it.each(KNOWN)('%s: refused with a translated message naming the input', async (_what, method, input, messageKey, message) => {
    const res = await dispatcher.call(method, input, { token })
    expect(res.ok ? res : { code: res.error.code, messageKey: res.error.messageKey, message: res.error.message }).toEqual({ code: 'VALIDATION', messageKey, message })
  })

  it('accepts filters at the limits: 20 levels, 200 conditions in a group, a 2,000-character value, tab and line breaks in a search', async () => {
    for (const [method, input] of [
      ['records.list', { form: 'customer', filter: deepFilter(19) }],
      ['records.list', { form: 'customer', filter: wideOr(200) }],
      ['records.count', { form: 'customer', filter: condition('华'.repeat(2000)) }],
      ['records.list', { form: 'customer', search: '华东\t机械\r\n' }],
      ['search.global', { q: '机械\n' }]
    ] as const) {
      const res = await dispatcher.call(method, input, { token })
      expect(res.ok, JSON.stringify(res).slice(0, 300)).toBe(true)
    }
  })
})

describe('every API method as a sales rep', () => {
  it.each(METHOD_NAMES)('%s answers ok or a translated 4xx to what its contract accepts', async (method) => {
    await property(method, aboutOneForm(() => valid(contracts[method].input as z.ZodType)), 0, 'valid')
  }, 30_000 + RUNS * 500)

  it.each(METHOD_NAMES)('%s answers ok or a translated 4xx to hostile input', async (method) => {
    await property(method, aboutOneForm(() => hostile(contracts[method].input as z.ZodType)), 1, 'hostile')
  }, 30_000 + RUNS * 500)

  it('leaves the database sound', () => {
    expect(t.core.db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(internal).toEqual([])
  })
})
