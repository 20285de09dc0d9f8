import { spawn, type ChildProcess } from 'node:child_process'
import { globSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { build, type Plugin } from 'esbuild'
import type { SyncTransport } from '../../src-main/sync/client'

// Offline sync across processes (issue 18): the host as a serve-mode process (src-main/serve.ts,
// `npm run serve`'s entry) on loopback, and the pieces a client process needs to reach it over
// HTTP as a user — sign-in, the rpc calls sync.push and sync.pull, and the live event stream
// (GET /events). No core module is loaded here, so the clients stay light processes. Used by
// test/support/sync-client.ts, test/unit/sync/multi-process.test.ts and test/bench/sync.ts.

export const ROOT = resolve(__dirname, '../..')

/**
 * import.meta.glob('<pattern>', { eager: true, import: 'default' }) — the one Vite feature the
 * core uses (src-main/apps/bundled.ts) — as an object of the matching files, as the build makes it.
 */
const importMetaGlob: Plugin = {
  name: 'import-meta-glob',
  setup(b) {
    b.onLoad({ filter: /src-main[\\/].*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8')
      if (!source.includes('import.meta.glob(')) return undefined
      const contents = source.replace(/import\.meta\.glob\(\s*'([^']+)'\s*,\s*\{\s*eager:\s*true,\s*import:\s*'default'\s*\}\s*\)/g, (_, pattern: string) => {
        const dir = dirname(args.path)
        const files = globSync(pattern, { cwd: dir }).sort()
        return `{ ${files.map((f) => `${JSON.stringify(f)}: require(${JSON.stringify(join(dir, f))})`).join(', ')} }`
      })
      if (contents.includes('import.meta.glob(')) throw new Error(`${relative(ROOT, args.path)}: an import.meta.glob this bundle does not handle`)
      return { contents, loader: 'ts' }
    })
  }
}

let bundled: Promise<string> | null = null

/**
 * src-main/serve.ts bundled into one plain-Node file, as the build (electron-vite) makes
 * out/main/serve.js but in about a second (esbuild, which tsx brings): the unit suite runs before
 * the build, and loading the core's sources one by one through Vite takes ten seconds here.
 */
export function serveBundle(): Promise<string> {
  bundled ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jimu-serve-'))
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
    const outfile = join(dir, 'serve.js')
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    await build({
      entryPoints: [join(ROOT, 'src-main/serve.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node22',
      packages: 'external', logLevel: 'error', plugins: [importMetaGlob],
      define: { __JIMU_VERSION__: JSON.stringify(pkg.version) }, alias: { '@shared': join(ROOT, 'src-main/shared') }
    })
    return outfile
  })()
  return bundled
}

export interface HostProcess {
  url: string
  port: number
  proc: ChildProcess
  /** The server's output so far (for a failing test's message). */
  output(): string
  /** SIGTERM (the server closes its database) and wait for the exit. */
  stop(): Promise<void>
}

/** Start serve mode (`--data <dir> --port 0`) on 127.0.0.1 and wait until it listens. */
export async function startHost(dataDir: string, extra: string[] = []): Promise<HostProcess> {
  const entry = await serveBundle()
  const proc = spawn(process.execPath, [entry, '--data', dataDir, '--port', '0', ...extra], {
    cwd: ROOT,
    // The bundle lives in a temporary directory: the project's packages are found through NODE_PATH.
    // No multicast, no office ports: another server on this machine may hold them.
    env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), JIMU_LAN_MDNS: 'off', JIMU_LAN_PORT: '0', JIMU_LAN_HELP_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<void>((r) => proc.once('exit', () => r()))
  return await new Promise((done, fail) => {
    proc.once('exit', (code) => fail(new Error(`host exited (${code}) before listening:\n${out}`)))
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      out += `${line}\n`
      const m = /serving at http:\/\/127\.0\.0\.1:(\d+)/.exec(line)
      if (!m) return
      const port = Number(m[1])
      done({
        url: `http://127.0.0.1:${port}`, port, proc, output: () => out,
        stop: async () => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM')
          await exited
        }
      })
    })
  })
}

export interface RpcReply<T = unknown> { ok: boolean; data?: T; error?: { code: string; message: string; field?: string } }

/** One call of the API as the session `token` (the desktop client's way: a Bearer token). */
export async function rpc<T = unknown>(url: string, token: string | null, method: string, input: unknown): Promise<RpcReply<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'accept-language': 'zh-CN' }
  if (token) headers.authorization = `Bearer ${token}`
  const res = await fetch(`${url}/rpc/${method}`, { method: 'POST', headers, body: JSON.stringify(input) })
  return (await res.json()) as RpcReply<T>
}

/** The data of a call that must succeed. */
export async function call<T = unknown>(url: string, token: string | null, method: string, input: unknown): Promise<T> {
  const reply = await rpc<T>(url, token, method, input)
  if (!reply.ok) throw new Error(`${method}: ${reply.error?.code} ${reply.error?.message}`)
  return reply.data as T
}

/** Sign in: the session token and the user's id. */
export async function login(url: string, name: string, password: string): Promise<{ token: string; userId: number }> {
  const data = await call<{ token: string; user: { id: number } }>(url, null, 'auth.login', { login: name, password })
  return { token: data.token, userId: data.user.id }
}

/** SyncClient's transport over HTTP: sync.push and sync.pull as the signed-in user. */
export function httpTransport(url: string, token: string): SyncTransport {
  return {
    push: (input) => call(url, token, 'sync.push', input),
    pull: (input) => call(url, token, 'sync.pull', input)
  }
}

export interface LiveRecordEvent { kind: 'record'; type: string; formId: number; id: number; fields: string[]; at: number }

/**
 * The live event stream (GET /events) as the desktop client opens it: the session as a Bearer
 * token. Calls `onEvent` for each record event; `ready` resolves on the stream's hello.
 */
export function openEvents(url: string, token: string, onEvent: (event: LiveRecordEvent) => void): { ready: Promise<void>; close: () => void } {
  const abort = new AbortController()
  let hello!: () => void
  const ready = new Promise<void>((r) => (hello = r))
  void (async () => {
    const res = await fetch(`${url}/events`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: abort.signal })
    if (!res.ok || !res.body) throw new Error(`/events answered ${res.status}`)
    const decoder = new TextDecoder()
    let buffer = ''
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true })
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const type = /^event: (.*)$/m.exec(block)?.[1] ?? 'message'
        const data = /^data: (.*)$/m.exec(block)?.[1]
        if (type === 'hello') hello()
        else if (type === 'message' && data) {
          const event = JSON.parse(data) as LiveRecordEvent
          if (event.kind === 'record') onEvent(event)
        }
      }
    }
  })().catch((e: unknown) => {
    if ((e as { name?: string }).name !== 'AbortError') throw e
  })
  return { ready, close: () => abort.abort() }
}
