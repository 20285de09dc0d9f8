import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:https'
import { createServer } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { Core } from '../../src-main/core'
import { ManualClock } from '../../src-main/clock'
import { loadAppDir } from '../../src-main/apps/load-dir'
import { DEMO_PASSWORD, demoPasswordHash, seedDemo } from '../../src-main/crm/seed'
import type { Actor } from '../../src-main/access/actor'

// The office network under load.
//   npm run build && npm run bench:lan [-- --users 20 --seconds 60 --baseline 15 --customers 500 --json]
// One serve-mode server (HTTPS, as on the LAN: `serve --host 0.0.0.0`) on a fresh data folder
// with the sample data; first one colleague alone (the baseline), then N colleagues at once, each
// a closed loop of what people do all day: lists with totals, record pages, search, new
// follow-ups, edits, the to-do center and its badge, notifications, dashboard opens. Every write
// the server acknowledged is checked afterwards in the database (lost writes). Targets on a
// 2-core machine at 20 users: 0 errors, 0 lost writes, p95 < 150 ms, >= 300 requests/s.

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '60' },
    baseline: { type: 'string', default: '15' },
    customers: { type: 'string', default: '500' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    /** Write a CPU profile of the server (node --cpu-prof) into this folder. */
    profile: { type: 'string' }
  }
})
const USERS = Math.max(1, Number(values.users))
const SECONDS = Math.max(1, Number(values.seconds))
const BASELINE = Math.max(1, Number(values.baseline))

/** The built server (`npm run build` first), as the desktop app and serve mode run it. */
const SERVE = resolve(process.env.JIMU_SERVE ?? 'out/main/serve.js')

/** The sales team of the sample data: six reps, two team managers and the head of sales. */
const LOGINS = ['zhangwei', 'wangfang', 'liqiang', 'liuyang', 'chenjing', 'yangfan', 'wuhaiyan', 'linxiaodong', 'zhoujianguo']

interface Session { login: string; token: string }
interface Ack { form: string; id: number; field: string; value: string }

const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]! : 0)
const round = (n: number) => Math.round(n * 10) / 10

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer()
    probe.once('error', fail)
    probe.listen(0, '127.0.0.1', () => {
      const a = probe.address()
      const port = typeof a === 'object' && a ? a.port : 0
      probe.close(() => done(port))
    })
  })
}

/** The sample data and one session per simulated colleague, made in this process before the server starts. */
async function prepare(dataDir: string): Promise<{ sessions: Session[]; baseline: Session }> {
  const now = Date.now()
  const clock = new ManualClock(now)
  const core = await Core.open({ dataDir, clock })
  try {
    await core.auth.setup({ name: '管理员', login: 'admin', password: 'admin12345' })
    const adminId = core.db.prepare('SELECT id FROM users WHERE is_admin = 1').pluck().get() as number
    const actor: Actor = { id: adminId, name: 'admin', isAdmin: true, locale: 'zh-CN' }
    const { pkg } = loadAppDir(resolve(import.meta.dirname, '../../resources/apps/crm'))
    core.crm.install(actor, pkg, 'zh-CN')
    seedDemo(core, actor, { seed: 20240601, customers: Number(values.customers), setTime: (ms) => clock.set(ms), passwordHash: await demoPasswordHash(core) })
    clock.set(now)
    const sessions: Session[] = []
    for (let i = 0; i < USERS; i++) {
      const login = LOGINS[i % LOGINS.length]!
      sessions.push({ login, token: (await core.auth.login(login, DEMO_PASSWORD, { client: 'bench', address: `10.0.0.${i + 1}` })).token })
    }
    const baseline = { login: 'zhangwei', token: (await core.auth.login('zhangwei', DEMO_PASSWORD, { client: 'bench', address: '10.0.1.1' })).token }
    return { sessions, baseline }
  } finally {
    core.close()
  }
}

