import { request } from 'node:https'
import { CONNECT_TIMEOUT_MS } from './client'

// Attachments in the desktop client (client mode): the window asks for jimu-file://files/<hash>?<reference>
// as it does on a single PC, and the main process fetches the same file from the paired host's
// /files route — over HTTPS trusting only the pinned office CA, signed in with the window's
// session at the host (Bearer) and naming the paired device. The host decides who may fetch what
// (src-main/attachments/downloads.ts), exactly as for a browser; the answer is passed on as it
// came, with only the headers that describe the file, so the window treats it like a local file.

export interface HostFileOptions {
  url: string
  caPem: string
  token: string | null
  headers: Record<string, string>
  timeoutMs?: number
}

export interface HostFileAnswer {
  status: number
  headers: Record<string, string>
  body: Buffer
}

/** What the window gets of the host's answer: the file's own description and its safety headers. */
const PASSED = ['content-type', 'content-disposition', 'content-length', 'cache-control', 'etag', 'content-security-policy', 'x-content-type-options', 'cross-origin-resource-policy']

/** The host's path for a jimu-file:// URL: /files/<hash> and the same reference query; null when it is not one. */
export function hostFilePath(fileUrl: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(fileUrl)
  } catch {
    return null
  }
  const hash = parsed.pathname.replace(/^\/+/, '')
  if (parsed.hostname !== 'files' || !/^[0-9a-f]{16,128}$/i.test(hash)) return null
  return `/files/${hash}${parsed.search}`
}

/** Fetch a file from the host. Network failures reject; any HTTP answer (401, 403, 404…) resolves as it came. */
export function fetchHostFile(options: HostFileOptions, path: string, ifNoneMatch?: string): Promise<HostFileAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token) headers.authorization = `Bearer ${options.token}`
    if (ifNoneMatch) headers['if-none-match'] = ifNoneMatch
    const req = request(new URL(path, options.url), { method: 'GET', agent: false, ca: options.caPem, headers, timeout: options.timeoutMs ?? CONNECT_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', reject)
      res.on('end', () => {
        const out: Record<string, string> = {}
        for (const name of PASSED) {
          const value = res.headers[name]
          if (typeof value === 'string') out[name] = value
        }
        resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) })
      })
    })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end()
  })
}
