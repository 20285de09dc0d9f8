import { X509Certificate } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { generate } from 'selfsigned'

// Serving beyond this PC uses HTTPS with a self-signed certificate made once per data directory
// (selfsigned: a maintained generator; Node has no API to create X.509 certificates). Colleagues
// confirm the fingerprint the server prints before trusting it in their browser. Names given
// with --public-host go into the certificate too; a certificate that lacks one is made anew.

export interface TlsMaterial {
  key: string
  cert: string
  fingerprint: string
}

export async function loadOrCreateCertificate(dataDir: string, names: string[] = []): Promise<TlsMaterial> {
  const dir = join(dataDir, 'tls')
  const keyFile = join(dir, 'key.pem')
  const certFile = join(dir, 'cert.pem')
  const dnsNames = names.filter((n) => !n.startsWith('['))
  const covers = () => {
    const alt = new X509Certificate(readFileSync(certFile, 'utf8')).subjectAltName ?? ''
    return dnsNames.every((n) => alt.split(', ').includes(`DNS:${n}`))
  }
  if (!existsSync(keyFile) || !existsSync(certFile) || !covers()) {
    mkdirSync(dir, { recursive: true })
    const addresses = Object.values(networkInterfaces()).flat().filter((a) => a && !a.internal).map((a) => a!.address)
    const now = new Date()
    const pems = await generate([{ name: 'commonName', value: 'Jimu CRM' }, { name: 'organizationName', value: '积木 CRM' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: now,
      notAfterDate: new Date(now.getTime() + 10 * 365 * 86_400_000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, ...dnsNames.map((value) => ({ type: 2 as const, value })), { type: 7, ip: '127.0.0.1' }, ...addresses.map((ip) => ({ type: 7 as const, ip }))] }
      ]
    })
    writeFileSync(keyFile, pems.private, { mode: 0o600 })
    writeFileSync(certFile, pems.cert)
  }
  const cert = readFileSync(certFile, 'utf8')
  return { key: readFileSync(keyFile, 'utf8'), cert, fingerprint: new X509Certificate(cert).fingerprint256 }
}
