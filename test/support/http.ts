import { mkdtempSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../../src-main/clock'
import { Dispatcher } from '../../src-main/api/dispatcher'
import { CoreHost } from '../../src-main/api/host'
import { createHttpServer } from '../../src-main/api/http'
import { TEST_PASSWORD_COST } from './core'

/** A real core on a fresh data directory behind the real HTTP transport, on a free loopback port. */
export async function servedCore(options: { clock?: Clock; prefix?: string } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), options.prefix ?? 'jimu-http-'))
  const host = await CoreHost.open({ dataDir, clock: options.clock, passwordCost: TEST_PASSWORD_COST })
  const server: Server = createHttpServer({ dispatcher: new Dispatcher(host, () => {}), host, rendererDir: null })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    host,
    base,
    dataDir,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()))
      host.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
