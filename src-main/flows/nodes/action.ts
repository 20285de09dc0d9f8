import { nodeConfigs } from '../../shared/api/flows'
import type { z } from 'zod'
import type { NodeModule, StepApi } from '../types'

type Config = z.infer<typeof nodeConfigs.action>

/**
 * Automatic action (自动操作): update fields of this record, or create a record (e.g. a legal review
 * task linked to the opportunity). Runs through the write pipeline inside the step's transaction.
 */
export const actionNode: NodeModule<Config> = {
  type: 'action',
  config: nodeConfigs.action,
  enter(step, node, config) {
    const values: Record<string, unknown> = {}
    for (const v of config.values) values[v.field] = valueOf(step, v)
    if (config.kind === 'update') step.updateRecord(values)
    else if (config.form) {
      const id = step.createRecord(config.form, values)
      step.history('recordCreated', { form: config.form, recordId: id }, node.id)
    }
    return { next: step.outgoing(node.id) }
  },
  validate(node, config, ctx, issue) {
    if (ctx.outgoing(node.id).length !== 1) issue('needsOneOutgoing')
    if (!config.values.length) issue('actionNoValues')
    if (config.kind === 'create' && (!config.form || !ctx.formExists(config.form))) issue('actionNoForm')
    if (config.kind === 'update') for (const v of config.values) if (!ctx.field(v.field)) issue('unknownField', { field: v.field })
    for (const v of config.values) if (v.from === 'field' && (typeof v.value !== 'string' || !ctx.field(v.value))) issue('unknownField', { field: String(v.value ?? '') })
  }
}

function valueOf(step: StepApi, v: Config['values'][number]): unknown {
  switch (v.from) {
    case 'value':
      return v.value ?? null
    case 'field':
      return step.value(String(v.value))
    case 'record':
      return step.recordId
    case 'submitter':
      return step.submitterId
    case 'template':
      return String(v.value ?? '').replace(/\{(\w+)\}/g, (_, key: string) => (key === 'title' ? step.recordTitle() : String(step.value(key) ?? '')))
  }
}
