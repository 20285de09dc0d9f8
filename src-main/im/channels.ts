import type { Clock } from '../clock'

// One channel per provider, speaking its documented server API with fetch:
//  - DingTalk (钉钉, oapi.dingtalk.com): GET /gettoken?appkey&appsecret; work notices with
//    POST /topapi/message/corpconversation/asyncsend_v2 {agent_id, userid_list, msg: action_card};
//    contacts with POST /topapi/v2/department/listsub {dept_id} and POST /topapi/v2/user/list
//    {dept_id, cursor, size}.
//  - WeCom (企业微信, qyapi.weixin.qq.com): GET /cgi-bin/gettoken?corpid&corpsecret; application
//    messages with POST /cgi-bin/message/send {touser, agentid, msgtype: textcard}; contacts with
//    GET /cgi-bin/department/list and GET /cgi-bin/user/list?department_id.
// Both answer HTTP 200 with {errcode, errmsg}; errcode 0 is success. The access token lives
// 7200 s (expires_in) and is cached until shortly before then; an answer saying the token is
// invalid or expired drops it, fetches a new one and repeats the call once. Any other failure
// (network, HTTP status, non-zero errcode) is thrown as an ImError, so the job scheduler retries.

export type ImProvider = 'dingtalk' | 'wecom'
export const IM_PROVIDERS: readonly ImProvider[] = ['dingtalk', 'wecom']

export const DEFAULT_BASE_URL: Record<ImProvider, string> = {
  dingtalk: 'https://oapi.dingtalk.com',
  wecom: 'https://qyapi.weixin.qq.com'
}

/** errcodes meaning "this access token is not (or no longer) valid": refresh it and call again. */
const TOKEN_ERRORS: Record<ImProvider, ReadonlySet<number>> = {
  dingtalk: new Set([40001, 40014, 42001, 88]),
  wecom: new Set([40001, 40014, 42001])
}

export class ImError extends Error {
  constructor(message: string, readonly errcode: number | null = null) {
    super(message)
    this.name = 'ImError'
  }
}

export interface ImCredentials {
  baseUrl: string
  /** DingTalk appkey / WeCom corpid. */
  key: string
  /** DingTalk appsecret / WeCom corpsecret (of the application that sends). */
  secret: string
  agentId: string
}

export interface ImNotice {
  title: string
  text: string
  url: string
  button: string
}

export interface ImDepartment { id: string; name: string; parentId: string | null }
export interface ImUser { userId: string; name: string; mobile: string | null; departmentIds: string[] }

interface Answer { errcode?: number; errmsg?: string; [key: string]: unknown }

const TIMEOUT_MS = 15_000
/** Refresh this long before the provider's stated expiry, so a token never dies mid-call. */
const EXPIRY_MARGIN_MS = 5 * 60 * 1000

export abstract class ImChannel {
  private token: { value: string; expiresAt: number } | null = null
  /** Tokens fetched (tests check that the cache holds). */
  tokenFetches = 0

  constructor(readonly provider: ImProvider, readonly creds: ImCredentials, private readonly clock: Clock) {}

  protected abstract tokenPath(): string
  abstract send(userIds: string[], notice: ImNotice): Promise<void>
  abstract departments(): Promise<ImDepartment[]>
  abstract users(departmentIds: string[]): Promise<ImUser[]>

  async accessToken(): Promise<string> {
    if (this.token && this.clock.now() < this.token.expiresAt) return this.token.value
    const answer = await this.request('GET', this.tokenPath())
    const value = answer.access_token
    if (typeof value !== 'string' || !value) throw new ImError('No access_token in the answer')
    const seconds = typeof answer.expires_in === 'number' ? answer.expires_in : 7200
    this.tokenFetches++
    this.token = { value, expiresAt: this.clock.now() + Math.max(60_000, seconds * 1000 - EXPIRY_MARGIN_MS) }
    return value
  }

  /** Get a token (the connection test): proves the address, the key and the secret. */
  async check(): Promise<void> {
    this.token = null
    await this.accessToken()
  }

  /** A call with the access token; a token error refreshes it and repeats the call once. */
  protected async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken()
      const sep = path.includes('?') ? '&' : '?'
      try {
        return await this.request(method, `${path}${sep}access_token=${encodeURIComponent(token)}`, body)
      } catch (e) {
        if (attempt === 0 && e instanceof ImError && e.errcode !== null && TOKEN_ERRORS[this.provider].has(e.errcode)) {
          this.token = null
          continue
        }
        throw e
      }
    }
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
    const url = `${this.creds.baseUrl.replace(/\/+$/, '')}${path}`
    let response: Response
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? { 'user-agent': 'JimuCRM' } : { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'JimuCRM' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS)
      })
    } catch (e) {
      // The message names the host only: the URL carries the secret (gettoken) or the token.
      throw new ImError(`Cannot reach ${new URL(url).host}: ${(e as Error).message}`)
    }
    const text = await response.text()
    if (!response.ok) throw new ImError(`${new URL(url).host} answered HTTP ${response.status}`)
    let answer: Answer
    try {
      answer = JSON.parse(text) as Answer
    } catch {
      throw new ImError(`${new URL(url).host} answered something other than JSON`)
    }
    if (answer.errcode !== undefined && answer.errcode !== 0) throw new ImError(`errcode ${answer.errcode}: ${String(answer.errmsg ?? '').slice(0, 200)}`, answer.errcode)
    return answer
  }
}

