import nodemailer from 'nodemailer'
import type { SmtpSettings } from '../shared/api/rules'
import { ValidationError } from '../shared/errors'

/** Send one e-mail with one attached file over the saved SMTP settings; throws on any SMTP failure (the job retries). */
export async function sendMailWithFile(settings: SmtpSettings, message: { to: string; subject: string; text: string; file: { name: string; data: Buffer; mime: string } }): Promise<void> {
  if (!settings.host) throw new ValidationError('rules.error.smtpNotSet')
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
      from: settings.from || settings.user,
      to: message.to,
      subject: message.subject,
      text: message.text,
      attachments: [{ filename: message.file.name, content: message.file.data, contentType: message.file.mime }]
    })
  } finally {
    transport.close()
  }
}
