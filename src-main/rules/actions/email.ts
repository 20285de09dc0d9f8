import { sendEmail } from '../../notify/email'
import type { ActionModule } from '../types'

/**
 * 发送邮件 over SMTP: subject and body are templates with field placeholders ({{客户名称}}).
 * Each user recipient gets a mail rendered as they may read the record (a hidden field is "—";
 * none about a record they may not view); the literal addresses, outside the app, get one mail
 * rendered with the permissions of the rule's author (RuleEngine.author).
 */
export const email: ActionModule<'email'> = {
  type: 'email',
  external: true,
  async run(action, firing, engine) {
    const users = engine.userEmails(action.to, firing)
    const literal = action.to.emails.filter((address) => !users.some((u) => u.email === address))
    const mails: Array<{ to: string[]; subject: string; text: string }> = []
    for (const { userId, email: address } of users) {
      const viewer = engine.userActor(userId)
      const seen = viewer ? engine.seenBy(firing, viewer) : null
      if (!seen?.values) continue
      mails.push({ to: [address], subject: engine.renderFor(action.subject, firing, seen), text: engine.renderFor(action.body, firing, seen) })
    }
    if (literal.length) {
      const seen = engine.seenBy(firing, engine.author(firing.rule))
      mails.push({ to: literal, subject: engine.renderFor(action.subject, firing, seen), text: engine.renderFor(action.body, firing, seen) })
    }
    for (const mail of mails) await sendEmail(engine.settings.smtp(), mail)
  }
}
