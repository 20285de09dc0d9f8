// The to-do badge and lists refresh when an approval changes anywhere in the window.
const EVENT = 'jimu:flows-changed'

export function emitFlowsChanged(): void {
  window.dispatchEvent(new Event(EVENT))
}

export function onFlowsChanged(fn: () => void): () => void {
  window.addEventListener(EVENT, fn)
  return () => window.removeEventListener(EVENT, fn)
}
