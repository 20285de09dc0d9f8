import { mkdtempSync, readdirSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ReplicaFiles, recordFileUrl, replicaAttachments, replicaShowsFile } from '../../../src-main/lan/replica-files'
import { client, syncWorld, type World } from '../sync/harness'

// Attachments on a laptop (src-main/lan/replica-files.ts): a copy is kept only as the file it
// names, answered offline only where the replica shows it (that record's attachment field), and
// deleted after a sync when no record of the replica names it any more (a field newly hidden).

let w: World
afterEach(() => w?.close())

const PDF = Buffer.from('%PDF-1.4\n签约合同扫描件\n%%EOF\n')
const url = (hash: string, place: { form: number; record: number; field: number }) => `jimu-file://files/${hash}?form=${place.form}&record=${place.record}&field=${place.field}`

async function world() {
  w = await syncWorld(2)
  const [rep, other] = w.users
  const scan = w.core.schema.addField(w.form.id, { label: '合同', type: 'attachment' })
  const file = w.core.attachments.put('合同.pdf', 'application/pdf', PDF.toString('base64'), rep!.id)
  const mine = w.core.writes.create(rep!, w.form.id, { [w.key('名称')]: '甲方科技', [scan.apiKey]: [{ hash: file.hash, name: '合同.pdf' }] })
  const theirs = w.core.writes.create(other!, w.form.id, { [w.key('名称')]: '乙方贸易' })
  const c = client(w, rep!)
  await c.sync()
  const dir = mkdtempSync(join(tmpdir(), 'jimu-replica-files-'))
  const files = new ReplicaFiles(dir, { prefetchBytes: 1024, maxFileBytes: 4096, maxTotalBytes: 8192 })
  return { rep: rep!, scan, file, mine, theirs, c, files, dir }
}

const answer = (body: Buffer) => ({ status: 200, headers: { 'content-type': 'application/pdf', 'set-cookie': 'x=1' }, body })

describe('a laptop keeps the files its replica shows', () => {
  it('keeps only the file a hash names, and answers it offline only in its own record and field', async () => {
    const { scan, file, mine, theirs, c, files } = await world()
    expect(files.keep(file.hash, answer(Buffer.from('something else')))).toBe(false)
    expect(files.keep(file.hash, { ...answer(PDF), status: 403 })).toBe(false)
    expect(files.keep(file.hash, answer(PDF))).toBe(true)
    const allowed = (place: Parameters<typeof replicaShowsFile>[1]) => replicaShowsFile(c.db, place)
    const got = files.answer(url(file.hash, { form: w.form.id, record: mine, field: scan.id }), allowed)
    expect(got?.status).toBe(200)
    expect(got?.body.equals(PDF)).toBe(true)
    expect(got?.headers['content-type']).toBe('application/pdf')
    expect(got?.headers['set-cookie']).toBeUndefined()
    // Another record (a colleague's, not in the replica), another field, another place: nothing.
    expect(files.answer(url(file.hash, { form: w.form.id, record: theirs, field: scan.id }), allowed)).toBeNull()
    expect(files.answer(url(file.hash, { form: w.form.id, record: mine, field: w.form.fields[0]!.id }), allowed)).toBeNull()
    expect(files.answer(`jimu-file://files/${file.hash}?flow=1`, allowed)).toBeNull()
    expect(files.answer(`jimu-file://files/${file.hash}`, allowed)).toBeNull()
  })

  it('fetches small files with a sync, leaves big ones to be opened, and drops a copy once the field is hidden', async () => {
    const { rep, scan, file, mine, c, files } = await world()
    const named = replicaAttachments(c.db)
    const shown = { hash: file.hash, size: PDF.length, form: w.form.id, record: mine, field: scan.id }
    expect(named).toEqual([shown])
    expect(files.wanted([...named, ...named])).toEqual([shown])
    expect(recordFileUrl(shown)).toBe(url(file.hash, shown))
    expect(files.wanted([{ ...shown, hash: 'a'.repeat(64), size: 5000 }])).toEqual([])
    files.keep(file.hash, answer(PDF))
    expect(files.wanted(named)).toEqual([])

    // The field is hidden from the rep's role at the office: the next pull removes its values.
    w.core.org.setPermission(w.actor.id, w.role.id, { formId: w.form.id, actions: ['view', 'create', 'edit', 'delete'], scope: 'own', fieldRules: { [scan.id]: 'hidden' } })
    await c.sync()
    expect(replicaShowsFile(c.db, { form: w.form.id, record: mine, field: scan.id, hash: file.hash })).toBe(false)
    expect(files.prune(new Set(replicaAttachments(c.db).map((a) => a.hash)))).toBe(1)
    expect(files.has(file.hash)).toBe(false)
    expect(c.records(w.form.id).map((r) => r.fields[scan.apiKey])).toEqual([undefined])
    expect(rep.isAdmin).toBe(false)
  })

  it('keeps the folder within its size, the least recently used first', async () => {
    const { files, dir } = await world()
    const blobs = [1, 2, 3].map((n) => Buffer.alloc(3000, n))
    const { createHash } = await import('node:crypto')
    const hashes = blobs.map((b) => createHash('sha256').update(b).digest('hex'))
    files.keep(hashes[0]!, answer(blobs[0]!))
    files.keep(hashes[1]!, answer(blobs[1]!))
    // The first was opened last (an answer marks a copy used): the second is the oldest.
    const at = Date.now() / 1000
    utimesSync(join(dir, hashes[1]!), at - 100, at - 100)
    utimesSync(join(dir, hashes[0]!), at - 50, at - 50)
    files.keep(hashes[2]!, answer(blobs[2]!))
    expect(hashes.map((h) => files.has(h))).toEqual([true, false, true])
    expect(readdirSync(dir).filter((n) => !n.endsWith('.json'))).toHaveLength(2)
    expect(files.keep('f'.repeat(64), answer(Buffer.alloc(5000)))).toBe(false)
  })

  it('never evicts a file picked offline and not sent yet: it is the only copy', async () => {
    const { files, dir } = await world()
    const { createHash } = await import('node:crypto')
    const blobs = [1, 2, 3].map((n) => Buffer.alloc(3000, n))
    const hashes = blobs.map((b) => createHash('sha256').update(b).digest('hex'))
    const unsent = new Set([hashes[0]!])
    files.pin(() => unsent)
    files.keepPicked(hashes[0]!, blobs[0]!, { name: '现场照片.png', mime: 'image/png' })
    files.keep(hashes[1]!, answer(blobs[1]!))
    const at = Date.now() / 1000
    utimesSync(join(dir, hashes[0]!), at - 100, at - 100)
    files.keep(hashes[2]!, answer(blobs[2]!))
    // The picked file is the least recently used, yet the office's copy goes instead.
    expect(hashes.map((h) => files.has(h))).toEqual([true, false, true])
    unsent.clear()
    files.keep(hashes[1]!, answer(blobs[1]!))
    expect(files.has(hashes[0]!)).toBe(false)
  })
})
