import { z } from 'zod'
import { filterNode, formRef, id, method, ok, type MethodContract } from './core'

// API methods of the rule engine (rules, scheduler jobs, notifications, email, webhooks), declared with the helpers in ./core and merged into the one contract
// table in ./contracts. This engine's handlers live in src-main/api/handlers/rules.ts.
//
// A rule is "when (trigger) / if (condition) / then (actions)" on one form. Fields are named by
// API key; a sub-table column as `<subtable>.<column>` (contract.plan.dueDate).

const fieldKey = z.string().trim().min(1).max(130)
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/)

export const TRIGGER_TYPES = ['created', 'updated', 'deleted', 'flowFinished', 'schedule', 'dateRelative', 'inactivity'] as const
export type TriggerType = (typeof TRIGGER_TYPES)[number]

export const ruleTrigger = z.discriminatedUnion('type', [
  z.object({ type: z.literal('created') }),
  z.object({
    type: z.literal('updated'),
    /** Any of these fields changed; empty or absent = any change. */
    fields: z.array(fieldKey).max(50).optional(),
    /** Changed from → to on the first of `fields` (select option id, text, number…); absent = any. */
    from: z.unknown().optional(),
    to: z.unknown().optional()
  }),
  z.object({ type: z.literal('deleted') }),
  z.object({ type: z.literal('flowFinished'), outcome: z.enum(['approved', 'rejected', 'any']).default('any') }),
  z.object({
    type: z.literal('schedule'),
    every: z.enum(['day', 'week', 'month']),
    time,
    /** 1 = Monday … 7 = Sunday (weekly). */
    weekday: z.number().int().min(1).max(7).optional(),
    /** Day of the month (monthly); past the month's end means its last day. */
    monthday: z.number().int().min(1).max(31).optional()
  }),
  z.object({
    type: z.literal('dateRelative'),
    field: fieldKey,
    amount: z.number().int().min(0).max(3650),
    unit: z.enum(['day', 'hour']),
    direction: z.enum(['before', 'after']),
    /** For date (not date-time) fields: the time of day the date stands for (default 09:00). */
    time: time.optional()
  }),
  z.object({
    type: z.literal('inactivity'),
    days: z.number().int().min(1).max(3650),
    /** The activity form (follow-ups) and its relation field pointing at this form. */
    activityForm: z.string().min(1).max(64).default('followUp'),
    activityField: fieldKey.optional()
  })
])
export type RuleTrigger = z.infer<typeof ruleTrigger>

/** Whom a notification or email goes to. */
export const recipients = z.object({
  owner: z.boolean().default(false),
  /** The owner's manager (manager chain, first step). */
  manager: z.boolean().default(false),
  users: z.array(id).max(100).default([]),
  /** Every user in these roles (finance…). */
  roles: z.array(id).max(20).default([]),
  /** Roles by key (finance, sales_manager): what shipped rules use, as role ids differ per install. */
  roleKeys: z.array(z.string().min(1).max(64)).max(20).default([]),
  /** Member fields of the record (assignee…). */
  fields: z.array(fieldKey).max(10).default([]),
  /** Literal addresses (email only). */
  emails: z.array(z.string().email()).max(50).default([])
})
export type Recipients = z.infer<typeof recipients>

/** A value to write: a literal, or a formula over the record (`{金额} * 0.1`, `TODAY() + 3`). */
export const assignment = z.object({ field: fieldKey, value: z.unknown().optional(), formula: z.string().max(2000).optional() })
export type Assignment = z.infer<typeof assignment>

export const ACTION_TYPES = ['update', 'create', 'assign', 'pool', 'startFlow', 'notify', 'desktop', 'email', 'webhook', 'score'] as const
export type ActionType = (typeof ACTION_TYPES)[number]

