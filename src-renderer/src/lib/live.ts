import { useEffect } from 'react'
import { emitFlowsChanged } from '../components/flows/events'
import { notifyRecordsChanged } from './record-events'

// Everyone sees changes live: the server's event stream (GET /events, src-main/api/events-stream.ts)
// for the signed-in user. An event says only that something changed — the record, its version, the
// changed fields this user may read, who and when — and the page refetches through the normal read
// path: lists of that form reload (record-events), the to-do badge and lists refresh, the
// notification bell reloads, and an open record refreshes or offers to (useLiveRecord).
// Inside Electron (IPC transport, one user on this PC) there is no stream: nobody else changes
// the records there.

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

/** The shell, while signed in: keep the stream open (the browser reconnects by itself). */
export function useLiveEvents(userId: number): void {
  useEffect(() => {
    if (typeof window === 'undefined' || window.jimu?.invoke || typeof EventSource === 'undefined') return
    const source = new EventSource('/events', { withCredentials: true })
    source.onmessage = (message: MessageEvent<string>) => dispatch(message.data)
    // The session ended (signed out elsewhere, password changed): stop; the next call's 401 shows the login.
    source.addEventListener('end', () => source.close())
    source.addEventListener('hello', () => document.documentElement.setAttribute('data-live', 'on'))
    return () => {
      source.close()
      document.documentElement.removeAttribute('data-live')
    }
  }, [userId])
}
