import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { Core, restoreBackup } from './core'
import { DataDirLockedError, lockDataDir } from './desktop/data-lock'
import { pickLocale, translate } from './shared/locales'

// Maintenance commands for a data directory (src-main/cli.ts runs them):
//   node out/main/cli.js backups --data <dir>
//   node out/main/cli.js backup  --data <dir>
//   node out/main/cli.js restore --data <dir> --file <backup file name>
// Each takes the data folder's lock first (src-main/desktop/data-lock.ts), like the desktop app
// and serve mode: a restore never swaps the database under a running app, and the app does not
// start on a folder being restored.

export interface CliOutput {
  log(line: string): void
  error(line: string): void
}

/** Run one command; answers the process exit status (0 done, 1 failed or folder in use, 2 usage). */
export async function runCli(args: string[], out: CliOutput = console): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { data: { type: 'string' }, file: { type: 'string' } } })
  const command = positionals[0]
  if (!values.data || !['backups', 'backup', 'restore'].includes(command ?? '')) {
    out.error('Usage: cli <backups|backup|restore> --data <dir> [--file <backup>]')
    return 2
  }
  if (command === 'restore' && !values.file) {
    out.error('restore needs --file <backup file name> (see `cli backups`)')
    return 2
  }
  const dataDir = resolve(values.data)
  let lock
  try {
    lock = lockDataDir(dataDir, { app: 'cli' })
  } catch (e) {
    if (!(e instanceof DataDirLockedError)) throw e
    out.error(translate(pickLocale(process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG), e.messageKey, e.params))
    return 1
  }
  try {
    if (command === 'restore') {
      await restoreBackup(dataDir, values.file!)
      // Opened once as the restore's own open: a backup from before the audit key gets its chain anchored.
      ;(await Core.open({ dataDir, adoptUnkeyedAudit: true })).close()
      out.log(`Restored ${values.file}. The previous database was backed up first.`)
      return 0
    }
    const core = await Core.open({ dataDir })
    try {
      if (command === 'backup') out.log(`Created ${(await core.backup('manual')).file}`)
      for (const b of core.backups()) out.log(`${b.file}\t${b.size} bytes`)
    } finally {
      core.close()
    }
    return 0
  } finally {
    lock.release()
  }
}
