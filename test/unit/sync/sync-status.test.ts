import { describe, expect, it } from 'vitest'
import type { OfficeSnapshot, WindowEvent } from '../../../src-main/shared/office'
import { chipState, desktopSyncSource, linkOfOffice, type SyncLink } from '../../../src-renderer/src/components/sync/sync-link'

// The status chip's source in the desktop window: the office connection the main process reports
// over IPC (src-main/lan/desktop-bridge.ts). The IPC carrier is stood in for by a plain emitter:
// it only delivers the snapshots the bridge sends.

function office(connection: Partial<OfficeSnapshot['connection']>): OfficeSnapshot {
  return {
    connection: { mode: 'client', host: { url: 'https://office.local:8443', name: '前台电脑', fingerprint: 'ab' }, status: 'connected', attempt: 0, retryAt: null, signedIn: true, live: true, ...connection },
    pairing: { step: 'idle', address: null, hostName: null, fingerprint: null, mistakes: 0, hostSilent: false, error: null },
    hosts: [],
    discovering: false,
    discoveryFailed: false,
    deviceName: 'laptop',
    sync: null
  }
}

const link = (state: SyncLink['state'], pending = 0): SyncLink => ({ state, pending, local: false })

describe('the sync status chip', () => {
  it('reads the office connection: connected with live events is 在线, connecting 同步中, unreachable or refused 离线; local mode is this PC', () => {
    expect(linkOfOffice(office({}))).toEqual(link('online'))
    expect(linkOfOffice(office({ live: false }))).toEqual(link('syncing'))
    expect(linkOfOffice(office({ status: 'connecting' }))).toEqual(link('syncing'))
    expect(linkOfOffice(office({ status: 'unreachable', attempt: 3 }))).toEqual(link('offline'))
    expect(linkOfOffice(office({ status: 'refused' }))).toEqual(link('offline'))
    expect(linkOfOffice(office({ mode: 'local', host: null, status: null }))).toEqual({ state: 'online', pending: 0, local: true })
  })

  it('says offline before syncing before conflicts before online', () => {
    expect(chipState(link('offline', 3), 2)).toBe('offline')
    expect(chipState(link('syncing'), 2)).toBe('syncing')
    expect(chipState(link('online'), 2)).toBe('conflicts')
    expect(chipState(link('online'), 0)).toBe('online')
  })

  it('follows the snapshots the main process pushes, tells listeners only of changes, and stops listening when nobody does', async () => {
    const listeners = new Set<(event: WindowEvent) => void>()
    let asked = 0
    const bridge = {
      invoke: async () => null,
      onEvent(listener: (event: WindowEvent) => void) {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
      office: async () => {
        asked++
        return office({ status: 'connecting' })
      }
    }
    const source = desktopSyncSource(bridge)
    let heard = 0
    const off = source.subscribe(() => heard++)
    await Promise.resolve()
    expect(asked).toBe(1)
    expect(source.current().state).toBe('syncing')
    const push = (o: OfficeSnapshot) => listeners.forEach((l) => l({ channel: 'office', office: o }))
    push(office({}))
    expect(source.current().state).toBe('online')
    expect(source.lastSyncAt()).not.toBeNull()
    const before = heard
    push(office({ attempt: 0 }))
    expect(heard).toBe(before)
    push(office({ status: 'unreachable', attempt: 1 }))
    expect(source.current().state).toBe('offline')
    const lost = source.lastSyncAt()
    expect(lost).not.toBeNull()
    listeners.forEach((l) => l({ channel: 'live', data: '{}' }))
    expect(source.lastSyncAt()).toBe(lost)
    off()
    expect(listeners.size).toBe(0)
  })

  it('in client mode reads the replica too: 离线 · N 条待同步 from the sync event, 同步中 while a sync runs, the last sync time', async () => {
    const listeners = new Set<(event: WindowEvent) => void>()
    const bridge = {
      onEvent(listener: (event: WindowEvent) => void) {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
      office: async () => office({})
    }
    const source = desktopSyncSource(bridge)
    let heard = 0
    const off = source.subscribe(() => heard++)
    await Promise.resolve()
    await Promise.resolve()
    expect(source.current()).toEqual(link('online'))
    const emit = (event: WindowEvent) => listeners.forEach((l) => l(event))
    emit({ channel: 'sync', sync: { state: 'syncing', pending: 0, lastSyncAt: null } })
    expect(source.current().state).toBe('syncing')
    emit({ channel: 'office', office: { ...office({ status: 'unreachable', attempt: 1 }), sync: { state: 'offline', pending: 0, lastSyncAt: 1_000 } } })
    expect(source.current()).toEqual(link('offline', 0))
    const before = heard
    emit({ channel: 'sync', sync: { state: 'offline', pending: 2, lastSyncAt: 1_000 } })
    expect(source.current()).toEqual(link('offline', 2))
    expect(heard).toBe(before + 1)
    expect(chipState(source.current(), 0)).toBe('offline')
    emit({ channel: 'office', office: { ...office({}), sync: { state: 'online', pending: 0, lastSyncAt: 2_000 } } })
    expect(source.current()).toEqual(link('online', 0))
    off()
  })
})
