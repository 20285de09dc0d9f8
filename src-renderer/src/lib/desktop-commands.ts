import { useEffect, useRef } from 'react'

// Commands from the desktop app's menu and tray (src-main/desktop/menu.ts, tray.ts) that the page
// carries out: the main process dispatches `jimu:command` on the window with the command's name.
// In a browser (serve mode) nothing dispatches it; the same actions are on the page itself.

export type DesktopCommand = 'newRecord' | 'import' | 'openNotifications'

export const DESKTOP_COMMAND_EVENT = 'jimu:command'

/** Run `handler` whenever the desktop app sends `command`. */
export function useDesktopCommand(command: DesktopCommand, handler: () => void, enabled = true): void {
  const latest = useRef(handler)
  useEffect(() => {
    latest.current = handler
  })
  useEffect(() => {
    if (!enabled) return
    const listener = (event: Event) => {
      if ((event as CustomEvent<unknown>).detail === command) latest.current()
    }
    window.addEventListener(DESKTOP_COMMAND_EVENT, listener)
    return () => window.removeEventListener(DESKTOP_COMMAND_EVENT, listener)
  }, [command, enabled])
}
