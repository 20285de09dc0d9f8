import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'

// The main window's size and position, remembered between runs in a small JSON file in the data
// folder's parent (Electron's userData), and clamped on the way back to a display that is still
// there: a window last shown on a second monitor that has since been unplugged comes back on the
// primary one instead of off-screen.

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface WindowState {
  /** Normal (not maximized) bounds; x/y absent: let the OS place the window. */
  bounds: { x?: number; y?: number; width: number; height: number }
  maximized: boolean
}

export const DEFAULT_STATE: WindowState = { bounds: { width: 1360, height: 860 }, maximized: false }
export const MIN_SIZE = { width: 1024, height: 640 }
/** How much of the window (its title bar) must be on a display for it to count as visible. */
const VISIBLE = { width: 120, height: 40 }

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

export function loadWindowState(file: string): WindowState {
  if (!existsSync(file)) return DEFAULT_STATE
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { bounds?: Record<string, unknown>; maximized?: unknown }
    const b = raw.bounds ?? {}
    if (!finite(b.width) || !finite(b.height)) return DEFAULT_STATE
    const bounds: WindowState['bounds'] = { width: Math.round(b.width), height: Math.round(b.height) }
    if (finite(b.x) && finite(b.y)) Object.assign(bounds, { x: Math.round(b.x), y: Math.round(b.y) })
    return { bounds, maximized: raw.maximized === true }
  } catch {
    return DEFAULT_STATE
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(state))
  renameSync(`${file}.tmp`, file)
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y))
  }
}

/**
 * The bounds to open the window with on the displays there are now (their work areas, primary
 * first): no larger than the display it lands on, at least the minimum size where the display
 * allows, and with its title bar on a display — else centred on the primary display.
 */
export function clampToDisplays(state: WindowState, workAreas: readonly Rect[]): WindowState {
  const primary = workAreas[0]
  if (!primary) return state
  const { x, y } = state.bounds
  // The title bar strip: what the user needs to see to move the window.
  const titleBar = x !== undefined && y !== undefined ? { x, y, width: state.bounds.width, height: VISIBLE.height } : null
  const home = titleBar ? workAreas.find((d) => {
    const o = overlap(titleBar, d)
    return o.width >= Math.min(VISIBLE.width, state.bounds.width) && o.height >= Math.min(VISIBLE.height, d.height)
  }) : undefined
  const display = home ?? primary
  const width = Math.min(Math.max(state.bounds.width, Math.min(MIN_SIZE.width, display.width)), display.width)
  const height = Math.min(Math.max(state.bounds.height, Math.min(MIN_SIZE.height, display.height)), display.height)
  if (!home) {
    const centred = { x: display.x + Math.round((display.width - width) / 2), y: display.y + Math.round((display.height - height) / 2), width, height }
    return { bounds: titleBar ? centred : { width, height }, maximized: state.maximized }
  }
  // Keep it on its display: pull it back in where it hangs over an edge.
  const nx = Math.min(Math.max(x!, display.x), display.x + display.width - width)
  const ny = Math.min(Math.max(y!, display.y), display.y + display.height - height)
  return { bounds: { x: nx, y: ny, width, height }, maximized: state.maximized }
}

/** What to remember from a window: its normal bounds (not the maximized ones) and whether it is maximized. */
export function stateOf(win: { normalBounds: Rect; maximized: boolean }): WindowState {
  return { bounds: { ...win.normalBounds }, maximized: win.maximized }
}
