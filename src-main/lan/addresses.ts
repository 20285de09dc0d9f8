import { hostname, networkInterfaces } from 'node:os'

// Where this PC is on the LAN: its IPv4 interface addresses (not loopback, not link-local) and
// its mDNS name. Read again whenever sharing starts or the certificate is checked, so a new DHCP
// address is picked up.

export function lanAddresses(): string[] {
  return Object.values(networkInterfaces()).flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.'))
    .map((a) => a!.address)
}

/** This PC's `.local` name as mDNS announces it (letters, digits and hyphens). */
export function localName(): string {
  const base = hostname().toLowerCase().replace(/\.local$/, '').replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'jimu-crm'
  return `${base}.local`
}
