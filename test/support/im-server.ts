import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

// A loopback stand-in for the DingTalk and WeCom servers (which these machines cannot reach),
// speaking their documented endpoints: token issue, work notice / application message, and the
// contact lists. Both answer HTTP 200 with {errcode, errmsg}; tokens last `expires_in` seconds
// and are refused with 42001 once expired (expireTokens) or 40014 when unknown.
//   DingTalk: GET /gettoken?appkey&appsecret, POST /topapi/message/corpconversation/asyncsend_v2,
//             POST /topapi/v2/department/listsub {dept_id}, POST /topapi/v2/user/list {dept_id, cursor, size}
//   WeCom:    GET /cgi-bin/gettoken?corpid&corpsecret, POST /cgi-bin/message/send,
//             GET /cgi-bin/department/list, GET /cgi-bin/user/list?department_id
// `down` makes it drop every connection (the office without internet).

export interface FakeDept { id: number; name: string; parentId: number }
export interface FakeUser { userid: string; name: string; mobile?: string; dept: number[] }

export interface SentNotice {
  provider: 'dingtalk' | 'wecom'
  to: string[]
  agentId: number
  body: Record<string, unknown>
}

export interface ImServerOptions {
  dingtalk?: { appkey: string; appsecret: string }
  wecom?: { corpid: string; corpsecret: string }
  departments?: FakeDept[]
  users?: FakeUser[]
}

