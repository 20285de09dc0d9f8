import nodemailer from 'nodemailer'
import type { SmtpSettings } from '../shared/api/rules'
import { ValidationError } from '../shared/errors'

/** Send one email over SMTP with the saved settings (nodemailer). Throws on any SMTP failure, so the job retries. */
export async function sendEmail(settings: SmtpSettings, message: { to: string[]; subject: string; text: string; files?: Array<{ name: string; data: Buffer; mime: string }> }): Promise<void> {
  if (!settings.host) throw new ValidationError('rules.error.smtpNotSet')
  if (!message.to.length) return
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000
  })
  try {
    await transport.sendMail({
      from: settings.from || settings.user, to: message.to.join(', '), subject: message.subject, text: message.text,
      attachments: message.files?.map((f) => ({ filename: f.name, content: f.data, contentType: f.mime }))
    })
  } finally {
    transport.close()
  }
}