function startServer(dataDir: string, port: number): Promise<{ child: ChildProcess; fingerprint: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...(values.profile ? ['--cpu-prof', '--cpu-prof-dir', resolve(values.profile)] : []), SERVE, '--data', dataDir, '--host', '0.0.0.0', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const timer = setTimeout(() => fail(new Error(`serve did not start:\n${out}`)), 60_000)
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const fp = /fingerprint \(SHA-256\)[^:]*: ([0-9A-F:]+)/i.exec(out)
      if (fp && /serving at/.test(out)) {
        clearTimeout(timer)
        done({ child, fingerprint: fp[1]!.toUpperCase() })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (c: Buffer) => {
      out += c.toString()
      if (/HTTP request failed/.test(c.toString())) process.stderr.write(c)
    })
    child.once('exit', (code) => fail(new Error(`serve exited (${code}):\n${out}`)))
  })
}

class Client {
  readonly agent: Agent
  readonly times: number[] = []
  readonly byMethod = new Map<string, number[]>()
  /** Response bytes on the wire (compressed when the server compressed) per method. */
  readonly bytes = new Map<string, number>()
  errors = 0
  readonly errorSamples: string[] = []
  stopAt = 0
  constructor(private readonly port: number, private readonly session: Session, fingerprint: string) {
    // Pinned like a paired client: the self-signed certificate printed by serve, nothing else.
    this.agent = new Agent({
      keepAlive: true, maxSockets: 2, rejectUnauthorized: false,
      checkServerIdentity: (_host, cert) => (cert.fingerprint256.toUpperCase() === fingerprint ? undefined : new Error('certificate fingerprint mismatch'))
    })
  }