export class DingTalkChannel extends ImChannel {
  constructor(creds: ImCredentials, clock: Clock) {
    super('dingtalk', creds, clock)
  }

  protected tokenPath(): string {
    return `/gettoken?appkey=${encodeURIComponent(this.creds.key)}&appsecret=${encodeURIComponent(this.creds.secret)}`
  }

  async send(userIds: string[], notice: ImNotice): Promise<void> {
    await this.call('POST', '/topapi/message/corpconversation/asyncsend_v2', {
      agent_id: Number(this.creds.agentId),
      userid_list: userIds.join(','),
      msg: { msgtype: 'action_card', action_card: { title: notice.title, markdown: `### ${notice.title}\n\n${notice.text}`, single_title: notice.button, single_url: notice.url } }
    })
  }

  /** Every department below the root (dept_id 1), walked breadth first. */
  async departments(): Promise<ImDepartment[]> {
    const out: ImDepartment[] = []
    const queue = ['1']
    for (let i = 0; i < queue.length && i < 5000; i++) {
      const answer = await this.call('POST', '/topapi/v2/department/listsub', { dept_id: Number(queue[i]) })
      for (const d of (answer.result as Array<{ dept_id: number; name: string; parent_id?: number }> | undefined) ?? []) {
        out.push({ id: String(d.dept_id), name: d.name, parentId: d.parent_id === undefined || d.parent_id === 1 ? null : String(d.parent_id) })
        queue.push(String(d.dept_id))
      }
    }
    return out
  }

  async users(departmentIds: string[]): Promise<ImUser[]> {
    const seen = new Map<string, ImUser>()
    for (const dept of ['1', ...departmentIds]) {
      let cursor = 0
      for (let page = 0; page < 1000; page++) {
        const answer = await this.call('POST', '/topapi/v2/user/list', { dept_id: Number(dept), cursor, size: 100 })
        const result = (answer.result ?? {}) as { has_more?: boolean; next_cursor?: number; list?: Array<{ userid: string; name: string; mobile?: string; dept_id_list?: number[] }> }
        for (const u of result.list ?? []) {
          if (!seen.has(u.userid)) seen.set(u.userid, { userId: u.userid, name: u.name, mobile: u.mobile || null, departmentIds: (u.dept_id_list ?? [Number(dept)]).map(String) })
        }
        if (!result.has_more || result.next_cursor === undefined) break
        cursor = result.next_cursor
      }
    }
    return [...seen.values()]
  }
}

export class WeComChannel extends ImChannel {
  constructor(creds: ImCredentials, clock: Clock) {
    super('wecom', creds, clock)
  }

  protected tokenPath(): string {
    return `/cgi-bin/gettoken?corpid=${encodeURIComponent(this.creds.key)}&corpsecret=${encodeURIComponent(this.creds.secret)}`
  }

  async send(userIds: string[], notice: ImNotice): Promise<void> {
    const answer = await this.call('POST', '/cgi-bin/message/send', {
      touser: userIds.join('|'),
      msgtype: 'textcard',
      agentid: Number(this.creds.agentId),
      textcard: { title: notice.title, description: notice.text, url: notice.url, btntxt: notice.button }
    })
    // errcode 0 with `invaliduser` set: the message went to nobody named there.
    if (typeof answer.invaliduser === 'string' && answer.invaliduser) throw new ImError(`Unknown WeCom user: ${answer.invaliduser}`, 81013)
  }

  async departments(): Promise<ImDepartment[]> {
    const answer = await this.call('GET', '/cgi-bin/department/list')
    const list = (answer.department as Array<{ id: number; name: string; parentid: number }> | undefined) ?? []
    // The root (id 1, parentid 0) is the company itself.
    return list.filter((d) => d.id !== 1).map((d) => ({ id: String(d.id), name: d.name, parentId: d.parentid === 1 || d.parentid === 0 ? null : String(d.parentid) }))
  }

  async users(departmentIds: string[]): Promise<ImUser[]> {
    const seen = new Map<string, ImUser>()
    for (const dept of ['1', ...departmentIds]) {
      const answer = await this.call('GET', `/cgi-bin/user/list?department_id=${encodeURIComponent(dept)}`)
      for (const u of (answer.userlist as Array<{ userid: string; name: string; mobile?: string; department?: number[] }> | undefined) ?? []) {
        if (!seen.has(u.userid)) seen.set(u.userid, { userId: u.userid, name: u.name, mobile: u.mobile || null, departmentIds: (u.department ?? [Number(dept)]).map(String) })
      }
    }
    return [...seen.values()]
  }
}

export function makeChannel(provider: ImProvider, creds: ImCredentials, clock: Clock): ImChannel {
  return provider === 'dingtalk' ? new DingTalkChannel(creds, clock) : new WeComChannel(creds, clock)
}
