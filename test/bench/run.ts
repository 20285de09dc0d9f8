import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Core } from '../../src-main/core'
import type { Actor } from '../../src-main/access/actor'
import { openSqlite, ident, type Sqlite } from '../../src-main/db/connection'
import type { FormModel } from '../../src-main/forms/model'
import { viewConfig, type FilterNode } from '../../src-main/shared/api/contracts'

// The benchmark: realistic Chinese opportunities (商机), written through the write pipeline and
// read through the query builder, with raw prepared SQLite inserts into an identical copy of
// the form's table as the yardstick — in one run, so the ratio compares like with like on
// this machine. `npm run bench -- --records 100000 [--json]`.

export interface BenchOptions {
  records: number
  json?: boolean
  /** Print the report (table, or one JSON object with `json`); progress goes to stderr. */
  print?: boolean
  seed?: number
  /** Keep the temporary data directory (its path is in the figures). */
  keep?: boolean
}

export const TARGETS = {
  insert_ratio: { min: 0.5 },
  list_p95_ms: { max: 20 },
  list_deep_p95_ms: { max: 20 },
  count_p95_ms: { max: 100 },
  search_p95_ms: { max: 50 },
  rep_list_ratio: { max: 1.5 },
  rep_report_ratio: { max: 1.5 },
  // The product against the same query written by hand in raw SQLite on the same database, in
  // the same run (p50 over p50): access checks, query building and serializing may cost 1.5x.
  first_page_ratio: { max: 1.5 },
  filter_ratio: { max: 1.5 },
  count_ratio: { max: 1.5 },
  group_by_ratio: { max: 1.5 },
  search_ratio: { max: 1.5 },
  rss_mb: { max: 500 }
} as const
export type TargetKey = keyof typeof TARGETS

export interface BenchFigures {
  records: number
  node: string
  sqlite: string
  raw_rows_per_s: number
  pipeline_rows_per_s: number
  insert_ratio: number
  create_p50_ms: number
  create_p95_ms: number
  list_p50_ms: number
  list_p95_ms: number
  list_deep_p50_ms: number
  list_deep_p95_ms: number
  /** Fewest pages any deep run could walk (20 unless the data is too small). */
  list_deep_pages: number
  /** Saving the shared view whose queries follow: building its composite index. */
  view_index_ms: number
  count_p50_ms: number
  count_p95_ms: number
  search_p50_ms: number
  search_p95_ms: number
  /** One- and two-character queries (LIKE over the searchable columns). */
  search_short_p95_ms: number
  /** Three- and four-character queries (FTS5 trigram). */
  search_fts_p95_ms: number
  /** List (filter + sort, first page) and report (count by stage over a year) as admin and as a sales rep who sees own records. */
  admin_list_p95_ms: number
  rep_list_p95_ms: number
  rep_list_ratio: number
  admin_report_p95_ms: number
  rep_report_p95_ms: number
  rep_report_ratio: number
  /** Saving a shared kanban view (stage columns, amount totalled): building its covering index. */
  aggregate_index_ms: number
  /** Product vs raw SQLite per operation (p50 and p95 of each, in ms, and the p50 ratio). */
  floors: Record<FloorOp, Floor>
  first_page_ratio: number
  filter_ratio: number
  count_ratio: number
  group_by_ratio: number
  search_ratio: number
  rss_mb: number
  elapsed_s: number
  data_dir: string | null
  targets: typeof TARGETS
  pass: Record<TargetKey, boolean>
}

export const FIGURE_KEYS: ReadonlyArray<keyof BenchFigures> = [
  'records', 'node', 'sqlite', 'raw_rows_per_s', 'pipeline_rows_per_s', 'insert_ratio', 'create_p50_ms', 'create_p95_ms',
  'list_p50_ms', 'list_p95_ms', 'list_deep_p50_ms', 'list_deep_p95_ms', 'list_deep_pages', 'view_index_ms', 'count_p50_ms', 'count_p95_ms',
  'search_p50_ms', 'search_p95_ms', 'search_short_p95_ms', 'search_fts_p95_ms',
  'admin_list_p95_ms', 'rep_list_p95_ms', 'rep_list_ratio', 'admin_report_p95_ms', 'rep_report_p95_ms', 'rep_report_ratio',
  'aggregate_index_ms', 'floors', 'first_page_ratio', 'filter_ratio', 'count_ratio', 'group_by_ratio', 'search_ratio', 'rss_mb', 'elapsed_s', 'data_dir', 'targets', 'pass'
]

