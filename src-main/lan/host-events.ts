import { request } from 'node:https'
import type { ClientRequest, IncomingMessage } from 'node:http'
import { CONNECT_TIMEOUT_MS } from './client'

// The host's live event stream (GET /events, Server-Sent Events) as the desktop client hears it:
// over HTTPS trusting only the pinned office CA, signed in with the client's session (Bearer) and
// naming its paired device. Each `data:` line goes to `onEvent` as the host sent it (the host
// already filtered it for this user: row scope, readable field keys, never a value); the client
// forwards it to its window over IPC, where the renderer handles it exactly like a browser's
// EventSource message (src-renderer/src/lib/live.ts).
//
// The stream ends when the session does (`event: end`): then nothing reconnects — the next call's
// 401 brings the sign-in screen. A dropped connection (host switched off, network gone) is reported
// through `onDrop` so the connection's retry brings it back.

export interface HostEventsOptions {
  url: string
  caPem: string
  token: string
  headers: Record<string, string>
  onEvent: (data: string) => void
  /** `hello` arrived: the stream is open. */
  onOpen?: () => void
  /** The host ended the stream (the session is over): do not reconnect. */
  onEnd?: (reason: string) => void
  /** The connection failed or dropped (not ended by the host). */
  onDrop?: (error: Error) => void
}

export interface HostEvents {
  close(): void
}

/** Parse SSE from chunks: calls `emit(event, data)` for each complete message. */
export function sseParser(emit: (event: string, data: string) => void): (chunk: string) => void {
  let buffer = ''
  return (chunk) => {
    buffer += chunk.replace(/\r\n?/g, '\n')
    let cut: number
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut)
      buffer = buffer.slice(cut + 2)
      let event = 'message'
      const data: string[] = []
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue
        const colon = line.indexOf(':')
        const field = colon < 0 ? line : line.slice(0, colon)
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
        if (field === 'event') event = value
        else if (field === 'data') data.push(value)
      }
      if (data.length) emit(event, data.join('\n'))
    }
  }
}

export function openHostEvents(options: HostEventsOptions): HostEvents {
  let closed = false
  let response: IncomingMessage | null = null
  let ended = false
  const drop = (error: Error) => {
    if (closed || ended) return
    closed = true
    options.onDrop?.(error)
  }
  const req: ClientRequest = request(new URL('/events', options.url), {
    method: 'GET',
    agent: false,
    ca: options.caPem,
    headers: { accept: 'text/event-stream', authorization: `Bearer ${options.token}`, ...options.headers }
  }, (res) => {
    response = res
    if (res.statusCode !== 200) {
      res.resume()
      // 401: the session is gone; anything else (a revoked device's 403) is not a network drop either.
      ended = true
      options.onEnd?.(res.statusCode === 401 ? 'session' : `status ${res.statusCode ?? 0}`)
      return
    }
    res.setEncoding('utf8')
    const feed = sseParser((event, data) => {
      if (event === 'hello') options.onOpen?.()
      else if (event === 'end') {
        ended = true
        let reason = 'end'
        try {
          reason = (JSON.parse(data) as { reason?: string }).reason ?? reason
        } catch {
          // keep 'end'
        }
        options.onEnd?.(reason)
      } else if (event === 'message') options.onEvent(data)
    })
    res.on('data', (chunk: string) => feed(chunk))
    res.on('end', () => drop(new Error('stream closed')))
    res.on('error', drop)
  })
  const timer = setTimeout(() => req.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), CONNECT_TIMEOUT_MS)
  req.on('response', () => clearTimeout(timer))
  req.on('error', (e) => {
    clearTimeout(timer)
    drop(e)
  })
  req.end()
  return {
    close() {
      clearTimeout(timer)
      closed = true
      ;(response as IncomingMessage | null)?.destroy()
      req.destroy()
    }
  }
}
