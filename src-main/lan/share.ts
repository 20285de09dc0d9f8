import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { hostname } from 'node:os'
import QRCode from 'qrcode'
import type { Dispatcher } from '../api/dispatcher'
import type { CoreHost } from '../api/host'
import { createHttpServer } from '../api/http'
import { ConflictError } from '../shared/errors'
import { lanAddresses, localName } from './addresses'
import { loadOrCreateOfficeCa, serverMaterial, type ServerMaterial } from './ca'
import { createCertPageServer } from './cert-page'
import { LanDevices, type ConnectedView, type DeviceView } from './devices'
import { LanGate } from './gate'
import { advertise, type Advertisement, type MdnsOptions } from './mdns'

// The share switch (设置 → 局域网共享). On: the core is served on the LAN over HTTPS with the
// office CA's server certificate, the plain-HTTP certificate page beside it, and an mDNS
// announcement; the choice is remembered (system_settings 'lan') and resumed at the next start.
// Off: both servers close with their open connections, the announcement is withdrawn and every
// session signed in over the LAN ends — at once, before the call answers.
//
// In the desktop app the shell owns one LanShare; in serve mode serve.ts does. A server started
// from the command line on a LAN address (`serve --host 0.0.0.0`) is itself the LAN server: the
// share is then `fixed` (on, and not switched off from the app).

export const DEFAULT_PORT = 5171
export const DEFAULT_HELP_PORT = 5172
const SETTINGS_KEY = 'lan'
/** How often the addresses are compared with the certificate (a changed DHCP lease). */
const ADDRESS_CHECK_MS = 30_000

export interface LanSettings {
  sharing: boolean
}

export interface LanShareOptions {
  host: CoreHost
  dispatcher: Dispatcher
  rendererDir: string | null
  dataDir: string
  /** Interface to listen on: all by default; tests use 127.0.0.1. */
  bind?: string
  port?: number
  helpPort?: number
  /** mDNS socket options; false: do not announce (tests without multicast). */
  mdns?: MdnsOptions | false
  /** Addresses to certify and show; this PC's LAN addresses by default. */
  addresses?: () => string[]
  /** Pairing calls per client address per minute (gate.ts PAIR_PER_MINUTE by default). */
  pairPerMinute?: number
}

export interface LanStatus {
  sharing: boolean
  fixed: boolean
  /** The HTTPS addresses colleagues open. */
  urls: string[]
  /** The plain-HTTP certificate page (what the QR code opens). */
  helpUrl: string | null
  qrSvg: string | null
  fingerprint: string | null
  connected: ConnectedView[]
  devices: DeviceView[]
}

export function readLanSettings(host: CoreHost): LanSettings {
  const raw = host.core.db.prepare('SELECT value FROM system_settings WHERE key = ?').pluck().get(SETTINGS_KEY) as string | undefined
  const value = raw ? (JSON.parse(raw) as Partial<LanSettings>) : {}
  return { sharing: value.sharing === true }
}

