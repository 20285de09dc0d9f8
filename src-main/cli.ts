import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { Core, restoreBackup } from './core'

// Maintenance commands for a data directory (the app must not be running on it):
//   node out/main/cli.js backups --data <dir>
//   node out/main/cli.js backup  --data <dir>
//   node out/main/cli.js restore --data <dir> --file <backup file name>

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { data: { type: 'string' }, file: { type: 'string' } } })
  const command = positionals[0]
  if (!values.data || !['backups', 'backup', 'restore'].includes(command ?? '')) {
    console.error('Usage: cli <backups|backup|restore> --data <dir> [--file <backup>]')
    process.exit(2)
  }
  const dataDir = resolve(values.data)
  if (command === 'restore') {
    if (!values.file) {
      console.error('restore needs --file <backup file name> (see `cli backups`)')
      process.exit(2)
    }
    await restoreBackup(dataDir, values.file)
    // Opened once as the restore's own open: a backup from before the audit key gets its chain anchored.
    ;(await Core.open({ dataDir, adoptUnkeyedAudit: true })).close()
    console.log(`Restored ${values.file}. The previous database was backed up first.`)
    return
  }
  const core = await Core.open({ dataDir })
  try {
    if (command === 'backup') console.log(`Created ${(await core.backup('manual')).file}`)
    for (const b of core.backups()) console.log(`${b.file}\t${b.size} bytes`)
  } finally {
    core.close()
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
