import { EventEmitter } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreHost } from '../../src-main/api/host'
import { Dispatcher } from '../../src-main/api/dispatcher'
import { LiveStream } from '../../src-main/api/events-stream'
import { DesktopBridge } from '../../src-main/lan/desktop-bridge'
import { advertise } from '../../src-main/lan/mdns'
import type { WindowEvent } from '../../src-main/shared/office'

// The desktop shell's main-process side for the e2e test of a client PC (the Electron binary cannot
// run here): the same DesktopBridge the shell's IPC forwards to, over a client PC's own core in a
// temporary data folder, reachable on loopback so the test can hand a browser window `window.jimu`.
//   POST /invoke {method,input,locale}  POST /office {command,args}  GET /events?since=n
//   POST /advertise {name,port,fingerprint} (an mDNS announcement on the in-memory bus)
// Run: node test/support/desktop-shell-run.mjs — prints "desktop shell at http://127.0.0.1:<port>".

/** multicast-dns over an in-memory bus: loopback has no multicast in this sandbox. */
function busSocket(bus: EventEmitter) {
  const socket = new EventEmitter() as EventEmitter & Record<string, unknown>
  const deliver = (msg: Buffer, from: unknown) => {
    if (from !== socket) socket.emit('message', msg, { address: '127.0.0.1', family: 'IPv4', port: 5353, size: msg.length })
  }
  Object.assign(socket, {
    bind: (_port: number, _address: unknown, cb: () => void) => {
      bus.on('packet', deliver)
      setImmediate(() => {
        socket.emit('listening')
        cb?.()
      })
    },
    send: (buf: Buffer, offset: number, length: number, _port: number, _ip: string, cb?: (e: Error | null) => void) => {
      bus.emit('packet', Buffer.from(buf.subarray(offset, offset + length)), socket)
      cb?.(null)
    },
    close: (cb?: () => void) => {
      bus.off('packet', deliver)
      cb?.()
    },
    address: () => ({ address: '0.0.0.0', family: 'IPv4', port: 5353 }),
    addMembership: () => undefined, dropMembership: () => undefined, setMulticastTTL: () => undefined, setMulticastLoopback: () => undefined, setMulticastInterface: () => undefined
  })
  return socket
}

export async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jimu-e2e-client-'))
  const host = await CoreHost.open({ dataDir })
  const live = new LiveStream(host)
  const bus = new EventEmitter()
  const events: WindowEvent[] = []
  const bridge = new DesktopBridge({
    dispatcher: new Dispatcher(host), live, dataDir, windows: () => [1], deviceName: '前台的电脑', pollMs: 1000,
    mdns: { socket: busSocket(bus) } as never,
    send: (_id, event) => void events.push(event)
  })
  const adverts: Array<{ stop(): Promise<void> }> = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {}
      const url = new URL(req.url ?? '/', 'http://x')
      const answer = (value: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify(value ?? null))
      }
      if (url.pathname === '/invoke') void bridge.invoke(1, String(body.method), body.input, body.locale as string | undefined).then(answer)
      else if (url.pathname === '/office') void bridge.office(String(body.command), body.args).then(answer)
      else if (url.pathname === '/events') {
        const since = Number(url.searchParams.get('since') ?? 0)
        answer({ next: events.length, events: events.slice(since) })
      } else if (url.pathname === '/advertise') {
        adverts.push(advertise({ name: String(body.name), port: Number(body.port), helpPort: 1, fingerprint: String(body.fingerprint) }, { socket: busSocket(bus) } as never))
        answer({ ok: true })
      } else if (url.pathname === '/snapshot') answer(bridge.snapshot())
      else {
        res.writeHead(404)
        res.end()
      }
    })
  })
  server.listen(0, '127.0.0.1', () => console.log(`desktop shell at http://127.0.0.1:${(server.address() as AddressInfo).port}`))
  const stop = async () => {
    server.close()
    await bridge.close()
    await Promise.all(adverts.map((a) => a.stop()))
    live.close()
    host.close()
    rmSync(dataDir, { recursive: true, force: true })
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop())
  process.on('SIGINT', () => void stop())
}

