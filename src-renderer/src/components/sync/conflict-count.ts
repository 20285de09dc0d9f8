import { useEffect, useSyncExternalStore } from 'react'
import { api } from '../../api/client'
import { onLiveConnection, onLiveRecord } from '../../lib/live'
import { syncSource } from './sync-status'

// The status chip's 冲突 N: the user's open entries of the 冲突 inbox (sync.conflicts). A push from
// a laptop that applies something sends live record events; an entry resolved here asks again
// (refreshConflicts); so do the window's focus, the stream coming back, the desktop replica's sync
// ending (its push may have left conflicts) and a slow poll (a push that only left conflicts
// changes no record, so no event tells a browser about it).

/** The most entries counted; more shows as 99+ (the inbox pages the rest). */
const LIMIT = 100
const POLL_MS = 60_000

let count: number | null = null
const listeners = new Set<() => void>()
let timer: ReturnType<typeof setTimeout> | null = null
let inFlight = false
let again = false

async function load(): Promise<void> {
  if (inFlight) {
    again = true
    return
  }
  inFlight = true
  try {
    const open = await api.sync.conflicts({ open: true, limit: LIMIT })
    if (open.length !== count) {
      count = open.length
      for (const listener of [...listeners]) listener()
    }
  } catch {
    // Unreachable or signed out: the chip keeps the count it had; the next trigger asks again.
  } finally {
    inFlight = false
    if (again) {
      again = false
      void load()
    }
  }
}

/** Ask again soon (several triggers at once make one call). */
export function refreshConflicts(delayMs = 250): void {
  if (timer) clearTimeout(timer)
  timer = setTimeout(() => {
    timer = null
    void load()
  }, delayMs)
}

/** Set the count from an inbox the page just loaded (no second call). */
export function setConflictCount(next: number): void {
  if (next === count) return
  count = next
  for (const listener of [...listeners]) listener()
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}

/** Open entries of the signed-in user (null until the first answer), kept fresh while mounted. */
export function useConflictCount(userId: number): number | null {
  useEffect(() => {
    count = null
    void load()
    const refresh = () => refreshConflicts()
    const offRecord = onLiveRecord(refresh)
    const offConnection = onLiveConnection(refresh)
    const offSync = syncSource().subscribe(refresh)
    const onVisible = () => {
      if (document.visibilityState === 'visible') refresh()
    }
    window.addEventListener('focus', refresh)
    window.addEventListener('jimu:notifications', refresh)
    document.addEventListener('visibilitychange', onVisible)
    const poll = setInterval(refresh, POLL_MS)
    return () => {
      offRecord()
      offConnection()
      offSync()
      window.removeEventListener('focus', refresh)
      window.removeEventListener('jimu:notifications', refresh)
      document.removeEventListener('visibilitychange', onVisible)
      clearInterval(poll)
    }
  }, [userId])
  return useSyncExternalStore(subscribe, () => count)
}

export const CONFLICT_COUNT_LIMIT = LIMIT
