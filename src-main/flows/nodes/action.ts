import { approverSource, nodeConfigs } from '../../shared/api/flows'
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
    for (const v of config.values) {
      const value = valueOf(step, v)
      // An owner nobody resolved to keeps the default (the submitter).
      if (v.field === 'owner' && value === null) continue
      values[v.field] = value
    }
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
    for (const v of config.values) if (v.from === 'people' && !peopleSources(v.value)) issue('noApprovers')
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
    case 'people': {
      // The first active person (法务 role holder, a department head); nobody: left empty.
      const sources = peopleSources(v.value)
      return sources ? (step.resolve(sources, 'action')[0] ?? null) : null
    }
    case 'template':
      return String(v.value ?? '').replace(/\{(\w+)\}/g, (_, key: string) => (key === 'title' ? step.recordTitle() : String(step.value(key) ?? '')))
  }
}

/** The approver sources of a `people` value, or null when it is not a non-empty list of them. */
function peopleSources(value: unknown) {
  const parsed = approverSource.array().min(1).max(20).safeParse(value)
  return parsed.success ? parsed.data : null
}