/**
 * The operations measured against a hand-written raw SQLite floor:
 * - first_page: the newest 50 records, no filter;
 * - filter: the shared view's list (stage + a quarter of close dates, by amount), first page;
 * - count: the same filter's count;
 * - group_scan: count and sum of the amount by stage over all records, before any view asks for
 *   it (no covering index: the plan is a scan);
 * - group_by: the same after a shared kanban view (stage columns, amount totalled) is saved,
 *   which builds its covering index;
 * - search: full-text search, first page.
 */
export const FLOOR_OPS = ['first_page', 'filter', 'count', 'group_scan', 'group_by', 'search'] as const
export type FloorOp = (typeof FLOOR_OPS)[number]
export interface Floor { p50_ms: number; p95_ms: number; raw_p50_ms: number; raw_p95_ms: number; ratio: number }

const BATCH = 10_000
const SINGLE_CREATES = 2_000
const LIST_RUNS = 200
/** Unmeasured runs before each series measured against its floor (first page, filter, count, search). */
const WARM_RUNS = 300
const DEEP_RUNS = 50
const DEEP_PAGES = 20
const COUNT_RUNS = 200
const SEARCH_RUNS = 200
/** Enough runs that a p95 is not one or two slow runs: with 30, two runs at 1M under load read 1.53x and 2.7x; 300 on the kept data, quieter: p50 8.5 ms for both, p95 the rep 13.2 and the administrator 15.8 ms. */
const SCOPE_RUNS = 200
const GROUP_RUNS = 40
const PAGE = 50

// ---------------------------------------------------------------------------------------------
// Data

/** mulberry32: small, fast, and the same sequence on every machine for a seed. */
export function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
  return { next, int, pick, normal }
}
export type Rng = ReturnType<typeof prng>

const CITIES = ['北京', '上海', '广州', '深圳', '杭州', '南京', '苏州', '成都', '重庆', '武汉', '西安', '天津', '长沙', '郑州', '青岛', '厦门', '宁波', '合肥', '济南', '福州', '昆明', '沈阳', '大连', '无锡', '佛山', '东莞', '珠海', '温州', '绍兴', '嘉兴']
const NAME_PARTS = ['云栖', '华信', '博远', '瑞丰', '天成', '鼎盛', '智联', '恒通', '新锐', '汇通', '金桥', '宏图', '东方', '万达', '中科', '星河', '海纳', '睿智', '卓越', '远航', '长青', '润泽', '同创', '明德', '安泰', '盛世', '启明', '晨光', '联创', '弘毅', '嘉禾', '锦程', '凯旋', '和信', '立达', '永信', '正泰', '天宇', '蓝海', '华泰']
const INDUSTRIES = ['科技', '信息技术', '网络科技', '电子', '贸易', '实业', '医疗器械', '新材料', '物流', '建筑工程', '食品', '教育科技', '文化传媒', '机械设备', '环保科技', '生物科技', '软件', '智能制造', '供应链管理', '咨询']
const SUFFIXES = ['有限公司', '有限公司', '有限公司', '股份有限公司', '集团有限公司']
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高']
const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超', '秀英', '建华', '丽华', '志强', '海燕', '晓东', '文博', '思远']
const PRODUCTS = ['CRM 系统', '进销存', '财务软件', '云服务器', '数据中台', '智能客服', '安防设备', '办公家具', '培训服务', '年度维保']
const NEXT_STEPS = ['下周上门拜访', '等待采购审批', '已发报价单', '需要技术交流', '约了老板面谈', '竞品价格更低', '预算下季度到位', '已签框架协议', '要求再降价 5%', '决策人出差中']
const NOTE_TEMPLATES = [
  (r: Rng) => `客户关注${r.pick(PRODUCTS)}，${r.pick(NEXT_STEPS)}`,
  (r: Rng) => `${r.pick(NEXT_STEPS)}；联系人${r.pick(SURNAMES)}总`,
  (r: Rng) => `上次沟通：${r.pick(PRODUCTS)}报价已发，${r.pick(NEXT_STEPS)}`
]

export const STAGES = [
  { id: 's1', label: '初步接洽', color: 'blue' as const, weight: 25 },
  { id: 's2', label: '需求确认', color: 'cyan' as const, weight: 20 },
  { id: 's3', label: '方案报价', color: 'teal' as const, weight: 18 },
  { id: 's4', label: '谈判', color: 'orange' as const, weight: 15 },
  { id: 's5', label: '赢单', color: 'green' as const, weight: 12 },
  { id: 's6', label: '输单', color: 'gray' as const, weight: 10 }
]
const STAGE_TOTAL = STAGES.reduce((s, x) => s + x.weight, 0)

