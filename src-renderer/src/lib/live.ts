import { useEffect } from 'react'
import { emitFlowsChanged } from '../components/flows/events'
import { notifyRecordsChanged } from './record-events'
import { officeBridge } from './office'

// Everyone sees changes live: the server's event stream (GET /events, src-main/api/events-stream.ts)
// for the signed-in user. An event says only that something changed — the record, its version, the
// changed fields this user may read, who and when — and the page refetches through the normal read
// path: lists of that form reload (record-events), the to-do badge and lists refresh, the
// notification bell reloads, and an open record refreshes or offers to (useLiveRecord).
// One event source, two carriers: in a browser the EventSource on /events; in the desktop app
// the same events come over IPC ('jimu:event', channel 'live') — from this PC's core, or from the
// office host's stream when the window is connected to one (src-main/lan/desktop-bridge.ts).

export interface LiveRecordEvent {
  kind: 'record' | 'flow'
  type?: 'created' | 'updated' | 'deleted' | 'restored'
  formId: number
  form: string
  id: number
  version?: number | null
  fields?: string[]
  outcome?: string
  by: { id: number; name: string } | null
  at: number
}

type RecordHandler = (event: LiveRecordEvent) => void
const recordHandlers = new Set<RecordHandler>()

/** For an open record: hear of changes to records (filter by form and id in the handler). */
export function onLiveRecord(handler: RecordHandler): () => void {
  recordHandlers.add(handler)
  return () => {
    recordHandlers.delete(handler)
  }
}

function dispatch(data: string): void {
  let event: LiveRecordEvent | { kind: 'notifications' }
  try {
    event = JSON.parse(data) as LiveRecordEvent | { kind: 'notifications' }
  } catch {
    return
  }
  if (event.kind === 'notifications') {
    window.dispatchEvent(new Event('jimu:notifications'))
    emitFlowsChanged()
    return
  }
  notifyRecordsChanged(event.formId)
  // An approval's state shows in the to-do center and on the record.
  if (event.kind === 'flow') emitFlowsChanged()
  for (const handler of [...recordHandlers]) handler(event)
}

/**
 * Whether the event stream is open: the status chip's 在线 / 离线 in a browser
 * (components/sync/sync-status.ts); null while no stream is open (signed out, or no stream here).
 */
let connection: boolean | null = null
/** When the office was last heard from (the stream opened, carried an event, or was open until it dropped). */
let lastHeard: number | null = null
const connectionListeners = new Set<() => void>()
function setConnection(open: boolean | null): void {
  if (open || connection) lastHeard = Date.now()
  if (connection === open) return
  connection = open
  for (const listener of [...connectionListeners]) listener()
}
export function liveConnection(): { open: boolean | null; lastHeard: number | null } {
  return { open: connection, lastHeard }
}
export function onLiveConnection(listener: () => void): () => void {
  connectionListeners.add(listener)
  return () => {
    connectionListeners.delete(listener)
  }
}

export interface LiveSource {
  close(): void
}

/** Open the event source that fits where the window runs; `onOpen` when events flow. */
export function openLiveSource(onEvent: (data: string) => void, onOpen: () => void, onDown?: () => void): LiveSource | null {
  if (typeof window === 'undefined') return null
  const bridge = officeBridge()
  if (bridge) {
    onOpen()
    const off = bridge.onEvent((event) => {
      if (event.channel === 'live') onEvent(event.data)
    })
    return { close: off }
  }
  if (window.jimu?.invoke || typeof EventSource === 'undefined') return null
  let source: EventSource | null = null
  let retry: ReturnType<typeof setTimeout> | null = null
  let delay = RETRY_FIRST_MS
  const connect = () => {
    retry = null
    const current = new EventSource('/events', { withCredentials: true })
    source = current
    current.onmessage = (message: MessageEvent<string>) => onEvent(message.data)
    current.addEventListener('end', (event: MessageEvent<string>) => {
      current.close()
      // The server is shutting down (restarted, updated): it will be back, so ask again, less and
      // less often. Any other end is the session's (signed out elsewhere, password changed): stop;
      // the next call's 401 shows the login.
      if (endReason(event.data) !== 'shutdown') return
      onDown?.()
      retry = setTimeout(connect, delay)
      delay = Math.min(delay * 2, RETRY_MAX_MS)
    })
    current.addEventListener('hello', () => {
      delay = RETRY_FIRST_MS
      onOpen()
    })
    // The server went away (the network dropped): the browser retries by itself; 'hello' again when it is back.
    current.addEventListener('error', () => onDown?.())
  }
  connect()
  return {
    close: () => {
      if (retry) clearTimeout(retry)
      source?.close()
    }
  }
}

const RETRY_FIRST_MS = 1_000
const RETRY_MAX_MS = 30_000

function endReason(data: string): string | null {
  try {
    return (JSON.parse(data) as { reason?: string }).reason ?? null
  } catch {
    return null
  }
}

/** The shell, while signed in: keep the events coming (the browser's EventSource reconnects by itself, the desktop's main process does). */
export function useLiveEvents(userId: number): void {
  useEffect(() => {
    const source = openLiveSource(
      (data) => {
        lastHeard = Date.now()
        dispatch(data)
      },
      () => {
        document.documentElement.setAttribute('data-live', 'on')
        setConnection(true)
      },
      () => {
        document.documentElement.setAttribute('data-live', 'off')
        setConnection(false)
      }
    )
    if (!source) return
    return () => {
      source.close()
      document.documentElement.removeAttribute('data-live')
      setConnection(null)
    }
  }, [userId])
}
