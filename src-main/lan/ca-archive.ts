import { X509Certificate, createPrivateKey } from 'node:crypto'
import { createReadStream, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type JSZip from 'jszip'
import { CA_CERT_FILE, CA_KEY_FILE, hasOfficeCa, keysDir } from './ca'

// The office CA travels with the data folder's archive (备份与恢复 → export, and the first-run
// import on a new PC): a host moved to new hardware keeps the CA that paired PCs pinned and phones
// installed, so nobody re-pairs. An archive's CA never replaces one the folder already has, and
// a pair whose key does not match its certificate is not taken.

export function addOfficeCaTo(zip: JSZip, dataDir: string): void {
  if (!hasOfficeCa(dataDir)) return
  for (const name of [CA_KEY_FILE, CA_CERT_FILE]) zip.file(`keys/${name}`, createReadStream(join(keysDir(dataDir), name)))
}

export async function restoreOfficeCaFrom(zip: JSZip, dataDir: string): Promise<boolean> {
  const key = await zip.file(`keys/${CA_KEY_FILE}`)?.async('string')
  const cert = await zip.file(`keys/${CA_CERT_FILE}`)?.async('string')
  if (!key || !cert || hasOfficeCa(dataDir)) return false
  try {
    if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) return false
  } catch {
    return false
  }
  const dir = keysDir(dataDir)
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 })
  writeFileSync(join(dir, CA_KEY_FILE), key, { mode: 0o600 })
  writeFileSync(join(dir, CA_CERT_FILE), cert)
  return true
}
