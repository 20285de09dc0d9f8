import { runCli } from './cli-run'

// Backup and restore from the command line (see cli-run.ts for the commands). It takes the data
// folder's lock, so it never runs on a folder the desktop app or serve mode has open.

runCli(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e)
    process.exit(1)
  }
)
