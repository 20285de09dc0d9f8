import type { ActionModule, ActionOf, Firing } from '../types'
import type { RuleEngine } from '../engine'

// Messages are rendered for each recipient as they may read the record (RuleEngine.renderFor):
// a field hidden from them is "—", never its value. A user who may not view the record at all is
// not notified about it (the notification would link to a record they cannot open).

function deliver(action: ActionOf<'notify'> | ActionOf<'desktop'>, firing: Firing, engine: RuleEngine, desktop: boolean): void {
  for (const userId of engine.recipients(action.to, firing)) {
    const viewer = engine.userActor(userId)
    if (!viewer) continue
    const seen = engine.seenBy(firing, viewer)
    if (!seen.values) continue
    const title = engine.renderFor(action.title, firing, seen)
    const body = engine.renderFor(action.body, firing, seen)
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