/** Expected close dates span three years. */
const FIRST_DAY = Date.UTC(2022, 0, 1)
const DAYS = 3 * 365 + 1

/** One opportunity as generated: the values a user would type (the pipeline's input). */
export interface Opportunity {
  company: string
  contact: string
  stage: number
  amount: number | null
  date: string | null
  city: string
  notes: string | null
  owner: number
}

export function opportunity(r: Rng, owners: number[]): Opportunity {
  const city = r.pick(CITIES)
  const name = r.next() < 0.3 ? r.pick(NAME_PARTS) + r.pick(NAME_PARTS) : r.pick(NAME_PARTS)
  const company = `${r.next() < 0.9 ? city : ''}${name}${r.pick(INDUSTRIES)}${r.pick(SUFFIXES)}`
  let w = r.int(STAGE_TOTAL)
  let stage = 0
  while (w >= STAGES[stage]!.weight) w -= STAGES[stage++]!.weight
  // Log-normal around ¥80k, clamped to ¥1k–¥5M and rounded to ¥100, as quotes usually are.
  const amount = r.next() < 0.02 ? null : Math.round(Math.min(5_000_000, Math.max(1_000, Math.exp(Math.log(80_000) + 1.3 * r.normal()))) / 100) * 100
  const date = r.next() < 0.03 ? null : new Date(FIRST_DAY + r.int(DAYS) * 86_400_000).toISOString().slice(0, 10)
  return {
    company,
    contact: r.pick(SURNAMES) + r.pick(GIVEN),
    stage,
    amount,
    date,
    city,
    notes: r.next() < 0.4 ? null : r.pick(NOTE_TEMPLATES)(r),
    owner: r.pick(owners)
  }
}

export const FORM_FIELDS = [
  { label: '客户名称', type: 'text' as const, required: true },
  { label: '联系人', type: 'text' as const },
  { label: '销售阶段', type: 'select' as const, config: { options: STAGES.map(({ id, label, color }) => ({ id, label, color })) } },
  { label: '金额', type: 'amount' as const },
  { label: '预计成交日期', type: 'date' as const },
  { label: '城市', type: 'text' as const },
  { label: '备注', type: 'textarea' as const }
]