export const ruleAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('update'), set: z.array(assignment).min(1).max(50) }),
  z.object({
    type: z.literal('create'),
    form: z.string().min(1).max(64),
    set: z.array(assignment).max(50).default([]),
    /** A relation field of the new record that points back at the triggering record. */
    link: fieldKey.optional(),
    /** Owner of the new record: the triggering record's owner (default) or nobody. */
    owner: z.enum(['recordOwner', 'none']).default('recordOwner')
  }),
  z.object({
    type: z.literal('assign'),
    mode: z.enum(['user', 'roundRobin', 'leastLoaded', 'mapping']),
    userId: id.optional(),
    /** Candidates for round-robin / least-loaded: these users, or every active user of the department. */
    userIds: z.array(id).max(200).default([]),
    departmentId: id.optional(),
    /** mapping: the field whose value picks the rep (city, region) and value → user id. */
    mapField: fieldKey.optional(),
    map: z.array(z.object({ value: z.string().min(1).max(100), userId: id })).max(500).default([]),
    /** mapping: who gets a record whose value is not in the map (absent = left unassigned). */
    fallbackUserId: id.optional()
  }),
  z.object({ type: z.literal('pool'), op: z.enum(['return', 'claim']), userId: id.optional() }),
  z.object({ type: z.literal('startFlow'), flow: z.union([id, z.string().min(1).max(64)]) }),
  z.object({ type: z.literal('notify'), to: recipients, title: z.string().min(1).max(200), body: z.string().max(2000).default('') }),
  z.object({ type: z.literal('desktop'), to: recipients, title: z.string().min(1).max(200), body: z.string().max(2000).default('') }),
  z.object({ type: z.literal('email'), to: recipients, subject: z.string().min(1).max(200), body: z.string().max(20000).default('') }),
  z.object({
    type: z.literal('webhook'),
    url: z.string().url().max(2000),
    format: z.enum(['json', 'dingtalk', 'wecom']).default('json'),
    /** DingTalk robot signing secret (SEC…). */
    secret: z.string().max(200).optional(),
    /** Message text for the robot formats. */
    text: z.string().max(4000).default('')
  }),
  z.object({
    type: z.literal('score'),
    field: fieldKey.default('score'),
    delta: z.number().min(-10000).max(10000),
    /** Score the record this relation field points to (a follow-up scores its lead) instead of the record itself. */
    via: fieldKey.optional()
  })
])
export type RuleAction = z.infer<typeof ruleAction>

export const ruleCondition = z.object({ filter: filterNode.optional(), formula: z.string().max(2000).optional() })
export type RuleCondition = z.infer<typeof ruleCondition>

/** A rule's settings without defaults: a partial update changes only what it names. */
const ruleFields = z.object({
  name: z.string().trim().min(1).max(100),
  form: formRef,
  enabled: z.boolean(),
  trigger: ruleTrigger,
  condition: ruleCondition,
  actions: z.array(ruleAction).min(1).max(20),
  /** At most this many firings per hour (null = no limit). */
  rateLimit: z.number().int().min(1).max(100000).nullable(),
  description: z.string().max(1000).nullable()
})

export const ruleInput = ruleFields.extend({
  enabled: ruleFields.shape.enabled.default(false),
  condition: ruleFields.shape.condition.default({}),
  rateLimit: ruleFields.shape.rateLimit.default(null),
  description: ruleFields.shape.description.default(null)
})
export type RuleInput = z.input<typeof ruleInput>
export const ruleUpdate = ruleFields.partial()

export const ruleDto = z.object({
  id,
  name: z.string(),
  formId: id,
  formKey: z.string(),
  formLabel: z.string(),
  enabled: z.boolean(),
  trigger: ruleTrigger,
  condition: ruleCondition,
  actions: z.array(ruleAction),
  rateLimit: z.number().nullable(),
  description: z.string().nullable(),
  source: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  lastRunAt: z.number().nullable()
})
export type RuleDto = z.infer<typeof ruleDto>

export const ruleRunDto = z.object({
  id,
  ruleId: id,
  trigger: z.string(),
  startedAt: z.number(),
  durationMs: z.number(),
  matched: z.number(),
  actions: z.number(),
  errors: z.array(z.string()),
  records: z.array(z.number())
})
export type RuleRunDto = z.infer<typeof ruleRunDto>

export const jobDto = z.object({
  id,
  kind: z.string(),
  payload: z.unknown(),
  runAt: z.number(),
  attempts: z.number(),
  maxAttempts: z.number(),
  lastError: z.string().nullable(),
  status: z.enum(['pending', 'running', 'done', 'failed']),
  updatedAt: z.number()
})

export const dryRunDto = z.object({
  /** Records the rule would act on now (for record-event triggers: records matching the condition). */
  now: z.array(z.object({ id, title: z.string() })),
  nowTotal: z.number(),
  /** What it would have done over the last N days, replayed from the change log. */
  history: z.array(z.object({ at: z.number(), id, title: z.string(), event: z.string() })),
  historyTotal: z.number(),
  actions: z.array(z.string())
})
export type DryRunDto = z.infer<typeof dryRunDto>

export const notificationDto = z.object({
  id,
  title: z.string(),
  body: z.string(),
  formId: z.number().nullable(),
  formKey: z.string().nullable(),
  recordId: z.number().nullable(),
  ruleId: z.number().nullable(),
  createdAt: z.number(),
  readAt: z.number().nullable()
})
export type NotificationDto = z.infer<typeof notificationDto>

