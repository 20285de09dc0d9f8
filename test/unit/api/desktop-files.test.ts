import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CoreHost } from '../../../src-main/api/host'
import { serveAttachment } from '../../../src-main/app/files'
import { TEST_PASSWORD_COST } from '../../support/core'

// The desktop window gets attachments from the main process (jimu-file://files/<hash>), as a
// browser gets them from /files/<hash>: only while someone is signed in, and only files we hold.

let dataDir: string
let host: CoreHost
let token: string
let hash: string
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jimu-files-'))
  host = await CoreHost.open({ dataDir, passwordCost: TEST_PASSWORD_COST })
  token = (await host.core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })).token
  hash = host.core.attachments.put('名片.png', 'image/png', PNG.toString('base64')).hash
})
afterAll(() => {
  host.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('attachments in the desktop window', () => {
  it('serves a stored file with its type and name to a signed-in window', async () => {
    const res = serveAttachment(host, `jimu-file://files/${hash}`, [token])
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('名片.png'))
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG)
  })

  it('refuses when no window is signed in, or the session has ended', () => {
    expect(serveAttachment(host, `jimu-file://files/${hash}`, []).status).toBe(401)
    expect(serveAttachment(host, `jimu-file://files/${hash}`, ['jimu_not-a-session']).status).toBe(401)
  })

  it('answers 404 for a hash it does not hold and for paths that are not a hash', () => {
    expect(serveAttachment(host, `jimu-file://files/${'0'.repeat(64)}`, [token]).status).toBe(404)
    expect(serveAttachment(host, 'jimu-file://files/..%2F..%2Fjimu.db', [token]).status).toBe(404)
  })
})