  async call<T = unknown>(method: string, input: unknown): Promise<T | null> {
    const body = JSON.stringify(input)
    const started = performance.now()
    const result = await new Promise<{ status: number; text: string }>((done) => {
      const req = request({
        host: '127.0.0.1', port: this.port, path: `/rpc/${method}`, method: 'POST', agent: this.agent,
        headers: {
          host: `127.0.0.1:${this.port}`, origin: `https://127.0.0.1:${this.port}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body),
          cookie: `__Host-jimu_session=${encodeURIComponent(this.session.token)}`, 'accept-language': 'zh-CN', 'accept-encoding': 'br, gzip'
        }
      }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const raw = Buffer.concat(chunks)
          this.bytes.set(method, (this.bytes.get(method) ?? 0) + raw.length)
          done({ status: res.statusCode ?? 0, text: decodeBody(raw, res.headers['content-encoding']) })
        })
        res.on('error', (e) => done({ status: 0, text: String(e) }))
      })
      req.on('error', (e) => done({ status: 0, text: String(e) }))
      req.end(body)
    })
    const ms = performance.now() - started
    this.times.push(ms)
    let list = this.byMethod.get(method)
    if (!list) this.byMethod.set(method, (list = []))
    list.push(ms)
    if (result.status !== 200) return this.fail(method, `${result.status} ${result.text.slice(0, 200)}`)
    const parsed = JSON.parse(result.text) as { ok: boolean; data?: T; error?: unknown }
    if (!parsed.ok) return this.fail(method, JSON.stringify(parsed.error).slice(0, 200))
    return parsed.data as T
  }

  private fail(method: string, text: string): null {
    this.errors++
    if (this.errorSamples.length < 5) this.errorSamples.push(`${method}: ${text}`)
    return null
  }
}

function decodeBody(buf: Buffer, encoding: string | string[] | undefined): string {
  if (encoding === 'br') return brotliDecompressSync(buf).toString('utf8')
  if (encoding === 'gzip') return gunzipSync(buf).toString('utf8')
  return buf.toString('utf8')
}

interface Rec { id: number; version?: number; fields: Record<string, unknown> }

/** One colleague's day, compressed: a closed loop until the time is up. */
async function colleague(c: Client, index: number, acks: Ack[], rng: () => number): Promise<void> {
  const dashboards = (await c.call<{ id: number }[]>('reports.dashboards', {})) ?? []
  const customers = (await c.call<{ records: Rec[] }>('records.list', { form: 'customer', limit: 50 }))?.records ?? []
  const mine: Rec[] = []
  let seen: Rec[] = []
  let n = 0
  const words = ['科技', '贸易', '华', '电子', '机械', '有限']
  while (performance.now() < c.stopAt) {
    const roll = rng()
    if (roll < 0.22) {
      const form = rng() < 0.5 ? 'opportunity' : 'customer'
      const page = await c.call<{ records: Rec[] }>('records.list', { form, limit: 50, withTotal: true, ...(form === 'opportunity' ? { totals: ['amount'] } : {}) })
      if (page?.records.length) seen = page.records.map((r) => ({ ...r, form } as Rec & { form: string }))
    } else if (roll < 0.42) {
      const pick = seen[Math.floor(rng() * seen.length)] as (Rec & { form?: string }) | undefined
      if (pick?.form) {
        await c.call('records.get', { form: pick.form, id: pick.id })
        await c.call('records.history', { form: pick.form, id: pick.id }).catch(() => null)
      } else await c.call('records.count', { form: 'opportunity', groupBy: 'stage', sums: ['amount'] })
    } else if (roll < 0.52) {
      const q = words[Math.floor(rng() * words.length)]!
      if (rng() < 0.5) await c.call('search.global', { q, limit: 20 })
      else await c.call('records.list', { form: 'customer', search: q, limit: 50, withTotal: true })
    } else if (roll < 0.62 && customers.length) {
      const value = `基准跟进 ${index}-${++n}`
      const made = await c.call<Rec>('records.create', { form: 'followUp', fields: { subject: value, content: value, customer: customers[Math.floor(rng() * customers.length)]!.id } })
      if (made?.id) {
        acks.push({ form: 'followUp', id: made.id, field: 'subject', value })
        mine.push(made)
      }
    } else if (roll < 0.7 && mine.length) {
      const rec = mine[Math.floor(rng() * mine.length)]!
      const value = `基准修改 ${index}-${++n}`
      const done = await c.call<Rec>('records.update', { form: 'followUp', id: rec.id, fields: { content: value }, version: rec.version })
      if (done?.id) {
        rec.version = done.version
        acks.push({ form: 'followUp', id: rec.id, field: 'content', value })
      }
    } else if (roll < 0.82) {
      await c.call('flows.counts', {})
      await c.call('flows.todo', { tab: rng() < 0.7 ? 'todo' : 'mine', limit: 50 })
    } else if (roll < 0.88) {
      await c.call('notifications.list', { unreadOnly: false, limit: 50 })
    } else if (dashboards.length) {
      const d = await c.call<{ widgets: { type: string; query: unknown }[] }>('reports.dashboard', { id: dashboards[Math.floor(rng() * dashboards.length)]!.id })
      for (const w of d?.widgets ?? []) await c.call('reports.run', { type: w.type, query: w.query })
    }
  }
}

function mulberry(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** CPU seconds a process has used so far (user + system), from /proc on Linux; null elsewhere. */
function processCpu(pid: number | undefined): number | null {
  if (!pid) return null
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return null
  }
}

async function phase(port: number, fingerprint: string, sessions: Session[], seconds: number, acks: Ack[], serverPid?: number) {
  const clients = sessions.map((s) => new Client(port, s, fingerprint))
  const clientCpu = process.cpuUsage()
  const serverCpu = processCpu(serverPid)
  const started = performance.now()
  for (const c of clients) c.stopAt = started + seconds * 1000
  await Promise.all(clients.map((c, i) => colleague(c, i, acks, mulberry(1000 + i))))
  const elapsed = (performance.now() - started) / 1000
  const clientUsed = process.cpuUsage(clientCpu)
  const serverAfter = processCpu(serverPid)
  for (const c of clients) c.agent.destroy()
  const times = clients.flatMap((c) => c.times)
  const perMethod: Record<string, { n: number; p50: number; p95: number; max: number; kB: number }> = {}
  for (const m of new Set(clients.flatMap((c) => [...c.byMethod.keys()]))) {
    const all = clients.flatMap((k) => k.byMethod.get(m) ?? [])
    const bytes = clients.reduce((a, k) => a + (k.bytes.get(m) ?? 0), 0)
    perMethod[m] = { n: all.length, p50: round(pct(all, 0.5)), p95: round(pct(all, 0.95)), max: round(Math.max(...all)), kB: round(bytes / all.length / 1024) }
  }
  // Both run on the same cores: how much of them each took (100 % = one core for the whole phase).
  const serverSeconds = serverCpu !== null && serverAfter !== null ? serverAfter - serverCpu : null
  const cpu = {
    client: round((100 * (clientUsed.user + clientUsed.system)) / 1e6 / elapsed),
    server: serverSeconds !== null ? round((100 * serverSeconds) / elapsed) : null,
    /** The server's CPU time per answered request (ms): what a request costs, whatever else runs on the machine. */
    serverMsPerRequest: serverSeconds !== null && times.length ? Math.round((1e5 * serverSeconds) / times.length) / 100 : null
  }
  return {
    users: sessions.length, seconds: round(elapsed), requests: times.length, rps: round(times.length / elapsed),
    p50: round(pct(times, 0.5)), p95: round(pct(times, 0.95)), p99: round(pct(times, 0.99)), max: round(Math.max(0, ...times)),
    errors: clients.reduce((a, c) => a + c.errors, 0), errorSamples: clients.flatMap((c) => c.errorSamples).slice(0, 8), cpu, perMethod
  }
}

/** Every acknowledged write must be in the database: the last acknowledged value of each field wins. */
async function lostWrites(dataDir: string, acks: Ack[]): Promise<number> {
  const core = await Core.open({ dataDir })
  try {
    const adminId = core.db.prepare('SELECT id FROM users WHERE is_admin = 1').pluck().get() as number
    const actor: Actor = { id: adminId, name: 'admin', isAdmin: true, locale: 'zh-CN' }
    const last = new Map<string, Ack>()
    for (const a of acks) last.set(`${a.form}:${a.id}:${a.field}`, a)
    let lost = 0
    for (const a of last.values()) {
      try {
        if (core.reads.get(actor, a.form, a.id).fields[a.field] !== a.value) lost++
      } catch {
        lost++
      }
    }
    return lost
  } finally {
    core.close()
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jimu-bench-lan-'))
  let child: ChildProcess | null = null
  try {
    const t = performance.now()
    const { sessions, baseline } = await prepare(dataDir)
    const prepared = round((performance.now() - t) / 1000)
    const port = await freePort()
    const server = await startServer(dataDir, port)
    child = server.child
    const acks: Ack[] = []
    const single = await phase(port, server.fingerprint, [baseline], BASELINE, acks, child.pid)
    const many = await phase(port, server.fingerprint, sessions, SECONDS, acks, child.pid)
    await stop(child)
    child = null
    const lost = await lostWrites(dataDir, acks)
    const result = { prepared, writesChecked: acks.length, lostWrites: lost, single, many }
    if (values.json) console.log(JSON.stringify(result, null, 2))
    else {
      const line = (label: string, r: typeof single) =>
        `${label.padEnd(10)} ${String(r.requests).padStart(6)} req in ${r.seconds} s = ${r.rps} req/s · p50 ${r.p50} ms · p95 ${r.p95} ms · p99 ${r.p99} ms · max ${r.max} ms · errors ${r.errors}`
      console.log(`Sample data and sessions ready in ${prepared} s; server: serve --host 0.0.0.0 (HTTPS)`)
      console.log(line('1 user', single))
      console.log(line(`${USERS} users`, many))
      console.log(`Acknowledged writes checked: ${acks.length}, lost: ${lost}`)
      const share = (r: typeof single) => `server ${r.cpu.server ?? '?'} % (${r.cpu.serverMsPerRequest ?? '?'} ms per request), bench client ${r.cpu.client} %`
      console.log(`CPU (100 % = one core): 1 user: ${share(single)}; ${USERS} users: ${share(many)}; load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`)
      console.log('Per method at load (n · p50 · p95 · max ms · kB on the wire):')
      for (const [m, s] of Object.entries(many.perMethod).sort((a, b) => b[1].p95 - a[1].p95)) console.log(`  ${m.padEnd(22)} ${String(s.n).padStart(6)} · ${s.p50} · ${s.p95} · ${s.max} · ${s.kB}`)
      for (const e of [...single.errorSamples, ...many.errorSamples]) console.log(`  error: ${e}`)
      const ok = many.errors === 0 && lost === 0 && many.p95 < 150 && many.rps >= 300
      console.log(ok ? 'Targets met.' : 'Targets NOT met (0 errors, 0 lost writes, p95 < 150 ms, >= 300 req/s).')
    }
  } finally {
    if (child) await stop(child)
    if (!values.keep) rmSync(dataDir, { recursive: true, force: true })
    else console.log(`Data kept in ${dataDir}`)
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve()
  return new Promise((done) => {
    child.once('exit', () => done())
    child.kill('SIGTERM')
  })
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
