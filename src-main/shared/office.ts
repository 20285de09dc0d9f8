// The desktop client's office state as the window sees it (pure types and constants: the sandboxed
// preload and the renderer import them; src-main/lan/desktop-bridge.ts produces them).

export const OFFICE_COMMANDS = ['state', 'discover', 'stopDiscover', 'refresh', 'pair', 'code', 'cancel', 'disconnect', 'retry'] as const
export type OfficeCommand = (typeof OFFICE_COMMANDS)[number]

export type OfficeStatus = 'connecting' | 'connected' | 'unreachable' | 'refused'

export interface OfficeView {
  mode: 'local' | 'client'
  host: { url: string; name: string; fingerprint: string } | null
  status: OfficeStatus | null
  /** Failed probes in a row (0 while connected). */
  attempt: number
  /** When the next probe runs (epoch ms), while unreachable. */
  retryAt: number | null
  signedIn: boolean
  /** The live event stream from the host is open. */
  live: boolean
}

export type PairingStep = 'idle' | 'requesting' | 'code' | 'waiting' | 'approved' | 'failed'

export interface PairingView {
  step: PairingStep
  address: string | null
  hostName: string | null
  /** The office CA's fingerprint (to compare with the host's page), once the host answered. */
  fingerprint: string | null
  /** Wrong codes typed so far. */
  mistakes: number
  /** While waiting: the last status request did not get through. */
  hostSilent: boolean
  error: { messageKey: string; params: Record<string, string | number> } | null
}

export interface HostChoice {
  /** Stable key for the list. */
  key: string
  name: string
  /** host:port pairing connects to (an IPv4 address when announced, else the .local name). */
  address: string
  /** The `.local` name, shown small under the name. */
  host: string
  fingerprint: string | null
}

export interface OfficeSnapshot {
  connection: OfficeView
  pairing: PairingView
  hosts: HostChoice[]
  discovering: boolean
  /** Set when mDNS could not browse here (no multicast): the window says to type the address. */
  discoveryFailed: boolean
  deviceName: string
  /** The signed-in user's replica in client mode (null in local mode or before signing in). */
  sync: SyncView | null
}

/**
 * The desktop client's replica and outbox (src-main/lan/replica-session.ts): online while the host
 * answers, syncing while a push-then-pull runs, offline while the host cannot be reached (the
 * window then works from the replica).
 */
export interface SyncView {
  state: 'online' | 'offline' | 'syncing'
  /** Changes made on this computer the office has not answered yet. */
  pending: number
  /** When the last sync finished (epoch ms), or null before the first. */
  lastSyncAt: number | null
}

export type WindowEvent = { channel: 'live'; data: string } | { channel: 'office'; office: OfficeSnapshot } | { channel: 'sync'; sync: SyncView }
