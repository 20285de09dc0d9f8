import type { OfficeSnapshot, SyncView, WindowEvent } from '@shared/office'

// Where the status chip's 在线 / 离线 / 同步中 comes from. One interface, one source per place the
// window runs:
//  - a browser (serve mode, a phone): the live event stream's connection (lib/live.ts). A browser
//    keeps no outbox — a change made while the office is unreachable fails and says so — so its
//    pending count is always 0.
//  - the desktop window: the office connection the main process keeps (src-main/lan/connection.ts)
//    and the signed-in user's replica (src-main/lan/replica-session.ts), pushed over the
//    'jimu:event' IPC channel: in local mode this PC is the office (always online); in client mode
//    connected / connecting / unreachable, 同步中 while the replica pushes and pulls, and the
//    changes made offline still waiting for the office (离线 · N 条待同步).

/** What the desktop source needs of the preload's bridge (lib/office.ts `officeBridge()`). */
export interface OfficeEvents {
  onEvent(listener: (event: WindowEvent) => void): () => void
  office(command: 'state'): Promise<OfficeSnapshot | null>
}

export type SyncState = 'online' | 'offline' | 'syncing'

export interface SyncLink {
  state: SyncState
  /** Operations written offline and not yet answered by the office. */
  pending: number
  /** This PC holds the office's data (the desktop app in local mode). */
  local: boolean
}

export interface SyncStatusSource {
  current(): SyncLink
  /** When the office was last heard from (epoch ms); read when the popover opens. */
  lastSyncAt(): number | null
  subscribe(listener: () => void): () => void
}

/**
 * The state a desktop window shows for the office connection and the replica the main process
 * reports: unreachable is 离线 (with the replica's pending changes), a running sync 同步中.
 */
export function linkOfOffice(office: OfficeSnapshot | null, sync: SyncView | null = office?.sync ?? null): SyncLink {
  const connection = office?.connection
  if (!connection || connection.mode === 'local') return { state: 'online', pending: 0, local: true }
  const pending = sync?.pending ?? 0
  if (connection.status !== 'connected') return { state: connection.status === 'connecting' ? 'syncing' : 'offline', pending, local: false }
  const state: SyncState = sync?.state === 'syncing' || !connection.live ? 'syncing' : 'online'
  return { state, pending, local: false }
}

/** The desktop window's source: the office connection's state over IPC. */
export function desktopSyncSource(bridge: OfficeEvents): SyncStatusSource {
  let link: SyncLink = linkOfOffice(null)
  let lastHeard: number | null = null
  let office: OfficeSnapshot | null = null
  let sync: SyncView | null = null
  const listeners = new Set<() => void>()
  const update = () => {
    const next = linkOfOffice(office, sync)
    if (next.state === 'online' || link.state === 'online') lastHeard = Date.now()
    if (sync?.lastSyncAt && (!lastHeard || sync.lastSyncAt > lastHeard)) lastHeard = sync.lastSyncAt
    if (next.state === link.state && next.local === link.local && next.pending === link.pending) return
    link = next
    for (const listener of [...listeners]) listener()
  }
  let off: (() => void) | null = null
  return {
    current: () => link,
    // Connected, the office's changes arrive live: it was last heard from now.
    lastSyncAt: () => (link.state === 'online' ? Date.now() : lastHeard),
    subscribe(listener) {
      listeners.add(listener)
      if (!off) {
        off = bridge.onEvent((event) => {
          if (event.channel === 'office') {
            office = event.office
            sync = event.office.sync
          } else if (event.channel === 'sync') sync = event.sync
          else return
          update()
        })
        void bridge.office('state').then((o) => {
          office = o
          sync = o?.sync ?? null
          update()
        }, () => undefined)
      }
      return () => {
        listeners.delete(listener)
        if (!listeners.size && off) {
          off()
          off = null
        }
      }
    }
  }
}

export type ChipState = SyncState | 'conflicts'

/** What the chip says: offline first (nothing reaches the office), then 同步中, then open conflicts. */
export function chipState(link: SyncLink, conflicts: number): ChipState {
  if (link.state !== 'online') return link.state
  return conflicts > 0 ? 'conflicts' : 'online'
}
