import { Bonjour, type Service } from 'bonjour-service'

// DNS-SD over multicast DNS (bonjour-service, pure JS): the host announces itself as
// _jimu-crm._tcp with its office name, HTTPS port, certificate-page port and the office CA's
// fingerprint in TXT; a desktop client browses for that type to list hosts on first run. The
// fingerprint in TXT is only a hint for the list (anyone on the LAN can announce anything):
// trust comes from pairing, never from an announcement.

export const SERVICE_TYPE = 'jimu-crm'

export interface HostAdvert {
  /** Shown in the client's list: the office (company) name and this PC's name. */
  name: string
  port: number
  helpPort: number
  fingerprint: string
}

export interface FoundHost {
  name: string
  /** The announced `.local` host name. */
  host: string
  addresses: string[]
  port: number
  helpPort: number | null
  fingerprint: string | null
}

/** Options for the multicast socket (multicast-dns): tests bind to loopback. */
export type MdnsOptions = ConstructorParameters<typeof Bonjour>[0]

const compactFingerprint = (fp: string) => fp.replace(/:/g, '').toLowerCase()

export interface Advertisement {
  stop(): Promise<void>
}

export function advertise(advert: HostAdvert, options?: MdnsOptions, onError?: (e: unknown) => void): Advertisement {
  const bonjour = new Bonjour(options, onError)
  bonjour.publish({
    name: advert.name.slice(0, 63),
    type: SERVICE_TYPE,
    port: advert.port,
    txt: { v: '1', fp: compactFingerprint(advert.fingerprint), help: String(advert.helpPort) },
    disableIPv6: true
  })
  return {
    stop: () => new Promise<void>((done) => bonjour.unpublishAll(() => bonjour.destroy(() => done())))
  }
}

export function toFoundHost(service: Service): FoundHost {
  const txt = (service.txt ?? {}) as Record<string, unknown>
  const fp = typeof txt.fp === 'string' && /^[0-9a-f]{64}$/.test(txt.fp) ? txt.fp.toUpperCase().match(/../g)!.join(':') : null
  const help = Number(txt.help)
  return {
    name: service.name,
    host: service.host,
    addresses: (service.addresses ?? []).filter((a) => !a.includes(':')),
    port: service.port,
    helpPort: Number.isInteger(help) && help > 0 && help < 65536 ? help : null,
    fingerprint: fp
  }
}

export interface Browsing {
  hosts(): FoundHost[]
  /** Query the network again (answers update the list through `onChange`). */
  refresh(): void
  stop(): Promise<void>
}

/** Browse for hosts; `onChange` gets the whole list each time a host appears or leaves. */
export function browse(onChange: (hosts: FoundHost[]) => void, options?: MdnsOptions, onError?: (e: unknown) => void): Browsing {
  const bonjour = new Bonjour(options, onError)
  const browser = bonjour.find({ type: SERVICE_TYPE })
  const list = () => browser.services.map(toFoundHost)
  browser.on('up', () => onChange(list()))
  browser.on('down', () => onChange(list()))
  return {
    hosts: list,
    refresh: () => {
      browser.expire()
      browser.update()
    },
    stop: () => new Promise<void>((done) => {
      browser.stop()
      bonjour.destroy(() => done())
    })
  }
}
