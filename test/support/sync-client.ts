import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { SyncClient, type SyncTransport } from '../../src-main/sync/client'
import { httpTransport, login } from './sync-procs'

// A laptop as its own process (issue 18's multi-process test): signs in to the host over HTTP as a
// user, keeps its replica in a file, syncs, makes offline edits (a JSON list) and syncs again.
//
//   node --import tsx test/support/sync-client.ts --replica <file> --url http://127.0.0.1:<port>
//     --login zhangwei --password demo12345 --device laptop-1 [--edits <file.json>] [--hold-after <n>]
//
// Edits: [{ kind: 'update', form: <apiKey>, record: <id>, values: {...} } | { kind: 'create', form,
// values } | { kind: 'delete', form, record }], written through the offline write into the outbox.
// A restart passes no edits: what is left in the outbox is pushed. It prints, one line each:
//   `pulled <cursor>` after the first sync, `edited <n>`, `push-sent <batch> <ops>` before each push
//   request, `push-answered <batch>` when its answer is back (before the replica stores it),
//   `synced <cursor> <pending>` at the end.
// --hold-after <n>: once push request n is answered, print `holding` and wait without storing the
// answer — the test SIGKILLs the process there (the host applied the batch, the laptop never knew).

interface Edit { kind: 'update' | 'create' | 'delete'; form: string; record?: number; values?: Record<string, unknown> }

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      replica: { type: 'string' }, url: { type: 'string' }, login: { type: 'string' }, password: { type: 'string' },
      device: { type: 'string' }, edits: { type: 'string' }, 'hold-after': { type: 'string' }
    }
  })
  if (!args.replica || !args.url || !args.login || !args.password || !args.device) throw new Error('usage: sync-client.ts --replica <file> --url <host> --login <l> --password <p> --device <name> [--edits <file>] [--hold-after <n>]')
  const holdAfter = args['hold-after'] ? Number(args['hold-after']) : null
  const { token, userId } = await login(args.url, args.login, args.password)
  const http = httpTransport(args.url, token)
  let batch = 0
  const transport: SyncTransport = {
    pull: http.pull,
    push: async (input) => {
      const n = ++batch
      process.stdout.write(`push-sent ${n} ${input.ops.length}\n`)
      const answer = await http.push(input)
      process.stdout.write(`push-answered ${n}\n`)
      if (n === holdAfter) {
        process.stdout.write('holding\n')
        await new Promise(() => {})
      }
      return answer
    }
  }
  const db = SyncClient.openReplica(args.replica)
  const client = new SyncClient(db, transport, { device: args.device, userId, now: () => Date.now() })
  await client.sync()
  process.stdout.write(`pulled ${client.cursor}\n`)
  if (args.edits) {
    const edits = JSON.parse(readFileSync(args.edits, 'utf8')) as Edit[]
    for (const e of edits) {
      if (e.kind === 'create') client.create(e.form, e.values ?? {})
      else if (e.kind === 'update') client.update(e.form, e.record!, e.values ?? {})
      else client.remove(e.form, e.record!)
    }
    process.stdout.write(`edited ${edits.length}\n`)
    await client.sync()
  }
  process.stdout.write(`synced ${client.cursor} ${client.pending()}\n`)
  db.close()
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exit(1)
})
