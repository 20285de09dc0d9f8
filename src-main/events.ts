// Domain events for the rule and flow engines: record events from the write pipeline
// (record.created / updated / deleted / restored) and flow events from the flow engine
// (flow.finished). Record events are collected inside the write transaction and delivered only
// after it commits, so a listener never sees a change that was rolled back; the flow engine
// emits its events the same way, after the step's transaction.

export interface RecordEvent {
  type: 'record.created' | 'record.updated' | 'record.deleted' | 'record.restored'
  formId: number
  recordId: number
  /** API keys of the fields that changed (updates). */
  fields: string[]
  actorId: number | null
  at: number
}

/** An approval flow instance on a record reached its end. */
export interface FlowEvent {
  type: 'flow.finished'
  formId: number
  recordId: number
  flowId: number
  instanceId: number
  outcome: 'approved' | 'rejected' | 'withdrawn'
  actorId: number | null
  at: number
}

export type DomainEvent = RecordEvent | FlowEvent

type Listener = (event: DomainEvent) => void

export class EventBus {
  private listeners = new Set<Listener>()

  on(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit(events: readonly DomainEvent[]): void {
    for (const event of events) for (const listener of this.listeners) listener(event)
  }
}
