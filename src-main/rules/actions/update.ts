import type { ActionModule } from '../types'

/** 修改字段: values or formulas over the record, written through the write pipeline as the rule. */
export const update: ActionModule<'update'> = {
  type: 'update',
  external: false,
  run(action, firing, engine) {
    const input = engine.assignments(firing.form, action.set, firing)
    engine.updateRecord(firing.rule, firing.form.id, firing.recordId, input)
  },
  validate(action, form, engine) {
    engine.checkAssignments(form, action.set)
  }
}