/** Maps an opportunity to the pipeline's input (labels) and to the stored row (option ids). */
export function codec(form: FormModel) {
  const key = (label: string) => form.fields.find((f) => f.label === label)!
  const fields = FORM_FIELDS.map((f) => key(f.label))
  const stored = (o: Opportunity): Array<string | number | null> => [o.company, o.contact, STAGES[o.stage]!.id, o.amount, o.date, o.city, o.notes]
  // What the pipeline indexes: the display text of the searchable fields, in field order.
  const searchable = new Set(['客户名称', '联系人', '销售阶段', '城市', '备注'])
  const shown = (o: Opportunity): Array<string | null> => [o.company, o.contact, STAGES[o.stage]!.label, null, null, o.city, o.notes]
  return {
    columns: fields.map((f) => f.column!),
    input: (o: Opportunity): Record<string, unknown> => ({
      [fields[0]!.apiKey]: o.company, [fields[1]!.apiKey]: o.contact, [fields[2]!.apiKey]: STAGES[o.stage]!.label,
      [fields[3]!.apiKey]: o.amount, [fields[4]!.apiKey]: o.date, [fields[5]!.apiKey]: o.city, [fields[6]!.apiKey]: o.notes, owner: o.owner
    }),
    stored,
    body: (o: Opportunity) => shown(o).filter((v, i) => v && searchable.has(FORM_FIELDS[i]!.label)).join('\n'),
    keys: { stage: fields[2]!.apiKey, amount: fields[3]!.apiKey, date: fields[4]!.apiKey }
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring

export function quantile(samples: number[], q: number): number {
  if (!samples.length) return 0
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
}
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits
const p = (samples: number[], q: number) => round(quantile(samples, q), 3)

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now()
  const result = fn()
  return [result, performance.now() - t0]
}

/** Product and raw timings of one operation, taken in turns (which goes first alternates), so both see the same machine. */
class Paired {
  readonly product: number[] = []
  readonly raw: number[] = []
  /** Run `i` of a series; runs numbered below 0 warm up (the product's code compiled by the JIT, both sides' pages cached) and are not counted. */
  run(i: number, product: () => unknown, raw: () => unknown): void {
    if (i < 0) {
      product()
      raw()
      return
    }
    if (i % 2) {
      this.raw.push(timed(raw)[1])
      this.product.push(timed(product)[1])
    } else {
      this.product.push(timed(product)[1])
      this.raw.push(timed(raw)[1])
    }
  }
  floor(): Floor {
    return { p50_ms: p(this.product, 0.5), p95_ms: p(this.product, 0.95), raw_p50_ms: p(this.raw, 0.5), raw_p95_ms: p(this.raw, 0.95), ratio: round(quantile(this.product, 0.5) / quantile(this.raw, 0.5), 3) }
  }
}

/** The form's table, its indexes and its FTS table, re-created from sqlite_master in another file. */
function cloneFormStorage(source: Sqlite, form: FormModel, file: string): Sqlite {
  const ddl = source.prepare(`SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND (tbl_name = ? OR name = ?)
    ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, rowid`).pluck().all(form.table, form.ftsTable) as string[]
  const db = openSqlite(file)
  db.exec(ddl.join(';\n'))
  return db
}

/** A 3-month window of expected close dates inside the generated three years. */
function window(r: Rng): [string, string] {
  const start = r.int(34)
  const from = new Date(Date.UTC(2022, start, 1))
  const to = new Date(Date.UTC(2022, start + 3, 0))
  return [from.toISOString().slice(0, 10), to.toISOString().slice(0, 10)]
}

/** A 2–4 character substring of Chinese text that occurs in the data. */
function searchTerm(r: Rng, sample: Opportunity[]): string {
  for (;;) {
    const o = r.pick(sample)
    const source = r.pick([o.company, o.company, o.contact, o.city, o.notes ?? o.company])
    const chars = [...source]
    const len = 2 + r.int(3)
    if (chars.length < len) continue
    const start = r.int(chars.length - len + 1)
    const term = chars.slice(start, start + len).join('')
    if (/^[\u4e00-\u9fff]+$/.test(term)) return term
  }
}

/** A progress line on stderr, with the resident memory now and at its peak so far (which phase costs it). */
function log(enabled: boolean, message: string): void {
  const mb = (bytes: number) => Math.round(bytes / 1048576)
  if (enabled) process.stderr.write(`[bench] ${message} (rss ${mb(process.memoryUsage().rss)} MB, peak ${mb(process.resourceUsage().maxRSS * 1024)} MB)\n`)
}

export async function runBench(options: BenchOptions): Promise<BenchFigures> {
  const started = performance.now()
  const n = options.records
  const print = options.print ?? true
  const progress = print
  const seed = options.seed ?? 20240305
  const dataDir = mkdtempSync(join(tmpdir(), 'jimu-bench-'))
  const core = await Core.open({ dataDir })
  let raw: Sqlite | null = null
  let floorDb: Sqlite | null = null
  try {
    const { user } = await core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
    const actor: Actor = { id: user.id, name: user.name, isAdmin: true, locale: 'zh-CN' }
    // Sales reps as owners: two departments of four reps, each with the default 销售代表 role,
    // whose data scope on the form is "own records" (owner or collaborator).
    const repRole = core.org.roles().find((r) => r.key === 'sales_rep')!
    const depts = [core.org.createDepartment(user.id, { name: '华东销售部' }), core.org.createDepartment(user.id, { name: '华南销售部' })]
    const owners = [user.id]
    for (let i = 0; i < 8; i++) {
      owners.push(await core.org.createUser(user.id, {
        name: `${SURNAMES[i]}${GIVEN[i]}`, login: `rep${i + 1}`, password: 'bench-password', departmentId: depts[i % 2]!.id, roleIds: [repRole.id]
      }))
    }
    const app = core.schema.createApp({ label: '销售' })
    const form = core.schema.createForm({ appId: app.id, label: '商机', fields: FORM_FIELDS })
    const c = codec(form)
    core.org.setPermission(user.id, repRole.id, { formId: form.id, actions: ['view', 'create', 'edit'], scope: 'own', scopeFilter: null, fieldRules: {} })
    const rep: Actor = { id: owners[1]!, name: '销售代表', isAdmin: false, locale: 'zh-CN' }

    // --- raw SQLite: same rows, same stored values, identical table + indexes + FTS
    raw = cloneFormStorage(core.db, form, join(dataDir, 'raw.db'))
    const rawInsert = raw.prepare(`INSERT INTO ${ident(form.table)} (created_at, updated_at, created_by, updated_by, owner_id, ${c.columns.map(ident).join(', ')})
      VALUES (?, ?, ?, ?, ?, ${c.columns.map(() => '?').join(', ')})`)
    const rawFts = raw.prepare(`INSERT INTO ${ident(form.ftsTable)} (rowid, body) VALUES (?, ?)`)
    const rawBatch = raw.transaction((rows: Array<Array<string | number | null>>, bodies: string[]) => {
      for (let i = 0; i < rows.length; i++) {
        const id = rawInsert.run(...rows[i]!).lastInsertRowid
        if (bodies[i]) rawFts.run(id, bodies[i])
      }
    })
    // --- the same rows, batch by batch, into raw SQLite and through the pipeline's bulkCreate.
    // The two alternate per batch, so a busy machine slows both alike and the ratio holds.
    const rng = prng(seed)
    let rawMs = 0
    let pipelineMs = 0
    const sample: Opportunity[] = []
    for (let done = 0; done < n; done += BATCH) {
      const size = Math.min(BATCH, n - done)
      const now = Date.now()
      const rows: Array<Array<string | number | null>> = []
      const bodies: string[] = []
      const batch: Array<Record<string, unknown>> = []
      for (let i = 0; i < size; i++) {
        const o = opportunity(rng, owners)
        if (i % 97 === 0 && sample.length < 5000) sample.push(o)
        rows.push([now, now, actor.id, actor.id, o.owner, ...c.stored(o)])
        bodies.push(c.body(o))
        batch.push(c.input(o))
      }
      rawMs += timed(() => rawBatch(rows, bodies))[1]
      pipelineMs += timed(() => core.writes.bulkCreate(actor, form.id, batch))[1]
      if ((done / BATCH) % 10 === 0) log(progress, `inserted ${done + size}/${n}`)
    }
    raw.close()
    raw = null
    const rawRate = n / (rawMs / 1000)
    const pipelineRate = n / (pipelineMs / 1000)

    // --- single creates
    const createMs: number[] = []
    for (let i = 0; i < SINGLE_CREATES; i++) {
      const input = c.input(opportunity(rng, owners))
      createMs.push(timed(() => core.writes.create(actor, form.id, input))[1])
    }
    log(progress, 'single creates done')

    // --- reads
    const q = prng(seed + 1)
    const filter = (): FilterNode => ({
      and: [
        { field: c.keys.stage, op: 'eq', value: q.pick(STAGES).label },
        { field: c.keys.date, op: 'between', value: window(q) }
      ]
    })
    const sort = [{ field: c.keys.amount, dir: 'desc' as const }]
    // The reads below are those of a shared view a manager saves once (stage + a quarter of close
    // dates, by amount): saving it builds its composite index (views/view-indexes.ts), timed here.
    const [, viewIndexMs] = timed(() => core.views.create(actor, { form: form.id, name: '本季度各阶段商机', type: 'table', shared: true, config: viewConfig.parse({ filter: filter(), sort }) }))
    log(progress, `shared view saved (index built in ${Math.round(viewIndexMs)} ms)`)
    // The floor: the same queries written by hand, on a second (read-only) connection to the same
    // database file — same rows, same indexes, same page cache size.
    floorDb = openSqlite(join(dataDir, 'jimu.db'), { readonly: true })
    const T = ident(form.table)
    const [stageCol, amountCol, dateCol] = [c.columns[2]!, c.columns[3]!, c.columns[4]!].map(ident)
    const stageId = (label: string) => STAGES.find((st) => st.label === label)!.id
    const rawFilter = floorDb.prepare(`SELECT * FROM ${T} WHERE deleted_at IS NULL AND ${stageCol} = ? AND ${dateCol} BETWEEN ? AND ? ORDER BY ${amountCol} DESC, id DESC LIMIT ?`)
    const rawCount = floorDb.prepare(`SELECT COUNT(*) FROM ${T} WHERE deleted_at IS NULL AND ${stageCol} = ? AND ${dateCol} BETWEEN ? AND ?`).pluck()
    const rawFirstPage = floorDb.prepare(`SELECT * FROM ${T} WHERE deleted_at IS NULL ORDER BY id DESC LIMIT ?`)
    const groupSql = `SELECT ${stageCol}, COUNT(*), TOTAL(${amountCol}), COUNT(${amountCol}) FROM ${T} WHERE deleted_at IS NULL GROUP BY ${stageCol}`
    const rawSearch = floorDb.prepare(`SELECT t.* FROM ${ident(form.ftsTable)} s JOIN ${T} t ON t.id = s.rowid WHERE s.${ident(form.ftsTable)} MATCH ? AND t.deleted_at IS NULL ORDER BY s.rowid DESC LIMIT ?`)
    const textCols = [c.columns[0]!, c.columns[1]!, c.columns[5]!, c.columns[6]!].map(ident)
    const rawLike = (term: string) => {
      const stages = STAGES.filter((st) => st.label.includes(term)).map((st) => st.id)
      const sql = `SELECT * FROM ${T} WHERE deleted_at IS NULL AND (${[...textCols.map((col) => `${col} LIKE ?`), ...stages.map(() => `${stageCol} = ?`)].join(' OR ')}) ORDER BY id DESC LIMIT ?`
      return floorDb!.prepare(sql).all(...textCols.map(() => `%${term}%`), ...stages, PAGE + 1)
    }
    const floors = {} as Record<FloorOp, Floor>

    const firstPage = new Paired()
    for (let i = -WARM_RUNS; i < LIST_RUNS; i++) firstPage.run(i, () => core.reads.list(actor, { form: form.id, limit: PAGE }), () => rawFirstPage.all(PAGE + 1))
    floors.first_page = firstPage.floor()
    log(progress, 'first page done')

    const listed = new Paired()
    for (let i = -WARM_RUNS; i < LIST_RUNS; i++) {
      const f = filter()
      const [st, dates] = [(f as { and: Array<{ value: unknown }> }).and[0]!.value as string, (f as { and: Array<{ value: unknown }> }).and[1]!.value as [string, string]]
      listed.run(i, () => core.reads.list(actor, { form: form.id, filter: f, sort, limit: PAGE }), () => rawFilter.all(stageId(st), dates[0], dates[1], PAGE + 1))
    }
    const listMs = listed.product
    floors.filter = listed.floor()
    log(progress, 'list done')

    const deepMs: number[] = []
    let deepPages = DEEP_PAGES
    for (let i = 0; i < DEEP_RUNS; i++) {
      const f = filter()
      let cursor: string | undefined
      let ms = 0
      let page = 0
      while (page < DEEP_PAGES) {
        const [result, t] = timed(() => core.reads.list(actor, { form: form.id, filter: f, sort, limit: PAGE, cursor }))
        ms = t
        page++
        if (!result.nextCursor) break
        cursor = result.nextCursor
      }
      deepPages = Math.min(deepPages, page)
      deepMs.push(ms)
    }
    log(progress, 'deep list done')

    const counted = new Paired()
    for (let i = -WARM_RUNS; i < COUNT_RUNS; i++) {
      const f = filter()
      const [st, dates] = [(f as { and: Array<{ value: unknown }> }).and[0]!.value as string, (f as { and: Array<{ value: unknown }> }).and[1]!.value as [string, string]]
      counted.run(i, () => core.reads.count(actor, { form: form.id, filter: f }), () => rawCount.get(stageId(st), dates[0], dates[1]))
    }
    const countMs = counted.product
    floors.count = counted.floor()
    log(progress, 'count done')

    // Group by stage with the count and the sum of the amount: first as an integration asks it
    // ad hoc (no index covers it), then after a manager saves the shared kanban view that shows
    // it, which builds the covering index (records/aggregate-indexes.ts).
    const groupInput = { form: form.id, groupBy: c.keys.stage, sums: [c.keys.amount] }
    const scanned = new Paired()
    const rawGroup = floorDb.prepare(groupSql)
    for (let i = 0; i < GROUP_RUNS; i++) scanned.run(i, () => core.reads.count(actor, groupInput), () => rawGroup.all())
    floors.group_scan = scanned.floor()
    const [, aggregateIndexMs] = timed(() => core.views.create(actor, {
      form: form.id, name: '商机看板', type: 'kanban', shared: true, config: viewConfig.parse({ kanbanField: c.keys.stage, sumField: c.keys.amount })
    }))
    // A new statement on the floor's connection, so it plans with the new index too.
    const rawGroupCovered = floorDb.prepare(`${groupSql} -- covered`)
    const grouped = new Paired()
    for (let i = 0; i < GROUP_RUNS * 2; i++) grouped.run(i, () => core.reads.count(actor, groupInput), () => rawGroupCovered.all())
    floors.group_by = grouped.floor()
    log(progress, `group by done (kanban view's index built in ${Math.round(aggregateIndexMs)} ms)`)

    const searched = new Paired()
    const shortMs: number[] = []
    const ftsMs: number[] = []
    for (let i = -WARM_RUNS; i < SEARCH_RUNS; i++) {
      const term = searchTerm(q, sample)
      const fts = [...term].length >= 3
      searched.run(i, () => core.reads.list(actor, { form: form.id, search: term, limit: PAGE }), () => (fts ? rawSearch.all(`"${term}"`, PAGE + 1) : rawLike(term)))
      if (i >= 0) (fts ? ftsMs : shortMs).push(searched.product[searched.product.length - 1]!)
    }
    const searchMs = searched.product
    floors.search = searched.floor()
    log(progress, 'search done')

    // --- the same list and report queries as a sales rep (row scope "own") and as the
    // administrator, interleaved so both see the same cache state; the issue asks the rep to
    // stay within 1.5x of the administrator's time.
    const scoped = { admin: { list: [] as number[], report: [] as number[] }, rep: { list: [] as number[], report: [] as number[] } }
    for (let i = 0; i < SCOPE_RUNS; i++) {
      const f = filter()
      for (const [who, a] of [['admin', actor], ['rep', rep]] as const) {
        scoped[who].list.push(timed(() => core.reads.list(a, { form: form.id, filter: f, sort, limit: PAGE }))[1])
        // A dashboard-style report: the pipeline by stage over a year of close dates.
        scoped[who].report.push(timed(() => core.reads.count(a, { form: form.id, filter: { field: c.keys.date, op: 'between', value: [`${2022 + (i % 3)}-01-01`, `${2022 + (i % 3)}-12-31`] }, groupBy: c.keys.stage }))[1])
      }
    }
    log(progress, 'rep vs admin done')

    const figures: Omit<BenchFigures, 'pass'> = {
      records: n,
      node: process.version,
      sqlite: core.db.prepare('SELECT sqlite_version()').pluck().get() as string,
      raw_rows_per_s: Math.round(rawRate),
      pipeline_rows_per_s: Math.round(pipelineRate),
      insert_ratio: round(pipelineRate / rawRate, 3),
      create_p50_ms: p(createMs, 0.5),
      create_p95_ms: p(createMs, 0.95),
      list_p50_ms: p(listMs, 0.5),
      list_p95_ms: p(listMs, 0.95),
      list_deep_p50_ms: p(deepMs, 0.5),
      list_deep_p95_ms: p(deepMs, 0.95),
      list_deep_pages: deepPages,
      view_index_ms: Math.round(viewIndexMs),
      count_p50_ms: p(countMs, 0.5),
      count_p95_ms: p(countMs, 0.95),
      search_p50_ms: p(searchMs, 0.5),
      search_p95_ms: p(searchMs, 0.95),
      search_short_p95_ms: p(shortMs, 0.95),
      search_fts_p95_ms: p(ftsMs, 0.95),
      admin_list_p95_ms: p(scoped.admin.list, 0.95),
      rep_list_p95_ms: p(scoped.rep.list, 0.95),
      rep_list_ratio: round(quantile(scoped.rep.list, 0.95) / quantile(scoped.admin.list, 0.95), 3),
      admin_report_p95_ms: p(scoped.admin.report, 0.95),
      rep_report_p95_ms: p(scoped.rep.report, 0.95),
      rep_report_ratio: round(quantile(scoped.rep.report, 0.95) / quantile(scoped.admin.report, 0.95), 3),
      aggregate_index_ms: Math.round(aggregateIndexMs),
      floors,
      first_page_ratio: floors.first_page.ratio,
      filter_ratio: floors.filter.ratio,
      count_ratio: floors.count.ratio,
      group_by_ratio: floors.group_by.ratio,
      search_ratio: floors.search.ratio,
      rss_mb: round(process.resourceUsage().maxRSS / 1024, 1),
      elapsed_s: round((performance.now() - started) / 1000, 1),
      data_dir: options.keep ? dataDir : null,
      targets: TARGETS
    }
    const pass = Object.fromEntries(Object.entries(TARGETS).map(([k, t]) => {
      const v = figures[k as TargetKey]
      return [k, 'min' in t ? v >= t.min : v < t.max]
    })) as Record<TargetKey, boolean>
    const result: BenchFigures = { ...figures, pass }
    if (print) process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : table(result))
    return result
  } finally {
    raw?.close()
    floorDb?.close()
    core.close()
    if (!options.keep) rmSync(dataDir, { recursive: true, force: true })
  }
}

