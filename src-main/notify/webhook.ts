import { createHmac } from 'node:crypto'

// Webhooks: a JSON POST of the record, or a group-robot message in DingTalk's or WeCom's format.
// A non-2xx answer, or a robot's non-zero errcode, is an error, so the job retries with backoff.

export type WebhookFormat = 'json' | 'dingtalk' | 'wecom'

/**
 * DingTalk robot signing ("加签"): sign = base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)),
 * sent as the `timestamp` and `sign` query parameters.
 */
export function dingTalkSign(secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64')
}

export function signedDingTalkUrl(url: string, secret: string, timestamp: number): string {
  const u = new URL(url)
  u.searchParams.set('timestamp', String(timestamp))
  u.searchParams.set('sign', dingTalkSign(secret, timestamp))
  return u.toString()
}

/** The request body for a format: robots get a text message, JSON gets the payload as is. */
export function webhookBody(format: WebhookFormat, text: string, payload: unknown): unknown {
  if (format === 'dingtalk') return { msgtype: 'text', text: { content: text } }
  if (format === 'wecom') return { msgtype: 'text', text: { content: text } }
  return payload
}

export async function postWebhook(input: { url: string; format: WebhookFormat; secret?: string; text: string; payload: unknown; now: number }): Promise<number> {
  const url = input.format === 'dingtalk' && input.secret ? signedDingTalkUrl(input.url, input.secret, input.now) : input.url
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'JimuCRM' },
    body: JSON.stringify(webhookBody(input.format, input.text, input.payload)),
    signal: AbortSignal.timeout(15_000)
  })
  const body = await response.text()
  if (!response.ok) throw new Error(`Webhook answered HTTP ${response.status}: ${body.slice(0, 300)}`)
  if (input.format !== 'json') {
    let parsed: { errcode?: number; errmsg?: string } = {}
    try {
      parsed = JSON.parse(body) as typeof parsed
    } catch {
      throw new Error(`Robot answered something other than JSON: ${body.slice(0, 300)}`)
    }
    if (parsed.errcode !== undefined && parsed.errcode !== 0) throw new Error(`Robot refused the message: ${parsed.errcode} ${parsed.errmsg ?? ''}`)
  }
  return response.status
}
