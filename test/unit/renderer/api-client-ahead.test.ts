import { beforeEach, describe, expect, it, vi } from 'vitest'
import { requestKey, type EarlyAnswer } from '../../../src-renderer/src/lib/early-requests'

// Answers sent ahead (the page's first script, src/early.ts; the app's start, lib/first-screen.ts)
// are taken by the component's own call. One lost on the way — no connection, an aborted or
// garbled response — is asked again by that call rather than shown as the page's failure; an
// answer the server gave (an error included) is taken as it is, and a call not sent ahead is
// never sent twice. The api client runs here as in a browser: window without the desktop bridge,
// fetch answering for the server.

const early: Record<string, EarlyAnswer> = {}
const sent: string[] = []
/** The server's answer per method; 'drop' makes fetch fail as a lost connection does. */
const server: Record<string, 'drop' | { ok: boolean; data?: unknown; error?: unknown }> = {}

vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined })
vi.stubGlobal('document', { documentElement: { lang: '', setAttribute: () => undefined } })
vi.stubGlobal('window', { __jimuEarly: early })
vi.stubGlobal('fetch', async (url: string) => {
  const method = url.replace('/rpc/', '')
  sent.push(method)
  const answer = server[method] ?? { ok: true, data: { from: 'server' } }
  if (answer === 'drop') throw new TypeError('Failed to fetch')
  return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } })
})

const client = await import('../../../src-renderer/src/api/client')

beforeEach(() => {
  sent.length = 0
  for (const key of Object.keys(server)) delete server[key]
  client.dropPrefetched()
})

describe('answers sent ahead', () => {
  it('the first script’s request lost on the way is asked again by the call that takes it', async () => {
    early[requestKey('auth.me', {})] = { at: Date.now(), body: Promise.resolve(null) }
    await expect(client.api.auth.me()).resolves.toEqual({ from: 'server' })
    expect(sent).toEqual(['auth.me'])
  })

  it('the first script’s answer from the server is taken as it is, an error too, and not asked again', async () => {
    early[requestKey('views.list', { form: 4 })] = { at: Date.now(), body: Promise.resolve({ ok: true, data: ['ahead'] }) }
    await expect(client.api.views.list({ form: 4 })).resolves.toEqual(['ahead'])
    early[requestKey('forms.access', { form: 4 })] = { at: Date.now(), body: Promise.resolve({ ok: false, error: { code: 'NOT_FOUND', message: '找不到表单' } }) }
    await expect(client.api.forms.access({ form: 4 })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(sent).toEqual([])
  })

  it('a prefetch whose connection dropped: the call asks again and gets the server’s answer', async () => {
    server['forms.list'] = 'drop'
    await expect(client.prefetch('forms.list')).resolves.toBeUndefined()
    delete server['forms.list']
    await expect(client.api.forms.list()).resolves.toEqual({ from: 'server' })
    expect(sent).toEqual(['forms.list', 'forms.list'])
  })

  it('a call not sent ahead that is lost says so, sent once', async () => {
    server['apps.list'] = 'drop'
    await expect(client.api.apps.list()).rejects.toMatchObject({ code: 'INTERNAL' })
    expect(sent).toEqual(['apps.list'])
  })
})
