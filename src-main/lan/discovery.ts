import type { HostChoice } from '../shared/office'
import { browse, type Browsing, type FoundHost, type MdnsOptions } from './mdns'

// The live list of hosts on the office network for 连接到办公室的电脑: what mDNS finds
// (_jimu-crm._tcp, mdns.ts), as rows the window shows — the host's name, the address pairing
// will use, and the fingerprint hint from its announcement (only a hint: trust comes from the
// pairing code). Hosts that announce leaving, or whose announcement runs out, drop off the list;
// `refresh()` asks the network again (the list's 刷新 button, and every REFRESH_MS while open).

export type { HostChoice }

export const REFRESH_MS = 10_000

export function choicesOf(found: readonly FoundHost[]): HostChoice[] {
  const seen = new Set<string>()
  const rows: HostChoice[] = []
  for (const h of found) {
    const target = h.addresses[0] ?? h.host.replace(/\.$/, '')
    if (!target || !h.port) continue
    const address = `${target}:${h.port}`
    if (seen.has(address)) continue
    seen.add(address)
    rows.push({ key: `${h.name}|${address}`, name: h.name, address, host: h.host.replace(/\.$/, ''), fingerprint: h.fingerprint })
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || a.address.localeCompare(b.address))
}

export interface DiscoveryOptions {
  mdns?: MdnsOptions
  onChange: (hosts: HostChoice[]) => void
  /** Browsing needs a multicast socket; a failure is reported once and the list stays as it is. */
  onError?: (e: unknown) => void
  refreshMs?: number
}

export class HostDiscovery {
  private browsing: Browsing | null = null
  private timer: NodeJS.Timeout | null = null
  private last: HostChoice[] = []

  constructor(private readonly options: DiscoveryOptions) {}

  get running(): boolean {
    return this.browsing !== null
  }

  hosts(): HostChoice[] {
    return this.last
  }

  start(): HostChoice[] {
    if (this.browsing) return this.last
    let reported = false
    this.browsing = browse((found) => this.update(found), this.options.mdns, (e) => {
      if (reported) return
      reported = true
      this.options.onError?.(e)
    })
    this.timer = setInterval(() => this.refresh(), this.options.refreshMs ?? REFRESH_MS)
    this.timer.unref()
    return this.last
  }

  private update(found: FoundHost[]): void {
    const next = choicesOf(found)
    if (JSON.stringify(next) === JSON.stringify(this.last)) return
    this.last = next
    this.options.onChange(next)
  }

  /** Ask the network again; also drops hosts whose announcement expired. */
  refresh(): HostChoice[] {
    this.browsing?.refresh()
    if (this.browsing) this.update(this.browsing.hosts())
    return this.last
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    const b = this.browsing
    this.browsing = null
    this.last = []
    await b?.stop()
  }
}