export const smtpSettings = z.object({
  host: z.string().trim().max(200).default(''),
  port: z.number().int().min(1).max(65535).default(465),
  secure: z.boolean().default(true),
  user: z.string().max(200).default(''),
  /** Write-only: never returned; an absent or empty value keeps the stored one. */
  password: z.string().max(500).optional(),
  from: z.string().max(200).default('')
})
export type SmtpSettings = z.infer<typeof smtpSettings>

export const ruleContracts = {
  'rules.list': method({ access: 'admin', summary: 'Every rule, with its last run', input: z.object({ form: formRef.optional() }).default({}), output: z.array(ruleDto) }),
  'rules.get': method({ access: 'admin', summary: 'One rule', input: z.object({ id }), output: ruleDto }),
  'rules.create': method({ access: 'admin', summary: 'Create a rule (disabled unless enabled is set)', input: ruleInput, output: ruleDto }),
  'rules.update': method({ access: 'admin', summary: 'Change a rule: only the settings given', input: ruleUpdate.extend({ id }), output: ruleDto }),
  'rules.delete': method({ access: 'admin', summary: 'Delete a rule and its run log', input: z.object({ id }), output: ok }),
  'rules.setEnabled': method({ access: 'admin', summary: 'Enable or disable a rule', input: z.object({ id, enabled: z.boolean() }), output: ruleDto }),
  'rules.dryRun': method({
    access: 'admin', summary: 'Which records a rule (saved or draft) would touch now, and what it would have done over the last N days',
    input: z.object({ id: id.optional(), rule: ruleInput.optional(), days: z.number().int().min(1).max(365).default(30) }),
    output: dryRunDto
  }),
  'rules.runs': method({ access: 'admin', summary: "A rule's run log, newest first", input: z.object({ id, limit: z.number().int().min(1).max(500).default(100) }), output: z.array(ruleRunDto) }),
  'jobs.list': method({ access: 'admin', summary: 'Background jobs by status', input: z.object({ status: z.enum(['pending', 'running', 'done', 'failed']).optional(), limit: z.number().int().min(1).max(500).default(100) }).default({ limit: 100 }), output: z.array(jobDto) }),
  'jobs.retry': method({ access: 'admin', summary: 'Run a failed job again', input: z.object({ id }), output: jobDto }),
  'notify.smtpGet': method({ access: 'admin', summary: 'SMTP settings (password never returned)', input: z.object({}).default({}), output: smtpSettings.omit({ password: true }).extend({ hasPassword: z.boolean() }) }),
  'notify.smtpSet': method({ access: 'admin', summary: 'Save SMTP settings', input: smtpSettings, output: ok }),
  'notify.smtpTest': method({ access: 'admin', summary: 'Send a test email with the saved settings', input: z.object({ to: z.string().email() }), output: ok }),
  'notify.webhookTest': method({ access: 'admin', summary: 'POST a test message to a webhook', input: z.object({ url: z.string().url(), format: z.enum(['json', 'dingtalk', 'wecom']), secret: z.string().max(200).optional() }), output: z.object({ status: z.number() }) }),
  'notifications.list': method({ access: 'user', summary: 'My notifications, newest first', input: z.object({ unreadOnly: z.boolean().default(false), limit: z.number().int().min(1).max(200).default(50) }).default({ unreadOnly: false, limit: 50 }), output: z.object({ items: z.array(notificationDto), unread: z.number() }) }),
  'notifications.markRead': method({ access: 'user', summary: 'Mark my notifications read (all when ids is absent)', input: z.object({ ids: z.array(id).max(1000).optional() }), output: z.object({ unread: z.number() }) }),
  'clock.get': method({ access: 'user', summary: 'The server clock, and whether it can be moved (serve --now)', input: z.object({}).default({}), output: z.object({ now: z.number(), adjustable: z.boolean() }) }),
  'clock.advance': method({
    access: 'admin', summary: 'Demos and tests: move the server clock forward (only when serve was started with --now) and run due work',
    input: z.object({ ms: z.number().int().min(0).max(366 * 24 * 3600 * 1000) }),
    output: z.object({ now: z.number() })
  })
} as const satisfies Record<string, MethodContract>

/** Methods of this engine a read-only API token may call. */
export const RULE_READ_ONLY: readonly string[] = ['rules.list', 'rules.get', 'rules.runs', 'jobs.list', 'notifications.list', 'clock.get']
