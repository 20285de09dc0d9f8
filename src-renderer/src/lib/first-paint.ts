import { useEffect, useState } from 'react'

// Work a phone's first screen does not show (the navigation drawer's links, the command palette,
// the cards below the fold) waits until the first rows are painted, so it does not hold them up.
// The list marks it (`firstScreenPainted`, beside the `jimu:rows-painted` mark); pages without
// rows let it run after a short while anyway.

const AT_THE_LATEST_MS = 2500
let painted = false
/** The deferred work ran once on this page: a component mounted later (a window made narrow, a remount) draws it at once. */
let ranOnce = false
const waiting = new Set<() => void>()

/** The first rows are on screen: deferred work may run now. */
export function firstScreenPainted(): void {
  if (painted) return
  painted = true
  for (const run of waiting) run()
  waiting.clear()
}

/** Runs `run` once the browser is idle (or soon, where there is no requestIdleCallback: Safari). */
export function whenIdle(run: () => void, timeout = 300): () => void {
  if (typeof window.requestIdleCallback === 'function') {
    const id = window.requestIdleCallback(run, { timeout })
    return () => window.cancelIdleCallback(id)
  }
  const id = window.setTimeout(run, 50)
  return () => window.clearTimeout(id)
}

/** False on the first renders; true once the first rows are painted (or 2.5 s have passed) and the browser is idle. */
export function useAfterFirstScreen(): boolean {
  const [ready, setReady] = useState(painted || ranOnce)
  useEffect(() => {
    if (ready) return
    let cancelIdle: (() => void) | null = null
    const go = () => {
      if (!cancelIdle) cancelIdle = whenIdle(() => {
        ranOnce = true
        setReady(true)
      })
    }
    if (painted) go()
    else waiting.add(go)
    const latest = window.setTimeout(go, AT_THE_LATEST_MS)
    return () => {
      waiting.delete(go)
      window.clearTimeout(latest)
      cancelIdle?.()
    }
  }, [ready])
  return ready
}
