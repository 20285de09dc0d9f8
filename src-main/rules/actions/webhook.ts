import { wallTime } from '../../clock'
import { postWebhook } from '../../notify/webhook'
import type { ActionModule } from '../types'

/** Webhook: the record as JSON, or a DingTalk / WeCom group-robot text message (DingTalk signed when a secret is set). */
export const webhook: ActionModule<'webhook'> = {
  type: 'webhook',
  external: true,
  async run(action, firing, engine) {
    const text = engine.render(action.text || '{{规则}}：{{标题}}', firing)
    const payload = {
      rule: { id: firing.rule.id, name: firing.rule.name },
      form: firing.form.apiKey,
      record: { id: firing.recordId, title: firing.title, fields: firing.values },
      period: firing.period,
      at: new Date(engine.deps.clock.now()).toISOString()
    }
    await postWebhook({ url: action.url, format: action.format, secret: action.secret, text, payload, now: wallTime(engine.deps.clock) })
  }
}
