import type { SmtpSettings } from '../shared/api/rules'
import { sendEmail } from '../notify/email'

/** Send one e-mail with one attached file over the saved SMTP settings; throws on any SMTP failure (the job retries). */
export async function sendMailWithFile(settings: SmtpSettings, message: { to: string; subject: string; text: string; file: { name: string; data: Buffer; mime: string } }): Promise<void> {
  await sendEmail(settings, { to: [message.to], subject: message.subject, text: message.text, files: [message.file] })
}
