// Small in-app signals between the shell (keyboard shortcuts, command palette), the form page
// and the record page, so none of them imports the others.
//
// - "new record in form X" (Ctrl+N, 新建记录 in the palette, quick create in a related list):
//   the form page showing X may claim it and open its own drawer; when nobody claims it, the
//   shell's fallback host opens one.
// - "records of form X changed" (saved from a drawer the form page did not open): lists of X
//   reload.

export interface NewRecordRequest {
  formId: number
  /** Values the new record starts with, by field API key (e.g. the relation to its parent). */
  preset?: Record<string, unknown>
}

/** Returns true when it took care of the request. */
type NewRecordHandler = (request: NewRecordRequest) => boolean

const newRecordHandlers: NewRecordHandler[] = []
let fallback: NewRecordHandler | null = null

/** For a form page: claim requests for the form it shows. */
export function onNewRecordRequest(handler: NewRecordHandler): () => void {
  newRecordHandlers.push(handler)
  return () => {
    const index = newRecordHandlers.lastIndexOf(handler)
    if (index >= 0) newRecordHandlers.splice(index, 1)
  }
}

/** For the shell: handles what no page claimed. */
export function setNewRecordFallback(handler: NewRecordHandler | null): void {
  fallback = handler
}

export function requestNewRecord(request: NewRecordRequest): boolean {
  for (let i = newRecordHandlers.length - 1; i >= 0; i--) if (newRecordHandlers[i](request)) return true
  return fallback ? fallback(request) : false
}

type ChangedHandler = (formId: number) => void
const changedHandlers = new Set<ChangedHandler>()

export function onRecordsChanged(handler: ChangedHandler): () => void {
  changedHandlers.add(handler)
  return () => {
    changedHandlers.delete(handler)
  }
}

export function notifyRecordsChanged(formId: number): void {
  for (const handler of [...changedHandlers]) handler(formId)
}
