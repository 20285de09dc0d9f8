import { z } from 'zod'
import { method, ok, type MethodContract } from './core'

// 设置 → 局域网共享 (administrators): the share switch, what it serves and who is connected,
// and the paired PCs (approve a pairing request, revoke a device). Handlers in
// src-main/api/handlers/lan.ts; the office network itself in src-main/lan.

const deviceDto = z.object({
  id: z.string(), name: z.string(), address: z.string().nullable(), status: z.enum(['pending', 'approved', 'revoked', 'refused']),
  code: z.string().nullable(), user: z.string().nullable(), requestedAt: z.string(), lastSeenAt: z.string().nullable()
})
const deviceRef = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/) })

export const lanStatusDto = z.object({
  /** False where this process cannot serve the LAN (no share switch wired in). */
  available: z.boolean(),
  sharing: z.boolean(),
  fixed: z.boolean(),
  urls: z.array(z.string()),
  helpUrl: z.string().nullable(),
  qrSvg: z.string().nullable(),
  fingerprint: z.string().nullable(),
  connected: z.array(z.object({ user: z.string(), address: z.string().nullable(), device: z.string().nullable(), client: z.string().nullable(), lastSeenAt: z.string() })),
  devices: z.array(deviceDto)
})

export const lanContracts = {
  'lan.status': method({ access: 'admin', summary: 'Office network sharing: on or off, addresses, QR code of the certificate page, CA fingerprint, who is connected, paired PCs', input: z.object({}).default({}), output: lanStatusDto }),
  'lan.setSharing': method({ access: 'admin', summary: 'Turn office network sharing on (HTTPS on the LAN, certificate page, mDNS) or off (stops at once, ends LAN sessions); remembered', input: z.object({ on: z.boolean() }), output: lanStatusDto }),
  'lan.decide': method({ access: 'admin', summary: 'Approve or refuse a PC\'s pairing request (after comparing its code)', input: deviceRef.extend({ approve: z.boolean() }), output: deviceDto }),
  'lan.revoke': method({ access: 'admin', summary: 'Revoke a paired PC: refused from now on and its sessions end', input: deviceRef, output: ok })
} satisfies Record<string, MethodContract>

export const LAN_READ_ONLY: readonly string[] = ['lan.status']