export async function imServer(options: ImServerOptions = {}) {
  const dingtalk = options.dingtalk ?? { appkey: 'dingkey', appsecret: 'dingsecret-1234' }
  const wecom = options.wecom ?? { corpid: 'ww-corp', corpsecret: 'wecomsecret-5678' }
  const departments = options.departments ?? []
  const users = options.users ?? []
  const tokens = new Map<string, { provider: 'dingtalk' | 'wecom'; expired: boolean }>()
  const state = {
    down: false,
    /** Answer this errcode to the next message send (then clear it). */
    failNextSend: null as null | { errcode: number; errmsg: string },
    sent: [] as SentNotice[],
    tokensIssued: { dingtalk: 0, wecom: 0 },
    requests: [] as string[]
  }
  let n = 0

  const json = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(body))
  }
  const readBody = (req: IncomingMessage) => new Promise<Record<string, unknown>>((resolve) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      try {
        resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {})
      } catch {
        resolve({})
      }
    })
  })
  /** The token check both providers make: 40014 unknown, 42001 expired. */
  const tokenError = (url: URL, provider: 'dingtalk' | 'wecom') => {
    const t = tokens.get(url.searchParams.get('access_token') ?? '')
    if (!t || t.provider !== provider) return { errcode: 40014, errmsg: 'invalid access_token' }
    if (t.expired) return { errcode: 42001, errmsg: 'access_token expired' }
    return null
  }
  const issue = (provider: 'dingtalk' | 'wecom') => {
    const token = `${provider}-token-${++n}`
    tokens.set(token, { provider, expired: false })
    state.tokensIssued[provider]++
    return { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 }
  }
  const childrenOf = (id: number) => departments.filter((d) => d.parentId === id)

  const server: Server = createServer((req, res) => {
    if (state.down) {
      req.socket.destroy()
      return
    }
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      state.requests.push(`${req.method} ${url.pathname}`)
      const body = req.method === 'POST' ? await readBody(req) : {}
      switch (`${req.method} ${url.pathname}`) {
        case 'GET /gettoken':
          if (url.searchParams.get('appkey') !== dingtalk.appkey || url.searchParams.get('appsecret') !== dingtalk.appsecret) return json(res, { errcode: 40089, errmsg: '不合法的corpid或corpsecret' })
          return json(res, issue('dingtalk'))
        case 'POST /topapi/message/corpconversation/asyncsend_v2': {
          const err = tokenError(url, 'dingtalk')
          if (err) return json(res, err)
          if (state.failNextSend) {
            const fail = state.failNextSend
            state.failNextSend = null
            return json(res, fail)
          }
          const msg = body.msg as { msgtype?: string } | undefined
          if (typeof body.agent_id !== 'number' || typeof body.userid_list !== 'string' || !msg?.msgtype) return json(res, { errcode: 40035, errmsg: '缺少参数' })
          state.sent.push({ provider: 'dingtalk', to: body.userid_list.split(','), agentId: body.agent_id, body })
          return json(res, { errcode: 0, errmsg: 'ok', task_id: state.sent.length, request_id: `req${state.sent.length}` })
        }
        case 'POST /topapi/v2/department/listsub': {
          const err = tokenError(url, 'dingtalk')
          if (err) return json(res, err)
          return json(res, { errcode: 0, errmsg: 'ok', result: childrenOf(Number(body.dept_id)).map((d) => ({ dept_id: d.id, name: d.name, parent_id: d.parentId })) })
        }
        case 'POST /topapi/v2/user/list': {
          const err = tokenError(url, 'dingtalk')
          if (err) return json(res, err)
          const members = users.filter((u) => u.dept.includes(Number(body.dept_id)))
          const cursor = Number(body.cursor ?? 0)
          const size = Number(body.size ?? 100)
          const page = members.slice(cursor, cursor + size)
          const more = cursor + size < members.length
          return json(res, { errcode: 0, errmsg: 'ok', result: { has_more: more, next_cursor: more ? cursor + size : undefined, list: page.map((u) => ({ userid: u.userid, name: u.name, mobile: u.mobile, dept_id_list: u.dept })) } })
        }
        case 'GET /cgi-bin/gettoken':
          if (url.searchParams.get('corpid') !== wecom.corpid || url.searchParams.get('corpsecret') !== wecom.corpsecret) return json(res, { errcode: 40001, errmsg: 'invalid credential' })
          return json(res, issue('wecom'))
        case 'POST /cgi-bin/message/send': {
          const err = tokenError(url, 'wecom')
          if (err) return json(res, err)
          if (state.failNextSend) {
            const fail = state.failNextSend
            state.failNextSend = null
            return json(res, fail)
          }
          if (typeof body.agentid !== 'number' || typeof body.touser !== 'string' || body.msgtype !== 'textcard') return json(res, { errcode: 40008, errmsg: 'invalid message type' })
          const to = body.touser.split('|')
          const unknown = to.filter((id) => !users.some((u) => u.userid === id))
          state.sent.push({ provider: 'wecom', to: to.filter((id) => !unknown.includes(id)), agentId: body.agentid, body })
          return json(res, { errcode: 0, errmsg: 'ok', invaliduser: unknown.join('|'), msgid: `m${state.sent.length}` })
        }
        case 'GET /cgi-bin/department/list': {
          const err = tokenError(url, 'wecom')
          if (err) return json(res, err)
          return json(res, { errcode: 0, errmsg: 'ok', department: [{ id: 1, name: '公司', parentid: 0, order: 1 }, ...departments.map((d) => ({ id: d.id, name: d.name, parentid: d.parentId, order: d.id }))] })
        }
        case 'GET /cgi-bin/user/list': {
          const err = tokenError(url, 'wecom')
          if (err) return json(res, err)
          const dept = Number(url.searchParams.get('department_id'))
          return json(res, { errcode: 0, errmsg: 'ok', userlist: users.filter((u) => u.dept.includes(dept)).map((u) => ({ userid: u.userid, name: u.name, mobile: u.mobile, department: u.dept })) })
        }
        default:
          res.writeHead(404)
          res.end()
      }
    })()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    base,
    state,
    dingtalk,
    wecom,
    /** Every token issued so far answers 42001 from now on. */
    expireTokens: () => {
      for (const t of tokens.values()) t.expired = true
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections()
      server.close(() => r())
    })
  }
}
