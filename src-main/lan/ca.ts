import { X509Certificate as NodeCertificate, createPrivateKey, webcrypto } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as x509 from '@peculiar/x509'

// The office certificate authority. On first share the host makes a private CA for this office
// (ECDSA P-256, ten years); its key lives in <dataDir>/keys/ (folder 0700, key 0600) beside the
// audit key and goes into the data-folder archive, so a restored or moved host keeps the trust
// every paired PC and phone already placed in it. The CA signs one server certificate for the
// host's LAN addresses, loopback and its `.local` name; when those change (new DHCP address,
// renamed PC) the server certificate is issued again — clients trust the CA, not the leaf, so
// nobody re-pairs. Leaves live 397 days (Apple refuses longer ones even under a user-added CA)
// and are renewed a month before they end.

x509.cryptoProvider.set(webcrypto as never)

type Key = webcrypto.CryptoKey
type KeyPair = webcrypto.CryptoKeyPair

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const
const DAY = 86_400_000
const CA_DAYS = 3650
const LEAF_DAYS = 397
const RENEW_DAYS = 30

export const CA_KEY_FILE = 'office-ca.key'
export const CA_CERT_FILE = 'office-ca.pem'
const LEAF_KEY_FILE = 'office-server.key'
const LEAF_CERT_FILE = 'office-server.pem'

export interface OfficeCa {
  /** The CA certificate, PEM. */
  certPem: string
  /** SHA-256 over the CA certificate's DER, upper-case hex pairs joined by ':' (as browsers and phones show it). */
  fingerprint: string
}

export interface ServerMaterial {
  key: string
  cert: string
  /** The CA certificate, PEM, sent along as the chain. */
  ca: string
  caFingerprint: string
  /** The names and addresses the server certificate covers. */
  names: string[]
  ips: string[]
}

export const keysDir = (dataDir: string): string => join(dataDir, 'keys')

/** Whether this data folder has an office CA (sharing was set up once). */
export function hasOfficeCa(dataDir: string): boolean {
  return existsSync(join(keysDir(dataDir), CA_KEY_FILE)) && existsSync(join(keysDir(dataDir), CA_CERT_FILE))
}

export function fingerprintOf(pem: string): string {
  return new NodeCertificate(pem).fingerprint256
}

function writeSecret(file: string, text: string, mode: number): void {
  writeFileSync(`${file}.tmp`, text, { mode })
  renameSync(`${file}.tmp`, file)
}

function ensureKeysDir(dataDir: string): string {
  const dir = keysDir(dataDir)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  chmodSync(dir, 0o700)
  return dir
}

async function exportKey(key: Key): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key))
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString()
}

async function importKey(pem: string): Promise<Key> {
  const der = createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' })
  return webcrypto.subtle.importKey('pkcs8', der, ALG, false, ['sign'])
}

/** The office CA of this data folder, made on first use. */
export async function loadOrCreateOfficeCa(dataDir: string, officeName: string, now = Date.now()): Promise<OfficeCa> {
  const dir = ensureKeysDir(dataDir)
  const keyFile = join(dir, CA_KEY_FILE)
  const certFile = join(dir, CA_CERT_FILE)
  if (!hasOfficeCa(dataDir)) {
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as KeyPair
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: [{ CN: [`${officeName} 办公室证书 (Jimu CRM Office CA)`] }, { O: ['Jimu CRM'] }],
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + CA_DAYS * DAY),
      keys: keys as never,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never)
      ]
    })
    // The key first: a certificate without its key would look like a finished CA.
    writeSecret(keyFile, await exportKey(keys.privateKey), 0o600)
    writeSecret(certFile, cert.toString('pem'), 0o644)
  }
  const certPem = readFileSync(certFile, 'utf8')
  return { certPem, fingerprint: fingerprintOf(certPem) }
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16))
  bytes[0] = bytes[0]! & 0x7f
  return Buffer.from(bytes).toString('hex')
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x))

function covered(certPem: string): { names: string[]; ips: string[] } {
  const alt = new NodeCertificate(certPem).subjectAltName ?? ''
  const names: string[] = []
  const ips: string[] = []
  for (const part of alt.split(', ')) {
    if (part.startsWith('DNS:')) names.push(part.slice(4).toLowerCase())
    else if (part.startsWith('IP Address:')) ips.push(part.slice(11).toLowerCase())
  }
  return { names, ips }
}

/**
 * The server certificate for these names and addresses, signed by the office CA: the one on disk
 * when it covers exactly them, was signed by this CA and has more than a month left; otherwise a
 * new one (new key too) replaces it.
 */
export async function serverMaterial(dataDir: string, officeName: string, wanted: { names: string[]; ips: string[] }, now = Date.now()): Promise<ServerMaterial> {
  const ca = await loadOrCreateOfficeCa(dataDir, officeName, now)
  const dir = keysDir(dataDir)
  const names = [...new Set(['localhost', ...wanted.names.map((n) => n.toLowerCase())])]
  const ips = [...new Set(['127.0.0.1', ...wanted.ips.map((i) => i.toLowerCase())])]
  const keyFile = join(dir, LEAF_KEY_FILE)
  const certFile = join(dir, LEAF_CERT_FILE)
  let fresh = false
  if (existsSync(keyFile) && existsSync(certFile)) {
    const pem = readFileSync(certFile, 'utf8')
    const leaf = new NodeCertificate(pem)
    const has = covered(pem)
    fresh = leaf.checkIssued(new NodeCertificate(ca.certPem)) && leaf.verify(new NodeCertificate(ca.certPem).publicKey)
      && Date.parse(leaf.validTo) - now > RENEW_DAYS * DAY && sameSet(has.names, names) && sameSet(has.ips, ips)
  }
  if (!fresh) {
    const caKey = await importKey(readFileSync(join(dir, CA_KEY_FILE), 'utf8'))
    const caCert = new x509.X509Certificate(ca.certPem)
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as KeyPair
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: [{ CN: [names.find((n) => n.endsWith('.local')) ?? names[0]!] }, { O: ['Jimu CRM'] }],
      issuer: caCert.subjectName,
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + LEAF_DAYS * DAY),
      publicKey: keys.publicKey as never,
      signingKey: caKey as never,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([...names.map((value) => ({ type: 'dns' as const, value })), ...ips.map((value) => ({ type: 'ip' as const, value }))]),
        await x509.AuthorityKeyIdentifierExtension.create(caCert),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never)
      ]
    })
    writeSecret(keyFile, await exportKey(keys.privateKey), 0o600)
    writeSecret(certFile, leaf.toString('pem'), 0o644)
  }
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), ca: ca.certPem, caFingerprint: ca.fingerprint, names, ips }
}

/** The CA certificate as DER, for phones (iOS and Android install a .crt/.cer in this form). */
export function caDer(certPem: string): Buffer {
  return Buffer.from(new NodeCertificate(certPem).raw)
}
