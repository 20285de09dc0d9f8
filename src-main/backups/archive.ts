import { createHash } from 'node:crypto'
import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import JSZip from 'jszip'
import type { Sqlite } from '../db/connection'
import { backupDir, verifyDatabaseFile } from '../db/backup'
import { latestVersion } from '../db/migrations'
import { ValidationError } from '../shared/errors'
import { VERSION } from '../version'
import { checkFolder } from './service'
import { previewDatabase, stamp } from './inspect'
import { addOfficeCaTo, restoreOfficeCaFrom } from '../lan/ca-archive'

// The whole data folder as one .zip — the database (a consistent online snapshot) and every
// attachment — to carry to a new PC; and the other way, on the first-run screen, a new data
// folder started from such an archive. The archive's manifest names the app, so a random zip is
// refused with a clear message.

export const ARCHIVE_APP = 'jimu-crm'
const ATTACHMENT = /^attachments\/([0-9a-f]{2})\/([0-9a-f]{64})$/

export async function exportArchive(db: Sqlite, dataDir: string, folder: string, now: number): Promise<{ path: string; size: number }> {
  checkFolder(folder)
  const snapshot = join(backupDir(dataDir), `export-${stamp(now)}-${process.pid}.tmp`)
  const path = join(folder, `jimu-data-${stamp(now)}.zip`)
  try {
    await db.backup(snapshot)
    const zip = new JSZip()
    zip.file('manifest.json', JSON.stringify({ app: ARCHIVE_APP, version: VERSION, schemaVersion: Number(db.pragma('user_version', { simple: true })), createdAt: new Date(now).toISOString() }, null, 1))
    zip.file('jimu.db', createReadStream(snapshot))
    const attachments = join(dataDir, 'attachments')
    if (existsSync(attachments)) {
      for (const shard of readdirSync(attachments)) {
        if (!/^[0-9a-f]{2}$/.test(shard)) continue
        for (const name of readdirSync(join(attachments, shard))) {
          if (/^[0-9a-f]{64}$/.test(name)) zip.file(`attachments/${shard}/${name}`, createReadStream(join(attachments, shard, name)))
        }
      }
    }
    addOfficeCaTo(zip, dataDir)
    await pipeline(zip.generateNodeStream({ type: 'nodebuffer', streamFiles: true, compression: 'DEFLATE', compressionOptions: { level: 6 } }), createWriteStream(`${path}.partial`))
    renameSync(`${path}.partial`, path)
    return { path, size: statSync(path).size }
  } finally {
    rmSync(snapshot, { force: true })
    rmSync(`${path}.partial`, { force: true })
  }
}

/**
 * Unpack an exported archive into a data folder: its attachments (each checked against its
 * content hash, so no entry can write outside the folder or under a wrong name) and its database,
 * staged as a backup file by `stage` for the host to restore. Returns the staged backup's name.
 */
export async function unpackArchive(data: Buffer, label: string, dataDir: string, stage: (write: (dest: string) => void) => string): Promise<{ file: string; users: number; forms: number }> {
  const bad = () => new ValidationError('backup.error.notArchive', { file: label }, 'data')
  let zip: JSZip
  try {
    zip = await JSZip.loadAsync(data)
  } catch {
    throw bad()
  }
  const manifest = await zip.file('manifest.json')?.async('string')
  let app: unknown
  try {
    app = manifest ? (JSON.parse(manifest) as { app?: unknown }).app : undefined
  } catch {
    app = undefined
  }
  const database = zip.file('jimu.db')
  if (app !== ARCHIVE_APP || !database) throw bad()
  const tmp = join(backupDir(dataDir), `import-${process.pid}.tmp`)
  try {
    writeFileSync(tmp, await database.async('nodebuffer'))
    const preview = previewDatabase(tmp, label)
    if (preview.schemaVersion > latestVersion()) throw new ValidationError('backup.error.newer', { path: label }, 'data')
    if (!verifyDatabaseFile(tmp)) throw new ValidationError('error.backupCorrupt', { file: label }, 'data')
    for (const entry of Object.values(zip.files)) {
      const m = ATTACHMENT.exec(entry.name)
      if (entry.dir || !m || !m[2]!.startsWith(m[1]!)) continue
      const content = await entry.async('nodebuffer')
      if (createHash('sha256').update(content).digest('hex') !== m[2]) throw new ValidationError('backup.error.attachmentDamaged', { file: label, name: entry.name }, 'data')
      const dir = join(dataDir, 'attachments', m[1]!)
      mkdirSync(dir, { recursive: true })
      const target = join(dir, m[2]!)
      if (!existsSync(target)) {
        writeFileSync(`${target}.tmp`, content)
        renameSync(`${target}.tmp`, target)
      }
    }
    await restoreOfficeCaFrom(zip, dataDir)
    const file = stage((dest) => copyFileSync(tmp, dest))
    return { file, users: preview.users, forms: preview.forms.length }
  } finally {
    rmSync(tmp, { force: true })
  }
}
