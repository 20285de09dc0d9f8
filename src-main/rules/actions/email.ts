import { sendEmail } from '../../notify/email'
import type { ActionModule } from '../types'

/** 发送邮件 over SMTP: subject and body are templates with field placeholders ({{客户名称}}). */
export const email: ActionModule<'email'> = {
  type: 'email',
  external: true,
  async run(action, firing, engine) {
    const to = engine.emails(action.to, firing)
    if (!to.length) return
    await sendEmail(engine.settings.smtp(), { to, subject: engine.render(action.subject, firing), text: engine.render(action.body, firing) })
  }
}
