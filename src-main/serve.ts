import { dirname, resolve } from 'node:path'
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { networkInterfaces } from 'node:os'
import { CoreHost } from './api/host'
import { Dispatcher } from './api/dispatcher'
import { createHttpServer } from './api/http'
import { loadOrCreateCertificate } from './api/tls'
import { OffsetClock } from './jobs/offset-clock'
import { lockDataDirOrExit } from './desktop/data-lock'
import { hasOfficeCa } from './lan/ca'
import { LanShare } from './lan/share'

// Headless entry: the same core and API as the desktop app, over HTTP on loopback, serving the
// built renderer. Used for browser/LAN access and for end-to-end tests.
//   node out/main/serve.js --data <dir> [--port 5170] [--admin <login> --password <pw>]
//   node out/main/serve.js --data <dir> --host 0.0.0.0   (LAN: HTTPS with a self-signed certificate)
//   node out/main/serve.js --data <dir> --public-host crm.office.lan   (also answer to that name; repeatable
//     or comma-separated. Requests naming any other host are refused: see api/http.ts)
//   node out/main/serve.js --data <dir> --now 2024-03-05T09:00:00+08:00   (demos/tests: start the clock
//     there; an administrator may then move it forward with clock.advance)

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      port: { type: 'string', default: '5170' },
      host: { type: 'string', default: '127.0.0.1' },
      admin: { type: 'string' },
      password: { type: 'string' },
      renderer: { type: 'string' },
      now: { type: 'string' },
      'public-host': { type: 'string', multiple: true }
    }
  })
  if (!values.data) {
    console.error('Usage: serve --data <dir> [--port <n>] [--host <address>] [--public-host <name>] [--admin <login> --password <pw>]')
    process.exit(2)
  }
  const lan = !LOOPBACK.has(values.host!)
  const dataDir = resolve(values.data)
  lockDataDirOrExit(dataDir, 'serve')
  const start = values.now === undefined ? null : Date.parse(values.now)
  if (start !== null && Number.isNaN(start)) {
    console.error(`--now needs an ISO time, e.g. 2024-03-05T09:00:00+08:00 (got ${values.now})`)
    process.exit(2)
  }
  const host = await CoreHost.open({ dataDir, clock: start === null ? undefined : new OffsetClock(start) })
  if (values.admin) {
    if (!values.password || values.password.length < 8) {
      console.error('--admin needs --password of at least 8 characters')
      process.exit(2)
    }
    if (host.core.auth.needsSetup()) await host.core.auth.setup({ name: values.admin, login: values.admin, password: values.password })
    else console.error('--admin ignored: this data directory already has users')
  }
  if (lan && host.core.auth.needsSetup()) {
    // Otherwise the first colleague to open the page would become the administrator.
    console.error(`Refusing --host ${values.host}: create the administrator first (--admin <login> --password <pw>, or run once on 127.0.0.1).`)
    process.exit(2)
  }
  const rendererDir = values.renderer ?? [resolve(dirname(process.argv[1] ?? '.'), '../renderer'), resolve('out/renderer')].find((d) => existsSync(resolve(d, 'index.html'))) ?? null
  const dispatcher = new Dispatcher(host)
  const publicHosts = (values['public-host'] ?? []).flatMap((h) => h.split(',')).map((h) => h.trim().toLowerCase()).filter(Boolean)
  const badHost = publicHosts.find((h) => !/^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/.test(h))
  if (badHost) {
    console.error(`--public-host takes a host name without scheme or port, e.g. crm.office.lan (got ${badHost})`)
    process.exit(2)
  }
  // The office network (src-main/lan): on a LAN address with sharing set up once, this server is
  // the LAN server and uses the office CA's certificate and the pairing gate; on loopback the
  // share switch (设置 → 局域网共享) starts a LAN server beside it, as in the desktop app.
  // JIMU_LAN_PORT / JIMU_LAN_HELP_PORT (0: any free port), JIMU_LAN_BIND, JIMU_LAN_MDNS=off: a
  // second server on one PC, and end-to-end tests that must not take the office ports or multicast.
  const env = process.env
  const share = new LanShare({
    host, dispatcher, rendererDir, dataDir, bind: env.JIMU_LAN_BIND || undefined,
    port: env.JIMU_LAN_PORT ? Number(env.JIMU_LAN_PORT) : undefined, helpPort: env.JIMU_LAN_HELP_PORT ? Number(env.JIMU_LAN_HELP_PORT) : undefined,
    mdns: env.JIMU_LAN_MDNS === 'off' ? false : undefined
  })
  host.lan = share
  const office = lan && hasOfficeCa(dataDir) ? await share.fixedMaterial(publicHosts) : null
  const tls = office ? office.material : lan ? await loadOrCreateCertificate(dataDir, publicHosts) : undefined
  const server = createHttpServer({ dispatcher, host, rendererDir, tls, publicHosts, lan: office?.gate })
  if (!lan) await share.resume().catch((e: unknown) => console.error('Office network sharing could not resume', e))
  server.listen(Number(values.port), values.host === 'localhost' ? '127.0.0.1' : values.host, () => {
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : values.port
    if (!tls) {
      console.log(`Jimu CRM serving at http://127.0.0.1:${port}`)
      return
    }
    // On the LAN: HTTPS only, login required for every API call, login attempts rate-limited.
    const urls = Object.values(networkInterfaces()).flat().filter((a) => a && a.family === 'IPv4' && !a.internal).map((a) => `https://${a!.address}:${port}`)
    urls.push(...publicHosts.map((h) => `https://${h}:${port}`))
    console.log(`Jimu CRM serving at ${urls.join(', ') || `https://${values.host}:${port}`}`)
    if (office) share.markFixed(urls, Number(port))
    console.log(office ? `Office CA fingerprint (SHA-256): ${office.material.caFingerprint}` : `Certificate fingerprint (SHA-256), confirm it in the browser: ${'fingerprint' in tls ? tls.fingerprint : ''}`)
  })
  // The background scheduler (rules, flow deadlines, email, webhooks) runs in serve mode too.
  void host.core.scheduler.start()
  const stop = () => {
    void share.shutdown()
    server.close()
    host.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
