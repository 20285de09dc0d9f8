import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { clampToDisplays, DEFAULT_STATE, loadWindowState, saveWindowState, stateOf } from '../../../src-main/desktop/window-state'

// The window comes back where it was, maximized if it was, and never off-screen.

const primary = { x: 0, y: 0, width: 1920, height: 1040 }
const right = { x: 1920, y: 0, width: 2560, height: 1400 }

let dir: string
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('window state file', () => {
  it('saves and loads the normal bounds and the maximized state', () => {
    dir = mkdtempSync(join(tmpdir(), 'jimu-window-'))
    const file = join(dir, 'window-state.json')
    expect(loadWindowState(file)).toEqual(DEFAULT_STATE)
    saveWindowState(file, stateOf({ normalBounds: { x: 100, y: 80, width: 1400, height: 900 }, maximized: true }))
    expect(loadWindowState(file)).toEqual({ bounds: { x: 100, y: 80, width: 1400, height: 900 }, maximized: true })
  })

  it('a damaged file gives the defaults', () => {
    dir = mkdtempSync(join(tmpdir(), 'jimu-window-'))
    const file = join(dir, 'window-state.json')
    writeFileSync(file, '{"bounds": {"width": "wide"')
    expect(loadWindowState(file)).toEqual(DEFAULT_STATE)
    writeFileSync(file, JSON.stringify({ bounds: { width: 'wide', height: 800 } }))
    expect(loadWindowState(file)).toEqual(DEFAULT_STATE)
  })
})

describe('clamped to a visible display', () => {
  it('keeps a window that is on a display where it was', () => {
    const state = { bounds: { x: 2100, y: 100, width: 1600, height: 1000 }, maximized: false }
    expect(clampToDisplays(state, [primary, right])).toEqual(state)
  })

  it('brings a window from an unplugged monitor back, centred on the primary display, keeping maximized', () => {
    const state = { bounds: { x: 2100, y: 100, width: 1600, height: 1000 }, maximized: true }
    expect(clampToDisplays(state, [primary])).toEqual({ bounds: { x: 160, y: 20, width: 1600, height: 1000 }, maximized: true })
  })

  it('shrinks a window larger than its display and pulls it back over the edge', () => {
    const state = { bounds: { x: 1500, y: -5, width: 2400, height: 1300 }, maximized: false }
    expect(clampToDisplays(state, [primary])).toEqual({ bounds: { x: 0, y: 0, width: 1920, height: 1040 }, maximized: false })
    const hanging = { bounds: { x: 1700, y: 500, width: 1200, height: 800 }, maximized: false }
    expect(clampToDisplays(hanging, [primary])).toEqual({ bounds: { x: 720, y: 240, width: 1200, height: 800 }, maximized: false })
  })

  it('a small laptop screen: never below the minimum size the screen allows', () => {
    const laptop = { x: 0, y: 0, width: 1366, height: 728 }
    expect(clampToDisplays({ bounds: { x: 10, y: 10, width: 600, height: 400 }, maximized: false }, [laptop]).bounds).toEqual({ x: 10, y: 10, width: 1024, height: 640 })
  })

  it('without a saved position the OS places it', () => {
    expect(clampToDisplays(DEFAULT_STATE, [primary])).toEqual({ bounds: { width: 1360, height: 860 }, maximized: false })
  })
})
