import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pickEncoding, sendCompressible, SYNC_MAX, THRESHOLD } from '../../../src-main/api/compression'

// API answers over the LAN: small ones as they are, larger ones compressed the way the client
// accepts — on the calling thread up to SYNC_MAX, on zlib's pool beyond — and always the same
// bytes once decoded.

/** A JSON answer of about `size` bytes that does not compress to nothing. */
function answer(size: number): string {
  const rows: Array<{ id: number; name: string }> = []
  let length = 2
  for (let i = 0; length < size; i++) {
    const row = { id: i, name: `客户 ${i} ${(i * 2654435761 % 4294967296).toString(36)}` }
    rows.push(row)
    length += JSON.stringify(row).length + 1
  }
  return JSON.stringify(rows)
}

const bodies = new Map<string, string>([['small', answer(1000)], ['medium', answer(THRESHOLD * 4)], ['large', answer(SYNC_MAX * 2)]])
let server: Server
let port = 0

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = bodies.get(req.url!.slice(1))!
    void sendCompressible(req, res, 200, { 'content-type': 'application/json; charset=utf-8' }, body)
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  port = (server.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((done) => server.close(() => done())))

function get(path: string, acceptEncoding: string | null, method = 'GET'): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: acceptEncoding === null ? {} : { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => done({ headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', fail)
    req.end()
  })
}

describe('API answers', () => {
  it('a small answer goes out as it is', async () => {
    const r = await get('/small', 'br, gzip')
    expect(r.headers['content-encoding']).toBeUndefined()
    expect(r.headers.vary).toBe('Accept-Encoding')
    expect(r.body.toString()).toBe(bodies.get('small'))
  })

  for (const name of ['medium', 'large']) {
    it(`a ${name} answer is compressed as the client accepts and decodes to the same bytes`, async () => {
      const original = bodies.get(name)!
      const br = await get(`/${name}`, 'gzip, deflate, br')
      expect(br.headers['content-encoding']).toBe('br')
      expect(Number(br.headers['content-length'])).toBe(br.body.length)
      expect(br.body.length).toBeLessThan(Buffer.byteLength(original) / 2)
      expect(brotliDecompressSync(br.body).toString()).toBe(original)
      const gz = await get(`/${name}`, 'gzip')
      expect(gz.headers['content-encoding']).toBe('gzip')
      expect(gunzipSync(gz.body).toString()).toBe(original)
      const refused = await get(`/${name}`, 'br;q=0, gzip;q=0')
      expect(refused.headers['content-encoding']).toBeUndefined()
      expect(refused.body.toString()).toBe(original)
      const none = await get(`/${name}`, null)
      expect(none.headers['content-encoding']).toBeUndefined()
      expect(none.body.toString()).toBe(original)
    })
  }

  it('HEAD gets the headers of the compressed answer and no body', async () => {
    const r = await get('/medium', 'br', 'HEAD')
    expect(r.headers['content-encoding']).toBe('br')
    expect(Number(r.headers['content-length'])).toBeGreaterThan(0)
    expect(r.body.length).toBe(0)
  })

  it('picks brotli before gzip, honours q=0 and *', () => {
    expect(pickEncoding('gzip, br')).toBe('br')
    expect(pickEncoding('br;q=0, gzip')).toBe('gzip')
    expect(pickEncoding('*')).toBe('br')
    expect(pickEncoding('*;q=0')).toBeNull()
    expect(pickEncoding(undefined)).toBeNull()
  })
})