function table(f: BenchFigures): string {
  const target = (k: string) => {
    const t = TARGETS[k as TargetKey]
    if (!t) return ''
    return `${'min' in t ? `≥ ${t.min}` : `< ${t.max}`}  ${f.pass[k as TargetKey] ? 'PASS' : 'FAIL'}`
  }
  const rows: Array<[string, string | number]> = [
    ['raw_rows_per_s', f.raw_rows_per_s], ['pipeline_rows_per_s', f.pipeline_rows_per_s], ['insert_ratio', f.insert_ratio],
    ['create_p50_ms', f.create_p50_ms], ['create_p95_ms', f.create_p95_ms],
    ['list_p50_ms', f.list_p50_ms], ['list_p95_ms', f.list_p95_ms],
    ['list_deep_p50_ms', f.list_deep_p50_ms], ['list_deep_p95_ms', f.list_deep_p95_ms], ['list_deep_pages', f.list_deep_pages],
    ['view_index_ms', f.view_index_ms], ['count_p50_ms', f.count_p50_ms], ['count_p95_ms', f.count_p95_ms],
    ['search_p50_ms', f.search_p50_ms], ['search_p95_ms', f.search_p95_ms],
    ['search_short_p95_ms', f.search_short_p95_ms], ['search_fts_p95_ms', f.search_fts_p95_ms],
    ['admin_list_p95_ms', f.admin_list_p95_ms], ['rep_list_p95_ms', f.rep_list_p95_ms], ['rep_list_ratio', f.rep_list_ratio],
    ['admin_report_p95_ms', f.admin_report_p95_ms], ['rep_report_p95_ms', f.rep_report_p95_ms], ['rep_report_ratio', f.rep_report_ratio],
    ['aggregate_index_ms', f.aggregate_index_ms],
    ['rss_mb', f.rss_mb], ['elapsed_s', f.elapsed_s]
  ]
  const lines = [
    `Jimu CRM bench — ${f.records.toLocaleString('en')} records, Node ${f.node}, SQLite ${f.sqlite}`,
    '',
    `${'figure'.padEnd(22)}${'value'.padStart(12)}   target`,
    ...rows.map(([k, v]) => `${k.padEnd(22)}${String(v).padStart(12)}   ${target(k)}`)
  ]
  const ratioKey = (op: FloorOp) => (op === 'group_scan' ? '' : `${op}_ratio`)
  lines.push(
    '',
    'product vs the same query by hand in raw SQLite (same database, same run; ms)',
    `${'operation'.padEnd(12)}${'p50'.padStart(9)}${'p95'.padStart(9)}${'raw p50'.padStart(10)}${'raw p95'.padStart(10)}${'ratio'.padStart(8)}   target`,
    ...FLOOR_OPS.map((op) => {
      const x = f.floors[op]
      return `${op.padEnd(12)}${String(x.p50_ms).padStart(9)}${String(x.p95_ms).padStart(9)}${String(x.raw_p50_ms).padStart(10)}${String(x.raw_p95_ms).padStart(10)}${String(x.ratio).padStart(8)}   ${ratioKey(op) ? target(ratioKey(op)) : '(no covering index yet)'}`
    })
  )
  if (f.data_dir) lines.push('', `data kept in ${f.data_dir}`)
  return `${lines.join('\n')}\n`
}

function parseArgs(argv: string[]): BenchOptions {
  const options: BenchOptions = { records: 1_000_000 }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const [name, inline] = a.split('=', 2) as [string, string | undefined]
    const value = () => inline ?? argv[++i]
    if (name === '--records' || name === '-n') options.records = Number(String(value()).replace(/_/g, ''))
    else if (name === '--json') options.json = true
    else if (name === '--seed') options.seed = Number(value())
    else if (name === '--keep') options.keep = true
    else throw new Error(`Unknown argument ${a} (use --records N [--json] [--seed S] [--keep])`)
  }
  if (!Number.isInteger(options.records) || options.records < 1) throw new Error('--records must be a positive integer')
  return options
}

if (/test[\\/]bench[\\/]run\.ts$/.test(process.argv[1] ?? '')) {
  runBench(parseArgs(process.argv.slice(2))).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exitCode = 1
  })
}
