import { wallTime } from '../../clock'
import { postWebhook } from '../../notify/webhook'
import type { ActionModule } from '../types'

/**
 * Webhook: the record as JSON, or a DingTalk / WeCom group-robot text message (DingTalk signed when
 * a secret is set). It leaves the app, so text and payload hold only what the rule's author may
 * read now (RuleEngine.author): a field hidden from them is "—" in the text and absent from the
 * payload; a record they may not view is sent without its fields and title.
 */
export const webhook: ActionModule<'webhook'> = {
  type: 'webhook',
  external: true,
  async run(action, firing, engine) {
    const seen = engine.seenBy(firing, engine.author(firing.rule))
    const text = engine.renderFor(action.text || '{{规则}}：{{标题}}', firing, seen)
    const payload = {
      rule: { id: firing.rule.id, name: firing.rule.name },
      form: firing.form.apiKey,
      record: { id: firing.recordId, title: seen.title, fields: seen.values ?? {} },
      period: firing.period,
      at: new Date(engine.deps.clock.now()).toISOString()
    }
    await postWebhook({ url: action.url, format: action.format, secret: action.secret, text, payload, now: wallTime(engine.deps.clock) })
  }
}
