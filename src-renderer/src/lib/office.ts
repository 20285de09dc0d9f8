import { useCallback, useEffect, useState } from 'react'
import type { OfficeSnapshot, WindowEvent } from '@shared/office'

// The desktop window's side of 连接到办公室的电脑: the main process keeps the connection, the
// pairing and the host list (src-main/lan/desktop-bridge.ts) and pushes their state over the
// 'jimu:event' channel; commands go back through the preload's `office`. In a browser there is
// no bridge (`officeBridge()` is null): the browser already is connected to the host it opened.

export type { OfficeSnapshot, WindowEvent }

export interface DesktopBridgeApi {
  invoke(method: string, input: unknown, locale?: string): Promise<unknown>
  onEvent?(listener: (event: WindowEvent) => void): () => void
  office?(command: string, args?: unknown): Promise<OfficeSnapshot | null>
}

export function officeBridge(): Required<DesktopBridgeApi> | null {
  const jimu = typeof window !== 'undefined' ? (window.jimu as DesktopBridgeApi | undefined) : undefined
  return jimu?.office && jimu.onEvent ? (jimu as Required<DesktopBridgeApi>) : null
}

/** The office state while mounted (null in a browser, or until the first answer). */
export function useOffice(): { office: OfficeSnapshot | null; run: (command: string, args?: unknown) => Promise<OfficeSnapshot | null> } {
  const bridge = officeBridge()
  const [office, setOffice] = useState<OfficeSnapshot | null>(null)
  useEffect(() => {
    if (!bridge) return
    let live = true
    void bridge.office('state').then((s) => live && s && setOffice(s))
    const off = bridge.onEvent((event) => {
      if (event.channel === 'office') setOffice(event.office)
    })
    return () => {
      live = false
      off()
    }
  }, [bridge])
  const run = useCallback(
    async (command: string, args?: unknown) => {
      if (!bridge) return null
      const next = await bridge.office(command, args)
      if (next) setOffice(next)
      return next
    },
    [bridge]
  )
  return { office, run }
}
