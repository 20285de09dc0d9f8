// Domain events from the write pipeline (record.created / updated / deleted / restored) for the
// rule and flow engines. They are collected inside the write transaction and delivered only
// after it commits, so a listener never sees a change that was rolled back.

export interface RecordEvent {
  type: 'record.created' | 'record.updated' | 'record.deleted' | 'record.restored'
  formId: number
  recordId: number
  /** API keys of the fields that changed (updates). */
  fields: string[]
  actorId: number | null
  at: number
}

type Listener = (event: RecordEvent) => void

export class EventBus {
  private listeners = new Set<Listener>()

  on(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit(events: RecordEvent[]): void {
    for (const event of events) for (const listener of this.listeners) listener(event)
  }
}
