import { mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../../src-main/clock'
import { Dispatcher } from '../../src-main/api/dispatcher'
import { CoreHost } from '../../src-main/api/host'
import { createHttpServer, type HttpOptions } from '../../src-main/api/http'
import { TEST_PASSWORD_COST } from './core'

type ServeOptions = Pick<HttpOptions, 'rendererDir' | 'publicHosts' | 'tls'>

/** A real core on a fresh data directory behind the real HTTP transport, on a free loopback port. */
export async function servedCore(options: { clock?: Clock; prefix?: string } & Partial<ServeOptions> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), options.prefix ?? 'jimu-http-'))
  const host = await CoreHost.open({ dataDir, clock: options.clock, passwordCost: TEST_PASSWORD_COST })
  const server: Server = createHttpServer({ dispatcher: new Dispatcher(host, () => {}), host, rendererDir: options.rendererDir ?? null, publicHosts: options.publicHosts, tls: options.tls })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  const base = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`
  return {
    host,
    base,
    port,
    dataDir,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()))
      host.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
  text: string
  json(): any
}

/**
 * One HTTP(S) request with full control of the headers (fetch will not send a forged Host).
 * `ca` makes it HTTPS, trusting that certificate.
 */
export function rawRequest(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; ca?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const send = options.ca ? httpsRequest : httpRequest
    const req = send({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers, ca: options.ca, servername: options.ca ? 'localhost' : undefined }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const body = Buffer.concat(chunks)
        const text = body.toString('utf8')
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: () => JSON.parse(text) })
      })
    })
    req.on('error', reject)
    req.end(options.body)
  })
}
