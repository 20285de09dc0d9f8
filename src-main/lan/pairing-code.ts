import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

// The pairing code, computed alike by host and client. The exchange follows the
// commit-then-reveal pattern of Bluetooth numeric comparison and ZRTP's short authentication
// string: the client first commits to its random nonce (sends only its hash), the host answers
// with its CA certificate and its own nonce, then the client reveals the nonce. Both sides
// derive six digits from (CA fingerprint, host nonce, client nonce). The host shows its digits to
// its administrator; the client's user types them in and the client compares them with its own.
// A LAN attacker who hands the client a CA of its own must choose that CA and its nonce before it
// learns the client's nonce, so its digits match the host's only by chance (one in a million per
// attempt, and attempts are rate-limited and each needs an administrator's approval).

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex')

export function commitmentOf(clientNonce: string): string {
  return sha256Hex(`jimu-pair-commit:${clientNonce}`)
}

export function pairingCode(caFingerprint: string, serverNonce: string, clientNonce: string): string {
  const mac = createHmac('sha256', `${serverNonce}:${clientNonce}`).update(`jimu-pair-code:${caFingerprint.toUpperCase()}`).digest()
  return String(mac.readUInt32BE(0) % 1_000_000).padStart(6, '0')
}

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
