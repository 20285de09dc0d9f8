import { useSyncExternalStore } from 'react'
import { liveConnection, onLiveConnection } from '../../lib/live'
import { officeBridge } from '../../lib/office'
import { desktopSyncSource, type SyncLink, type SyncState, type SyncStatusSource } from './sync-link'

// The chip's source for the window it runs in (the sources themselves: sync-link.ts).

/** The browser's source: the event stream is open (在线), retrying (离线) or not open yet (同步中). */
export function browserSyncSource(): SyncStatusSource {
  let cached: SyncLink | null = null
  const read = (): SyncLink => {
    const { open } = liveConnection()
    const state: SyncState = open === true ? 'online' : open === false ? 'offline' : 'syncing'
    if (!cached || cached.state !== state) cached = { state, pending: 0, local: false }
    return cached
  }
  return { current: read, lastSyncAt: () => (liveConnection().open ? Date.now() : liveConnection().lastHeard), subscribe: onLiveConnection }
}

let source: SyncStatusSource | null = null

/** The source that fits where the window runs (one per window). */
export function syncSource(): SyncStatusSource {
  if (!source) {
    const bridge = officeBridge()
    source = bridge ? desktopSyncSource(bridge) : browserSyncSource()
  }
  return source
}

export function useSyncLink(): SyncLink {
  const s = syncSource()
  return useSyncExternalStore(s.subscribe, s.current)
}
