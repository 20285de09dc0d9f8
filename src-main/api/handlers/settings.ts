import { readFileSync, statSync } from 'node:fs'
import { basename, isAbsolute, join } from 'node:path'
import { DB_FILE } from '../../core'
import { exportArchive, unpackArchive } from '../../backups/archive'
import { checkFolder } from '../../backups/service'
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors'
import type { settingsContracts } from '../../shared/api/settings'
import { VERSION } from '../../version'
import { ok, type HandlersOf } from '../handler-kit'

// Handlers of the system settings and the backup service (contracts in
// src-main/shared/api/settings.ts). A restore goes through the host: it closes the core, swaps the
// database (backing up the current one first) and opens a fresh core.

const size = (file: string) => {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

export const settingsHandlers: HandlersOf<typeof settingsContracts> = {
  'settings.company': (_i, { host }) => host.core.settings.company(),
  'settings.get': (_i, { host }) => {
    const core = host.core
    return { company: core.settings.company(), backup: core.settings.backup(), access: core.settings.access(), about: { version: VERSION, dataDir: core.dataDir, databaseSize: size(join(core.dataDir, DB_FILE)) } }
  },
  'settings.updateCompany': (input, { host }) => {
    // The logo must be a file this data folder holds (uploaded with attachments.upload).
    if (input.logo) {
      try {
        host.core.attachments.get(input.logo.hash)
      } catch (e) {
        if (e instanceof NotFoundError) throw new ValidationError('settings.error.logoMissing', {}, 'logo')
        throw e
      }
    }
    return host.core.settings.setCompany(input)
  },
  'settings.updateAccess': (input, { host }) => host.core.settings.setAccess(input),
  'settings.updateBackup': (input, { host }) => {
    if (input.copyTo) checkFolder(input.copyTo)
    const next = host.core.settings.setBackup(input)
    host.core.backupService.reschedule()
    return next
  },
  'backups.overview': (_i, { host }) => host.core.backupService.list(),
  'backups.status': (_i, { host }) => host.core.backupService.status(),
  'backups.run': (_i, { host }) => host.core.backupService.run('manual'),
  'backups.preview': (input, { host }) => {
    if ('file' in input) return host.core.backupService.preview(input.file)
    return host.core.backupService.previewFile(input.path)
  },
  'backups.restoreFrom': async (input, { host }) => {
    const file = 'file' in input ? input.file : host.core.backupService.stageFile(input.path)
    await host.restore(file)
    return ok
  },
  'backups.exportArchive': (input, { host }) => exportArchive(host.core.db, host.core.dataDir, input.folder, host.core.clock.now()),
  'setup.importArchive': async (input, { host }) => {
    // Only on the first-run screen: once anyone can sign in, a restore is the administrator's.
    if (!host.core.auth.needsSetup()) throw new ConflictError('backup.error.notFirstRun')
    let data: Buffer
    let label: string
    if ('path' in input) {
      if (!isAbsolute(input.path)) throw new ValidationError('backup.error.noFile', { path: input.path }, 'path')
      try {
        data = readFileSync(input.path)
      } catch {
        throw new ValidationError('backup.error.noFile', { path: input.path }, 'path')
      }
      label = basename(input.path)
    } else {
      data = Buffer.from(input.data, 'base64')
      label = 'archive.zip'
    }
    const service = host.core.backupService
    const { file, users, forms } = await unpackArchive(data, label, host.core.dataDir, (write) => service.stage(write))
    await host.restore(file)
    return { users, forms }
  }
}
