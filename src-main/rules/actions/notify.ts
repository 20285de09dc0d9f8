import type { ActionModule, ActionOf, Firing } from '../types'
import type { RuleEngine } from '../engine'

function deliver(action: ActionOf<'notify'> | ActionOf<'desktop'>, firing: Firing, engine: RuleEngine, desktop: boolean): void {
  const title = engine.render(action.title, firing)
  const body = engine.render(action.body, firing)
  for (const userId of engine.recipients(action.to, firing)) {
    engine.deps.notifications.add({ userId, title, body, formId: firing.form.id, recordId: firing.recordId, ruleId: firing.rule.id, desktop })
  }
}

/** 站内通知: into each recipient's notification center, with a link to the record. */
export const notify: ActionModule<'notify'> = {
  type: 'notify',
  external: false,
  run: (action, firing, engine) => deliver(action, firing, engine, false)
}

/**
 * 桌面通知: the same entry in the notification center, flagged for the desktop app to show as a
 * native notification (the Electron shell polls for them).
 */
export const desktop: ActionModule<'desktop'> = {
  type: 'desktop',
  external: false,
  run: (action, firing, engine) => deliver(action, firing, engine, true)
}
