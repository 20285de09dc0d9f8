import type { IncomingMessage, ServerResponse } from 'node:http'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync, type BrotliOptions } from 'node:zlib'

// Compressed responses for the app over the LAN (a phone on the office Wi-Fi loads the renderer
// and the API's JSON): brotli or gzip as the browser accepts. zlib's asynchronous calls run on
// libuv's thread pool, so compressing never holds the main thread the other colleagues share.
//
// - The renderer's files: the precompressed sibling (`x.js.br`, `x.js.gz`) the build writes
//   (electron.vite.config.ts, precompress()),
//   otherwise compressed once at a high level (brotli 9: 11 would take seconds on the main bundle) and kept in memory (the files are few and never
//   change while the server runs; a rebuilt file has another mtime and is compressed again).
// - API answers (rpc JSON): compressed at the fastest level when larger than THRESHOLD; smaller
//   answers cost more to compress than they save (bench:lan: at 20 users on 2 cores, compressing
//   every list at brotli 4 made records.list the slowest call). Up to SYNC_MAX they are compressed
//   on the calling thread: brotli 1 does a 25 kB list page in about 0.1 ms, while handing it to the
//   thread pool costs the main thread more than that (a stream, its buffers, two callbacks: ~0.2
//   ms measured, over a millisecond in the server's profile under load) and the answer waits for
//   a pool thread to be scheduled. Larger answers (an export-sized list) still go to the pool.

const brotli = promisify(brotliCompress)
const gz = promisify(gzip)

/** API answers below this many bytes go out as they are. */
export const THRESHOLD = 16 * 1024
/** Types worth compressing (fonts and images are compressed already). */
const COMPRESSIBLE = /^(text\/|application\/(json|javascript)|image\/svg\+xml)/

export type Encoding = 'br' | 'gzip'

/** The best encoding the client accepts (a q=0 entry refuses it); null for none. */
export function pickEncoding(header: string | string[] | undefined): Encoding | null {
  const accepted = new Map<string, number>()
  for (const part of String(header ?? '').toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';')
    if (!name) continue
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean)
    accepted.set(name.trim(), q ? Number(q[1]) : 1)
  }
  const quality = (name: string) => accepted.get(name) ?? (accepted.has('*') ? accepted.get('*')! : 0)
  if (quality('br') > 0) return 'br'
  if (quality('gzip') > 0) return 'gzip'
  return null
}

/** API answers up to this many bytes are compressed on the calling thread (fastest level, about a millisecond at most). */
export const SYNC_MAX = 256 * 1024

const brotliOptions = (body: Buffer, best: boolean): BrotliOptions => ({
  params: { [constants.BROTLI_PARAM_QUALITY]: best ? 9 : 1, [constants.BROTLI_PARAM_SIZE_HINT]: body.length, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT }
})

function compress(body: Buffer, encoding: Encoding, best: boolean): Promise<Buffer> {
  return encoding === 'br' ? brotli(body, brotliOptions(body, best)) : gz(body, { level: best ? 9 : 1 })
}

/** An API answer at the fastest level: here when small enough, on the thread pool otherwise. */
function compressAnswer(body: Buffer, encoding: Encoding): Buffer | Promise<Buffer> {
  if (body.length > SYNC_MAX) return compress(body, encoding, false)
  return encoding === 'br' ? brotliCompressSync(body, brotliOptions(body, false)) : gzipSync(body, { level: 1 })
}

/**
 * Send a body, compressed when the client accepts it, the type is compressible and the body is
 * at least `threshold` bytes. `Vary: Accept-Encoding` always, so a cache never hands a
 * compressed answer to a client that cannot read it.
 */
export function sendCompressible(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: Buffer | string, threshold = THRESHOLD): void | Promise<void> {
  const raw = typeof body === 'string' ? Buffer.from(body) : body
  const type = String(headers['content-type'] ?? '')
  const encoding = raw.length >= threshold && COMPRESSIBLE.test(type) ? pickEncoding(req.headers['accept-encoding']) : null
  const finish = (out: Buffer) => {
    res.writeHead(status, { ...headers, vary: 'Accept-Encoding', 'content-length': String(out.length), ...(encoding ? { 'content-encoding': encoding } : {}) })
    res.end(req.method === 'HEAD' ? undefined : out)
  }
  if (!encoding) return finish(raw)
  const out = compressAnswer(raw, encoding)
  return Buffer.isBuffer(out) ? finish(out) : out.then(finish)
}

interface Asset { mtime: number; plain: Buffer; br?: Buffer; gzip?: Buffer }
const assets = new Map<string, Asset>()

/** Hashed build output (`index-BfK8KwDM.js`): its content never changes under that name. */
export function isHashedAsset(file: string): boolean {
  return /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(basename(file))
}

/** Send one of the renderer's files, compressed once per encoding and then from memory. */
export async function sendAsset(req: IncomingMessage, res: ServerResponse, file: string, headers: Record<string, string>): Promise<void> {
  const mtime = statSync(file).mtimeMs
  let asset = assets.get(file)
  if (!asset || asset.mtime !== mtime) assets.set(file, (asset = { mtime, plain: readFileSync(file) }))
  const type = headers['content-type'] ?? ''
  const encoding = asset.plain.length >= 1024 && COMPRESSIBLE.test(type) ? pickEncoding(req.headers['accept-encoding']) : null
  let body = asset.plain
  if (encoding) {
    let packed = asset[encoding]
    if (!packed) {
      const sibling = `${file}.${encoding === 'br' ? 'br' : 'gz'}`
      packed = existsSync(sibling) && statSync(sibling).mtimeMs >= mtime ? readFileSync(sibling) : await compress(asset.plain, encoding, true)
      // Another request may have compressed it meanwhile; either copy is the same.
      asset[encoding] = packed
    }
    body = packed
  }
  res.writeHead(200, { ...headers, vary: 'Accept-Encoding', 'content-length': String(body.length), ...(encoding ? { 'content-encoding': encoding } : {}) })
  res.end(req.method === 'HEAD' ? undefined : body)
}
