import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

// A real SMTP server on loopback (smtp-server speaks the protocol), standing in for the office's
// mail server in tests: it keeps what it accepts, and can refuse every message to test retries.

export interface ReceivedMail {
  from: string
  to: string[]
  raw: string
}

export async function loopbackSmtp(options: { refuse?: () => boolean } = {}) {
  const messages: ReceivedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      let raw = ''
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')))
      stream.on('end', () => {
        if (options.refuse?.()) return cb(new Error('mailbox unavailable'))
        messages.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw })
        cb()
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  return { messages, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

/** The attached files of a raw MIME message: file name (as given, RFC 2231/2047 decoded by the caller if needed) → bytes. */
export function mailAttachments(raw: string): Array<{ header: string; data: Buffer }> {
  const out: Array<{ header: string; data: Buffer }> = []
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1]
  if (!boundary) return out
  for (const part of raw.split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n')
    if (split < 0) continue
    const header = part.slice(0, split)
    if (!/Content-Disposition:\s*attachment/i.test(header)) continue
    const body = part.slice(split + 4).replace(/\s+/g, '')
    out.push({ header, data: Buffer.from(body, 'base64') })
  }
  return out
}