/** The remembered choice; a change made by an administrator is in the audit trail with it. */
function writeLanSettings(host: CoreHost, value: LanSettings, actorId?: number | null): void {
  const { db, audit } = host.core
  db.transaction(() => {
    const before = readLanSettings(host).sharing
    db.prepare('INSERT INTO system_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(SETTINGS_KEY, JSON.stringify(value))
    if (actorId !== undefined && before !== value.sharing) audit.append({ op: 'lan.sharing', actorId, changes: { sharing: [before, value.sharing] } })
  })()
}

const listen = (server: Server, port: number, bind: string | undefined) => new Promise<number>((resolve, reject) => {
  server.once('error', reject)
  server.listen(port, bind, () => {
    server.off('error', reject)
    resolve((server.address() as AddressInfo).port)
  })
})

const close = (server: Server) => new Promise<void>((resolve) => {
  server.close(() => resolve())
  server.closeAllConnections()
})

export function officeName(host: CoreHost): string {
  return host.core.settings.company().name || hostname()
}

/** How the host is listed to colleagues' PCs (mDNS) and named to one that typed its address. */
export function advertName(host: CoreHost): string {
  return `${officeName(host)} (${hostname()})`
}

export class LanShare {
  private server: Server | null = null
  private help: Server | null = null
  private advert: Advertisement | null = null
  private timer: NodeJS.Timeout | null = null
  private material: ServerMaterial | null = null
  private ports = { app: 0, help: 0 }
  private fixedUrls: string[] | null = null
  private busy: Promise<unknown> = Promise.resolve()

  constructor(private readonly options: LanShareOptions) {}

  /** Where colleagues reach this PC: the one address listened on, or every LAN address. */
  private get addresses(): string[] {
    const { bind, addresses } = this.options
    if (addresses) return addresses()
    return bind && bind !== '0.0.0.0' && bind !== '::' ? [bind] : lanAddresses()
  }

  get running(): boolean {
    return this.server !== null || this.fixedUrls !== null
  }

  /** The port the HTTPS server listens on (once started). */
  get port(): number {
    return this.ports.app
  }

  get helpPort(): number {
    return this.ports.help
  }

  /**
   * Serve mode on a LAN address: the command line's server is the LAN server. It is given the
   * office certificate and the gate from here when sharing was set up once (see serve.ts).
   */
  async fixedMaterial(publicHosts: string[]): Promise<{ material: ServerMaterial; gate: LanGate }> {
    const material = await this.issue(publicHosts)
    return { material, gate: new LanGate({ host: this.options.host, ca: { certPem: material.ca, fingerprint: material.caFingerprint }, officeName: () => advertName(this.options.host) }) }
  }

  markFixed(urls: string[], port: number): void {
    this.fixedUrls = urls
    this.ports.app = port
  }

  private async issue(extraNames: string[] = []): Promise<ServerMaterial> {
    const { host, dataDir } = this.options
    return serverMaterial(dataDir, officeName(host), { names: [localName(), ...extraNames], ips: this.addresses })
  }

  /** Start at the next launch when sharing was on before. */
  async resume(): Promise<void> {
    if (readLanSettings(this.options.host).sharing) await this.setSharing(true)
  }

  /** Turn sharing on or off; serialized, so a double click cannot start two servers. */
  setSharing(on: boolean, actorId?: number | null): Promise<void> {
    const next = this.busy.then(() => (on ? this.start(actorId) : this.stop(actorId)))
    this.busy = next.catch(() => undefined)
    return next
  }

  private async start(actorId?: number | null): Promise<void> {
    if (this.fixedUrls) return
    if (this.server) return writeLanSettings(this.options.host, { sharing: true }, actorId)
    const { host, dispatcher, rendererDir, bind } = this.options
    this.material = await this.issue()
    const gate = new LanGate({ host, ca: { certPem: this.material.ca, fingerprint: this.material.caFingerprint }, pairPerMinute: this.options.pairPerMinute, officeName: () => advertName(host) })
    const server = createHttpServer({ dispatcher, host, rendererDir, tls: this.material, publicHosts: [localName()], lan: gate })
    const help = createCertPageServer({ caPem: this.material.ca, fingerprint: this.material.caFingerprint, officeName: officeName(host), appUrls: () => this.urls(), publicHosts: [localName()] })
    const wanted = { app: this.options.port ?? DEFAULT_PORT, help: this.options.helpPort ?? DEFAULT_HELP_PORT }
    try {
      this.ports.app = await listen(server, wanted.app, bind)
    } catch {
      throw new ConflictError('lan.error.portInUse', { port: wanted.app })
    }
    try {
      this.ports.help = await listen(help, wanted.help, bind)
    } catch {
      await close(server)
      throw new ConflictError('lan.error.portInUse', { port: wanted.help })
    }
    this.server = server
    this.help = help
    if (this.options.mdns !== false) {
      this.advert = advertise({ name: advertName(host), port: this.ports.app, helpPort: this.ports.help, fingerprint: this.material.caFingerprint }, this.options.mdns,
        (e: unknown) => console.error('mDNS announcement failed', e))
    }
    this.timer = setInterval(() => void this.recertify(), ADDRESS_CHECK_MS)
    this.timer.unref()
    writeLanSettings(host, { sharing: true }, actorId)
  }

  /** A changed address gets a new server certificate without dropping anyone (clients trust the CA). */
  async recertify(): Promise<void> {
    if (!this.server || !this.material) return
    const fresh = await this.issue()
    if (fresh.cert === this.material.cert) return
    this.material = fresh
    ;(this.server as unknown as { setSecureContext(o: { key: string; cert: string }): void }).setSecureContext({ key: fresh.key, cert: fresh.cert })
  }

  private async stop(actorId?: number | null): Promise<void> {
    if (this.fixedUrls) throw new ConflictError('lan.error.fixedByCommand')
    const { host } = this.options
    writeLanSettings(host, { sharing: false }, actorId)
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    const closing = [this.server, this.help].filter((s): s is Server => s !== null).map(close)
    this.server = null
    this.help = null
    const advert = this.advert
    this.advert = null
    new LanDevices(host.core.db, host.core.clock).dropSessions()
    await Promise.all([...closing, advert?.stop()])
  }

  /** Stop serving without changing the remembered choice (the app is quitting). */
  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    await Promise.all([this.server, this.help].filter((s): s is Server => s !== null).map(close))
    await this.advert?.stop()
    this.server = this.help = this.advert = null
  }

  urls(): string[] {
    if (this.fixedUrls) return this.fixedUrls
    if (!this.server) return []
    const list = this.addresses.map((a) => `https://${a}:${this.ports.app}`)
    list.push(`https://${localName()}:${this.ports.app}`)
    return list
  }

  async status(): Promise<LanStatus> {
    const { host, dataDir } = this.options
    const devices = new LanDevices(host.core.db, host.core.clock)
    const helpUrl = this.help ? `http://${this.addresses[0] ?? '127.0.0.1'}:${this.ports.help}/` : null
    const ca = this.running ? await loadOrCreateOfficeCa(dataDir, officeName(host)) : null
    return {
      sharing: this.running,
      fixed: this.fixedUrls !== null,
      urls: this.urls(),
      helpUrl,
      qrSvg: helpUrl ? await QRCode.toString(helpUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) : null,
      fingerprint: ca?.fingerprint ?? null,
      connected: devices.connected(),
      devices: devices.list()
    }
  }
}
