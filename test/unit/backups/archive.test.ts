import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import JSZip from 'jszip'
import { CoreHost } from '../../../src-main/api/host'
import { Dispatcher } from '../../../src-main/api/dispatcher'
import { TEST_PASSWORD_COST } from '../../support/core'

// The whole data folder as one archive (database and attachments), and a new installation
// started from it on the first-run screen — only there: once a user exists it is refused.

const dirs: string[] = []
const hosts: CoreHost[] = []
const temp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const h of hosts.splice(0)) h.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function open(dataDir: string) {
  const host = await CoreHost.open({ dataDir, passwordCost: TEST_PASSWORD_COST })
  hosts.push(host)
  const rpc = new Dispatcher(host, () => {})
  const call = async <T = unknown>(method: string, input: unknown, token?: string) => {
    const res = await rpc.call(method, input, { token })
    if (!res.ok) throw Object.assign(new Error(res.error.message), res.error)
    return res.data as T
  }
  return { host, rpc, call }
}

describe('data folder archive', () => {
  it('exports the database and attachments, and a fresh installation starts from it', async () => {
    const a = await open(temp('jimu-a-'))
    const { token } = await a.host.core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
    const logo = a.host.core.attachments.put('logo.png', 'image/png', Buffer.from('png-bytes').toString('base64'))
    await a.call('settings.updateCompany', { name: '杭州积木', taxId: '91330106MA2H7K3X5P', logo: { ...logo, mime: 'image/png' } }, token)
    const out = temp('jimu-out-')
    const archive = await a.call<{ path: string; size: number }>('backups.exportArchive', { folder: out }, token)
    expect(statSync(archive.path).size).toBe(archive.size)
    const zip = await JSZip.loadAsync(readFileSync(archive.path))
    expect(Object.keys(zip.files)).toEqual(expect.arrayContaining(['manifest.json', 'jimu.db', `attachments/${logo.hash.slice(0, 2)}/${logo.hash}`]))

    const b = await open(temp('jimu-b-'))
    expect(b.host.core.auth.needsSetup()).toBe(true)
    const result = await b.call<{ users: number }>('setup.importArchive', { path: archive.path })
    expect(result.users).toBe(1)
    expect(b.host.core.auth.needsSetup()).toBe(false)
    const login = await b.host.core.auth.login('admin', 'secret123')
    const company = await b.call<{ name: string; taxId: string; logo: { hash: string } }>('settings.company', {}, login.token)
    expect(company).toMatchObject({ name: '杭州积木', taxId: '91330106MA2H7K3X5P' })
    expect(b.host.core.attachments.get(company.logo.hash).data.toString()).toBe('png-bytes')

    // Once a user exists, the first-run import is refused and changes nothing.
    const again = await b.rpc.call('setup.importArchive', { path: archive.path }, {})
    expect(again.ok ? null : again.error.code).toBe('CONFLICT')
  })

  it('refuses a zip that is not a Jimu archive, and a damaged attachment, naming the upload', async () => {
    const b = await open(temp('jimu-c-'))
    const junk = new JSZip()
    junk.file('readme.txt', 'hello')
    const res = await b.rpc.call('setup.importArchive', { data: (await junk.generateAsync({ type: 'nodebuffer' })).toString('base64') }, {})
    expect(res.ok ? null : res.error).toMatchObject({ code: 'VALIDATION', field: 'data' })
    expect(b.host.core.auth.needsSetup()).toBe(true)

    const a = await open(temp('jimu-d-'))
    await a.host.core.auth.setup({ name: '管理员', login: 'admin', password: 'secret123' })
    const out = temp('jimu-out-')
    const dbFile = join(out, 'snap.db')
    await a.host.core.db.backup(dbFile)
    const forged = new JSZip()
    forged.file('manifest.json', JSON.stringify({ app: 'jimu-crm' }))
    forged.file('jimu.db', readFileSync(dbFile))
    forged.file(`attachments/ab/${'ab'.padEnd(64, '0')}`, 'not matching its hash')
    const path = join(out, 'forged.zip')
    writeFileSync(path, await forged.generateAsync({ type: 'nodebuffer' }))
    const bad = await b.rpc.call('setup.importArchive', { path }, {})
    expect(bad.ok ? null : bad.error).toMatchObject({ code: 'VALIDATION' })
    expect(b.host.core.auth.needsSetup()).toBe(true)
  })
})
