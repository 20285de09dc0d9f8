import { z } from 'zod'
import { FIELD_TYPES, FILTER_OPERATORS } from '../field-types'

// The platform core's API methods. Every API method is declared once (here or in its engine's file beside this one): name, zod input and output, who may call it.
// Types, validation, the preload whitelist, the HTTP routes and the OpenAPI document are all
// derived from this table (see src-main/api). Pure TypeScript: the renderer imports it too.

/** Who may call: anyone, any signed-in user (the handler checks finer rights), administrators. */
export type Access = 'public' | 'user' | 'admin'
export interface MethodContract<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I
  output: O
  access: Access
  summary: string
}
export const method = <I extends z.ZodType, O extends z.ZodType>(c: MethodContract<I, O>) => c

export const id = z.number().int().positive()
export const label = z.string().trim().min(1).max(100)
export const apiKey = z.string().trim().regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/)
/** A form may be addressed by numeric id or by its API key. */
export const formRef = z.union([id, z.string().min(1).max(64)])

export const userRef = z.object({ id, name: z.string() }).nullable()
export const userDto = z.object({
  id,
  name: z.string(),
  login: z.string(),
  isAdmin: z.boolean(),
  active: z.boolean(),
  locale: z.enum(['zh-CN', 'en']),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  departmentId: id.nullable(),
  managerId: id.nullable(),
  roleIds: z.array(id),
  /** The names of those roles but the administrator role (`isAdmin` says that one, in the reader's language), shown under the user's name. */
  roleNames: z.array(z.string()),
  /** Set while the account is locked after repeated failed logins (ISO time it unlocks). */
  lockedUntil: z.string().nullable()
})
export type UserDto = z.infer<typeof userDto>
/** A colleague as every signed-in user sees them (member pickers, names): no contact data, login or roles. */
export const colleagueDto = z.object({ id, name: z.string(), departmentId: id.nullable(), active: z.boolean() })
export type ColleagueDto = z.infer<typeof colleagueDto>

export const departmentDto = z.object({ id, name: z.string(), parentId: id.nullable(), headUserId: id.nullable(), position: z.number() })
export const roleDto = z.object({ id, key: z.string(), name: z.string(), description: z.string().nullable(), isAdmin: z.boolean(), userCount: z.number() })

export const RECORD_ACTIONS = ['view', 'create', 'edit', 'delete', 'import', 'export', 'design', 'transfer'] as const
export const DATA_SCOPES = ['own', 'department', 'departmentTree', 'all', 'custom'] as const
export const permissionDto = z.object({
  formId: id,
  actions: z.array(z.enum(RECORD_ACTIONS)),
  /** Which records the actions apply to: own (owner or collaborator), own department, department and sub-departments, all, or a custom filter. */
  scope: z.enum(DATA_SCOPES),
  scopeFilter: z.lazy(() => filterNode).nullable().optional(),
  /** Per field id: hidden or read-only for this role. */
  fieldRules: z.record(z.string(), z.enum(['hidden', 'readonly']))
})
export type PermissionDto = z.infer<typeof permissionDto>

export const auditEntryDto = z.object({
  id,
  op: z.string(),
  formId: id.nullable(),
  formLabel: z.string().nullable(),
  recordId: id.nullable(),
  actor: z.object({ id, name: z.string() }).nullable(),
  at: z.string(),
  changes: z.record(z.string(), z.object({ old: z.unknown(), new: z.unknown() })),
  detail: z.record(z.string(), z.unknown()).nullable(),
  /** The action, what it was about (record title with its form, or the person or file) and each change or detail, in the reader's language. */
  opLabel: z.string(),
  target: z.string().nullable(),
  lines: z.array(z.object({ key: z.string(), label: z.string(), old: z.string().nullable(), new: z.string() }))
})

export const auditVerifyDto = z.object({
  ok: z.boolean(),
  checked: z.number(),
  /** The first entry whose link, content or checkpoint does not check out. */
  brokenAt: id.nullable(),
  /** Entries after this id are missing: the checkpoint recorded a later one. */
  missingAfter: z.number().nullable(),
  checkpoint: z.object({ id: z.number(), at: z.string() }).nullable(),
  /** Entries up to this id were chained without a key (before the upgrade) and anchored since. */
  legacyThrough: z.number().nullable(),
  badCheckpoints: z.number(),
  /** The verdict in the caller's language. */
  message: z.string()
})

export const appDto = z.object({ id, label: z.string(), apiKey: z.string(), icon: z.string().nullable(), position: z.number() })

export const fieldDto = z.object({
  id,
  formId: id,
  parentFieldId: id.nullable(),
  label: z.string(),
  apiKey: z.string(),
  type: z.enum(FIELD_TYPES),
  config: z.record(z.string(), z.unknown()),
  required: z.boolean(),
  unique: z.boolean(),
  description: z.string().nullable(),
  defaultValue: z.unknown().nullable(),
  position: z.number(),
  deletedAt: z.number().nullable(),
  /** For formula fields: the inferred result type. */
  resultType: z.string().nullable(),
  /** Shown on the record page only when the record matches this filter (e.g. 销售阶段 = 输单). */
  visibleWhen: z.lazy(() => filterNode).nullable(),
  /** Required only when the record matches this filter; enforced by the write pipeline. */
  requiredWhen: z.lazy(() => filterNode).nullable(),
  /** Required on a write that makes the record match this filter (entering 赢单), not on edits of a record already matching it. */
  requiredOnEnter: z.lazy(() => filterNode).nullable().optional()
})
export type FieldDto = z.infer<typeof fieldDto>

export const formValidationRule = z.object({
  formula: z.string().min(1).max(5000),
  message: z.string().min(1).max(300),
  /** API key of the field the message is shown on. */
  field: z.string().optional()
})

/**
 * How the record page arranges a form's fields: tabs holding sections of 1–3 columns. Fields are
 * referenced by id; live fields missing from the layout are shown after it, in field order.
 */
export const formLayout = z.object({
  tabs: z.array(z.object({
    id: z.string().min(1).max(40),
    label: z.string().trim().max(100),
    sections: z.array(z.object({
      id: z.string().min(1).max(40),
      label: z.string().trim().max(100).nullable(),
      columns: z.number().int().min(1).max(3).default(2),
      fieldIds: z.array(id).max(1000)
    })).max(50)
  })).min(1).max(20)
})
export type FormLayout = z.infer<typeof formLayout>

/** A field as the form designer names it in one save: its draft key (new fields have no id yet). */
const designKey = z.string().min(1).max(64)

/**
 * The form designer's save, applied in one transaction: fields are named by the designer's keys,
 * `ids` gives the ids of the saved ones; conditions name fields by those keys too.
 */
export const formDesign = z.object({
  form: formRef,
  label: label.optional(),
  description: z.string().max(1000).nullable().optional(),
  ids: z.record(designKey, id).default({}),
  deletes: z.array(id).max(500).default([]),
  /** New fields, parents before their children; a new sub-table's children are listed in `children` with their keys. */
  creates: z.array(z.object({
    key: designKey,
    parent: designKey.nullable().default(null),
    field: z.lazy(() => fieldInput),
    childKeys: z.array(designKey).max(100).default([])
  })).max(500).default([]),
  updates: z.array(z.object({
    id, label: label.optional(), apiKey: apiKey.optional(), type: z.enum(FIELD_TYPES).optional(), config: z.record(z.string(), z.unknown()).optional(),
    required: z.boolean().optional(), unique: z.boolean().optional(), description: z.string().max(1000).nullable().optional(), defaultValue: z.unknown().optional(),
    acceptLoss: z.boolean().default(false)
  })).max(500).default([]),
  conditions: z.array(z.object({ key: designKey, visibleWhen: z.lazy(() => filterNode).nullable(), requiredWhen: z.lazy(() => filterNode).nullable(), requiredOnEnter: z.lazy(() => filterNode).nullable().default(null) })).max(500).default([]),
  positions: z.array(z.object({ key: designKey, position: z.number().int().min(0) })).max(1000).default([]),
  titleField: designKey.nullable().optional(),
  layout: z.object({
    tabs: z.array(z.object({
      id: z.string().min(1).max(40),
      label: z.string().trim().max(100),
      sections: z.array(z.object({ id: z.string().min(1).max(40), label: z.string().trim().max(100).nullable(), columns: z.number().int().min(1).max(3).default(2), fields: z.array(designKey) })).max(50)
    })).min(1).max(20)
  }).optional()
})
export type FormDesign = z.input<typeof formDesign>

export const formDto = z.object({
  id,
  /** Null until someone arranges the form in the designer: one section, two columns. */
  layout: formLayout.nullable(),
  appId: id,
  label: z.string(),
  apiKey: z.string(),
  description: z.string().nullable(),
  titleFieldId: id.nullable(),
  validations: z.array(formValidationRule),
  position: z.number(),
  fields: z.array(fieldDto),
  schemaVersion: z.number()
})
export type FormDto = z.infer<typeof formDto>

export interface FilterCondition {
  field: string
  op: (typeof FILTER_OPERATORS)[number]
  value?: unknown
}
export type FilterNode = FilterCondition | { and: FilterNode[] } | { or: FilterNode[] }

/**
 * How big a filter a request may carry. Far above what a person builds in the filter editor
 * (a few groups of a few conditions), far below what breaks the parser's stack, SQLite's
 * expression depth and LIKE pattern limits, or the query builder's time.
 */
export const FILTER_LIMITS = { depth: 20, children: 200, conditions: 500, values: 1000, valueDepth: 4, valueLength: 2000 } as const

/** Why an input is refused before it is parsed: an i18n key and its parameters (see the dispatcher). */
export interface InputLimitIssue { messageKey: string; [param: string]: string | number }

/**
 * Measures a filter without recursion, so a hostile one nested 100,000 levels deep or 50,000
 * conditions wide is refused before the recursive schema (and later the query builder) walks it.
 * Shape errors are left to the schema; only size is judged here.
 */
export function filterLimitIssue(input: unknown): InputLimitIssue | null {
  const nodes: Array<[unknown, number]> = [[input, 1]]
  let conditions = 0
  let values = 0
  while (nodes.length) {
    const [node, depth] = nodes.pop()!
    if (typeof node !== 'object' || node === null) continue
    if (depth > FILTER_LIMITS.depth) return { messageKey: 'value.filterTooDeep', max: FILTER_LIMITS.depth }
    const group = node as { and?: unknown; or?: unknown; value?: unknown }
    const children = [group.and, group.or].filter(Array.isArray)
    if (children.length) {
      for (const list of children) {
        if (list.length > FILTER_LIMITS.children) return { messageKey: 'value.filterTooWide', max: FILTER_LIMITS.children }
        for (const child of list) nodes.push([child, depth + 1])
      }
      continue
    }
    if (++conditions > FILTER_LIMITS.conditions) return { messageKey: 'value.filterTooManyConditions', max: FILTER_LIMITS.conditions }
    const parts: Array<[unknown, number]> = [[group.value, 1]]
    while (parts.length) {
      const [part, level] = parts.pop()!
      if (typeof part === 'string' && part.length > FILTER_LIMITS.valueLength) return { messageKey: 'value.filterValueTooLong', max: FILTER_LIMITS.valueLength }
      if (typeof part !== 'object' || part === null) continue
      if (level > FILTER_LIMITS.valueDepth) return { messageKey: 'value.filterValueTooDeep', max: FILTER_LIMITS.valueDepth }
      const items = Array.isArray(part) ? part : Object.values(part)
      values += items.length
      if (values > FILTER_LIMITS.values) return { messageKey: 'value.filterTooManyValues', max: FILTER_LIMITS.values }
      for (const item of items) parts.push([item, level + 1])
    }
  }
  return null
}

const filterTree: z.ZodType<FilterNode> = z.lazy(() =>
  z.union([
    z.object({ and: z.array(filterTree) }),
    z.object({ or: z.array(filterTree) }),
    z.object({ field: z.string().min(1), op: z.enum(FILTER_OPERATORS), value: z.unknown().optional() })
  ])
)
/**
 * A filter in a request, bounded by FILTER_LIMITS. A preprocess step, not a refinement: a
 * refinement would run after the recursive parse that a deep filter overflows. (The OpenAPI
 * document shows the tree: a preprocessed schema documents what follows the step.)
 */
export const filterNode: z.ZodType<FilterNode> = z.preprocess((input, ctx) => {
  const issue = filterLimitIssue(input)
  if (issue) ctx.addIssue({ code: 'custom', message: issue.messageKey, params: issue, input: '(filter)' })
  return input
}, filterTree)

/** Characters a search never needs and the full-text index refuses: C0 controls (tab, CR and LF are kept) and DEL. */
// oxlint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/
/** Search text as typed into a search box: bounded, no control characters. */
export const searchText = (max: number) =>
  z.string().max(max).refine((s) => !CONTROL_CHARACTERS.test(s), { message: 'value.controlCharacters', params: { messageKey: 'value.controlCharacters' } })
export const sortSpec = z.object({ field: z.string().min(1), dir: z.enum(['asc', 'desc']).default('asc') })

/** The deepest offset a list accepts: beyond it SQLite would step over that many rows per page; use the cursor. */
export const MAX_OFFSET = 100_000
export const recordQuery = z.object({
  form: formRef,
  filter: filterNode.optional(),
  sort: z.array(sortSpec).max(5).optional(),
  search: searchText(200).optional(),
  limit: z.number().int().min(1).max(500).default(50),
  /** Opaque keyset cursor returned as `nextCursor` by the previous page. */
  cursor: z.string().max(2000).optional(),
  /** Skip this many matching records (page numbers for integrations); keyset `cursor` is the fast path, not both. */
  offset: z.number().int().min(0).max(MAX_OFFSET).optional(),
  /** Also return the total number of matching records. */
  withTotal: z.boolean().default(false),
  /** Sum these number/amount fields over all matching records (table footer). */
  totals: z.array(z.string()).max(20).optional()
})
export type RecordQuery = z.input<typeof recordQuery>

export const recordDto = z.object({
  id,
  fields: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: userRef,
  updatedBy: userRef,
  owner: userRef,
  version: z.number(),
  deletedAt: z.string().nullable().optional()
})
export type RecordDto = z.infer<typeof recordDto>

/**
 * A create or update that committed but left the record outside the caller's scope (a rule
 * assigned the lead to another rep; a record created for someone else): saved, not an error, and
 * not shown. `owner` is the record's owner now (user names are known to every user).
 */
export const savedOutOfScope = z.object({
  id,
  outOfScope: z.literal(true),
  owner: userRef,
  /** What was done, in the caller's language (已保存；现已分配给 徐明，您将无法再打开此记录). */
  message: z.string()
})
export type SavedOutOfScope = z.infer<typeof savedOutOfScope>
/** What a record write answers: the record as the caller now sees it, or that it is saved out of their sight. */
export const recordWriteResult = z.union([recordDto, savedOutOfScope])
export type RecordWriteResult = z.infer<typeof recordWriteResult>

export const recordPage = z.object({
  records: z.array(recordDto),
  nextCursor: z.string().nullable(),
  total: z.number().optional(),
  totals: z.record(z.string(), z.number().nullable()).optional()
})

export const changeEntry = z.object({
  id,
  op: z.enum(['create', 'update', 'delete', 'restore']),
  changes: z.record(z.string(), z.object({ old: z.unknown(), new: z.unknown() })),
  actor: userRef,
  at: z.string()
})

export const fieldInput = z.object({
  label,
  apiKey: apiKey.optional(),
  type: z.enum(FIELD_TYPES),
  config: z.record(z.string(), z.unknown()).default({}),
  required: z.boolean().default(false),
  unique: z.boolean().default(false),
  description: z.string().max(1000).nullable().optional(),
  defaultValue: z.unknown().optional(),
  /** For sub-table child fields: the sub-table field they belong to. */
  parentFieldId: id.optional(),
  /** Child fields created together with a sub-table field. */
  children: z.array(z.lazy((): z.ZodType => fieldInput)).max(200).optional(),
  visibleWhen: z.lazy(() => filterNode).nullable().optional(),
  requiredWhen: z.lazy(() => filterNode).nullable().optional(),
  requiredOnEnter: z.lazy(() => filterNode).nullable().optional()
})
export type FieldInput = z.input<typeof fieldInput>

export const schemaChangeReport = z.object({
  field: fieldDto,
  /** False for a dry run, or when values would not convert and the loss was not accepted. */
  applied: z.boolean(),
  converted: z.number(),
  failures: z.array(z.object({ recordId: id, value: z.unknown(), message: z.string() }))
})

export const VIEW_TYPES = ['table', 'kanban', 'calendar'] as const
/** A saved view's settings. Fields are referenced by API key (kept current when a key is renamed). */
export const viewConfig = z.object({
  filter: z.lazy(() => filterNode).nullable().default(null),
  sort: z.array(sortSpec).max(5).default([]),
  /** Column order, widths, hidden and frozen columns (table); missing fields follow, visible. */
  columns: z.array(z.object({ field: z.string().min(1), width: z.number().int().min(40).max(2000).optional(), hidden: z.boolean().optional() })).max(500).default([]),
  /** How many leading visible columns stay put while scrolling sideways. */
  frozen: z.number().int().min(0).max(10).default(1),
  groupBy: z.string().nullable().default(null),
  rowHeight: z.enum(['short', 'medium', 'tall']).default('short'),
  /** Kanban: the single-select field whose options are the columns, the fields on a card, the number field totalled per column. */
  kanbanField: z.string().nullable().default(null),
  cardFields: z.array(z.string()).max(10).default([]),
  sumField: z.string().nullable().default(null),
  /** Calendar: the date or datetime field records are placed by, and month or week. */
  calendarField: z.string().nullable().default(null),
  calendarMode: z.enum(['month', 'week']).default('month')
})
export type ViewConfig = z.infer<typeof viewConfig>
export const viewDto = z.object({
  id,
  formId: id,
  name: z.string(),
  type: z.enum(VIEW_TYPES),
  /** Shared views are seen by everyone who may view the form; personal ones only by their owner. */
  shared: z.boolean(),
  ownerId: id.nullable(),
  position: z.number(),
  config: viewConfig
})
export type ViewDto = z.infer<typeof viewDto>

export const backupDto = z.object({ file: z.string(), reason: z.string(), createdAt: z.string(), size: z.number() })
export const ok = z.object({ ok: z.literal(true) })

export const coreContracts = {
  'system.status': method({
    access: 'public', summary: 'Whether the first-run setup is needed, and the server version',
    input: z.object({}).default({}),
    output: z.object({ needsSetup: z.boolean(), version: z.string(), user: userDto.nullable() })
  }),
  'auth.setup': method({
    access: 'public', summary: 'First run: create the administrator (only while no user exists)',
    input: z.object({ name: z.string().trim().min(1).max(50), login: z.string().trim().min(2).max(50), password: z.string().min(8).max(200) }),
    output: z.object({ user: userDto, token: z.string() })
  }),
  'auth.login': method({
    access: 'public', summary: 'Log in with login name and password; returns a session token',
    input: z.object({ login: z.string().trim().min(1).max(50), password: z.string().min(1).max(200) }),
    output: z.object({ user: userDto, token: z.string() })
  }),
  'auth.logout': method({ access: 'user', summary: 'End the current session', input: z.object({}).default({}), output: ok }),
  'auth.me': method({ access: 'user', summary: 'The signed-in user', input: z.object({}).default({}), output: userDto }),
  'auth.changePassword': method({ access: 'user', summary: 'Change my password (other sessions are signed out and all my API tokens revoked)', input: z.object({ oldPassword: z.string().min(1).max(200), newPassword: z.string().min(8).max(200) }), output: ok }),
  'auth.sessions': method({ access: 'user', summary: 'My signed-in sessions', input: z.object({}).default({}), output: z.array(z.object({ id: z.string(), createdAt: z.string(), lastSeenAt: z.string(), client: z.string().nullable(), current: z.boolean() })) }),
  'auth.revokeSession': method({ access: 'user', summary: 'Sign out one of my sessions', input: z.object({ id: z.string().min(8).max(64) }), output: ok }),
  'auth.logoutEverywhere': method({ access: 'user', summary: 'Sign out all my sessions, this one included, and revoke all my API tokens', input: z.object({}).default({}), output: ok }),
  'tokens.list': method({ access: 'user', summary: 'My API tokens', input: z.object({}).default({}), output: z.array(z.object({ id, name: z.string(), scope: z.enum(['read', 'write']), createdAt: z.string(), expiresAt: z.string().nullable(), lastUsedAt: z.string().nullable(), revoked: z.boolean() })) }),
  'tokens.create': method({ access: 'user', summary: 'Create an API token (shown once) with a scope and an expiry', input: z.object({ name: z.string().trim().min(1).max(50), scope: z.enum(['read', 'write']).default('read'), expiresInDays: z.number().int().min(1).max(3650).nullable().default(90) }), output: z.object({ id, token: z.string() }) }),
  'tokens.revoke': method({ access: 'user', summary: 'Revoke one of my API tokens', input: z.object({ id }), output: ok }),

  'users.list': method({ access: 'user', summary: 'Colleagues: id, name, department and whether active (to pick people)', input: z.object({}).default({}), output: z.array(colleagueDto) }),
  'users.listFull': method({ access: 'admin', summary: 'Users with login, contact data, roles and lock status (administrators)', input: z.object({}).default({}), output: z.array(userDto) }),
  'users.create': method({ access: 'admin', summary: 'Add a user', input: z.object({ name: z.string().trim().min(1).max(50), login: z.string().trim().min(2).max(50), password: z.string().min(8).max(200), phone: z.string().trim().max(30).nullable().optional(), email: z.string().trim().max(100).nullable().optional(), departmentId: id.nullable().optional(), managerId: id.nullable().optional(), roleIds: z.array(id).max(100).optional(), active: z.boolean().optional() }), output: userDto }),
  'users.update': method({ access: 'admin', summary: 'Change a user (disabling signs them out everywhere)', input: z.object({ id, name: z.string().trim().min(1).max(50).optional(), login: z.string().trim().min(2).max(50).optional(), phone: z.string().trim().max(30).nullable().optional(), email: z.string().trim().max(100).nullable().optional(), departmentId: id.nullable().optional(), managerId: id.nullable().optional(), roleIds: z.array(id).max(100).optional(), active: z.boolean().optional() }), output: userDto }),
  'users.resetPassword': method({ access: 'admin', summary: 'Set a new password for a user and unlock the account (their sessions end and their API tokens are revoked)', input: z.object({ id, password: z.string().min(8).max(200) }), output: ok }),
  'departments.list': method({ access: 'user', summary: 'The department tree (flat, with parent ids)', input: z.object({}).default({}), output: z.array(departmentDto) }),
  'departments.create': method({ access: 'admin', summary: 'Add a department', input: z.object({ name: z.string().trim().min(1).max(50), parentId: id.nullable().optional(), headUserId: id.nullable().optional() }), output: departmentDto }),
  'departments.update': method({ access: 'admin', summary: 'Rename, move or set the head of a department', input: z.object({ id, name: z.string().trim().min(1).max(50).optional(), parentId: id.nullable().optional(), headUserId: id.nullable().optional() }), output: departmentDto }),
  'departments.delete': method({ access: 'admin', summary: 'Remove an empty department', input: z.object({ id }), output: ok }),
  'roles.list': method({ access: 'user', summary: 'Roles', input: z.object({}).default({}), output: z.array(roleDto) }),
  'roles.create': method({ access: 'admin', summary: 'Add a role', input: z.object({ name: z.string().trim().min(1).max(50), description: z.string().max(200).nullable().optional() }), output: roleDto }),
  'roles.update': method({ access: 'admin', summary: 'Rename a role', input: z.object({ id, name: z.string().trim().min(1).max(50).optional(), description: z.string().max(200).nullable().optional() }), output: roleDto }),
  'roles.delete': method({ access: 'admin', summary: 'Remove a role no user holds', input: z.object({ id }), output: ok }),
  'permissions.get': method({ access: 'admin', summary: 'What a role may do on each form', input: z.object({ roleId: id }), output: z.array(permissionDto) }),
  'permissions.set': method({ access: 'admin', summary: 'Set what a role may do on a form', input: permissionDto.extend({ roleId: id }), output: permissionDto }),
  'audit.list': method({
    access: 'admin', summary: 'The audit trail, newest first, with filters',
    input: z.object({ actorId: id.optional(), formId: id.optional(), recordId: id.optional(), op: z.string().max(40).optional(), from: z.string().optional(), to: z.string().optional(), limit: z.number().int().min(1).max(500).default(100), before: id.optional() }),
    output: z.object({ entries: z.array(auditEntryDto), nextBefore: id.nullable() })
  }),
  'audit.verify': method({ access: 'admin', summary: 'Check the keyed chain of the audit trail and the signed checkpoints kept outside the database', input: z.object({}).default({}), output: auditVerifyDto }),
  'audit.export': method({ access: 'admin', summary: 'The filtered audit trail as CSV (UTF-8 with BOM, opens in Excel)', input: z.object({ actorId: id.optional(), formId: id.optional(), op: z.string().max(40).optional(), from: z.string().optional(), to: z.string().optional() }), output: z.object({ filename: z.string(), csv: z.string() }) }),

  'apps.list': method({ access: 'user', summary: 'Apps', input: z.object({}).default({}), output: z.array(appDto) }),
  'apps.create': method({ access: 'admin', summary: 'Create an app', input: z.object({ label, apiKey: apiKey.optional(), icon: z.string().max(40).optional() }), output: appDto }),
  'apps.update': method({ access: 'admin', summary: 'Rename an app', input: z.object({ id, label: label.optional(), apiKey: apiKey.optional(), icon: z.string().max(40).nullable().optional() }), output: appDto }),

  'forms.list': method({ access: 'user', summary: 'Forms with their fields', input: z.object({ appId: id.optional() }).default({}), output: z.array(formDto) }),
  'forms.get': method({ access: 'user', summary: 'One form with its fields', input: z.object({ form: formRef }), output: formDto }),
  'forms.access': method({
    access: 'user', summary: 'What the caller may do with a form’s records (view, create, edit, delete, import, export, design), and the fields their roles make read-only',
    input: z.object({ form: formRef }), output: z.object({ actions: z.array(z.enum(RECORD_ACTIONS)), readonly: z.array(z.string()) })
  }),
  'forms.create': method({
    access: 'admin', summary: 'Create a form, optionally with fields',
    input: z.object({ appId: id, label, apiKey: apiKey.optional(), description: z.string().max(1000).optional(), fields: z.array(fieldInput).max(500).default([]) }),
    output: formDto
  }),
  'forms.update': method({
    access: 'user', summary: 'Rename a form, set its title field and form-level validation rules',
    input: z.object({ form: formRef, label: label.optional(), apiKey: apiKey.optional(), description: z.string().max(1000).nullable().optional(), titleFieldId: id.nullable().optional(), validations: z.array(formValidationRule).max(100).optional(), layout: formLayout.nullable().optional() }),
    output: formDto
  }),
  'forms.design': method({
    access: 'user', summary: 'Save the form designer: every field deletion, creation, change, condition, position and the layout in one transaction (all or nothing)',
    input: formDesign,
    output: z.object({ form: formDto, created: z.record(z.string(), id) })
  }),
  'fields.create': method({ access: 'user', summary: 'Add a field to a form', input: fieldInput.extend({ form: formRef }), output: fieldDto }),
  'fields.update': method({
    access: 'user', summary: 'Change a field. A type change converts existing values; with dryRun nothing is written and the report says what would happen',
    input: z.object({
      id, label: label.optional(), apiKey: apiKey.optional(), type: z.enum(FIELD_TYPES).optional(), config: z.record(z.string(), z.unknown()).optional(),
      required: z.boolean().optional(), unique: z.boolean().optional(), description: z.string().max(1000).nullable().optional(), defaultValue: z.unknown().optional(),
      position: z.number().optional(), visibleWhen: z.lazy(() => filterNode).nullable().optional(), requiredWhen: z.lazy(() => filterNode).nullable().optional(),
      requiredOnEnter: z.lazy(() => filterNode).nullable().optional(),
      dryRun: z.boolean().default(false),
      /** A type change with values that do not convert is refused unless this is true (those values are then kept in the old, hidden column). */
      acceptLoss: z.boolean().default(false)
    }),
    output: schemaChangeReport
  }),
  'fields.mergeOptions': method({
    access: 'user', summary: 'Merge options of a select or multi-select field into one: records holding them are changed (logged), then the merged options are removed',
    input: z.object({ id, from: z.array(z.string().min(1).max(200)).min(1).max(100), into: z.string().min(1).max(200) }),
    output: z.object({ field: fieldDto, updated: z.number() })
  }),
  'fields.delete': method({ access: 'user', summary: 'Delete a field (recoverable: its data is kept until purged)', input: z.object({ id }), output: fieldDto }),
  'fields.restore': method({ access: 'user', summary: 'Restore a deleted field with its data', input: z.object({ id }), output: fieldDto }),
  'fields.purge': method({ access: 'user', summary: 'Permanently remove a deleted field and its data', input: z.object({ id }), output: ok }),
  'formulas.check': method({
    access: 'user', summary: 'Check a formula against a form: syntax, references, cycles, result type',
    input: z.object({ form: formRef, expression: z.string().max(5000), fieldId: id.optional() }),
    output: z.object({ ok: z.boolean(), type: z.string().nullable(), error: z.object({ message: z.string(), position: z.number().nullable() }).nullable() })
  }),

  'records.list': method({ access: 'user', summary: 'Query records: filter, sort, search, keyset paging, totals', input: recordQuery, output: recordPage }),
  'records.count': method({
    access: 'user', summary: 'Count records matching a filter, optionally grouped by a field, with sums of number fields (overall and per group)',
    input: z.object({ form: formRef, filter: filterNode.optional(), search: searchText(200).optional(), groupBy: z.string().max(200).optional(), sums: z.array(z.string().max(200)).max(20).optional() }),
    output: z.object({
      total: z.number(),
      sums: z.record(z.string(), z.number().nullable()).optional(),
      groups: z.array(z.object({ value: z.unknown(), count: z.number(), sums: z.record(z.string(), z.number().nullable()).optional() })).optional()
    })
  }),
  'records.get': method({ access: 'user', summary: 'One record', input: z.object({ form: formRef, id }), output: recordDto }),
  'records.create': method({ access: 'user', summary: 'Create a record; fields by API key', input: z.object({ form: formRef, fields: z.record(z.string(), z.unknown()) }), output: recordWriteResult }),
  'records.update': method({ access: 'user', summary: 'Change some fields of a record', input: z.object({ form: formRef, id, fields: z.record(z.string(), z.unknown()), version: z.number().int().optional() }), output: recordWriteResult }),
  'records.delete': method({ access: 'user', summary: 'Delete records (recoverable from the recycle bin)', input: z.object({ form: formRef, ids: z.array(id).min(1).max(10000) }), output: z.object({ deleted: z.number() }) }),
  'records.restore': method({ access: 'user', summary: 'Restore deleted records', input: z.object({ form: formRef, ids: z.array(id).min(1).max(10000) }), output: z.object({ restored: z.number() }) }),
  'records.trash': method({ access: 'user', summary: 'Deleted records of a form', input: z.object({ form: formRef, limit: z.number().int().min(1).max(500).default(100) }), output: z.array(recordDto) }),
  'records.bulkCreate': method({
    access: 'user', summary: 'Create many records in one transaction (imports): all or nothing; errors name the row and field',
    input: z.object({ form: formRef, rows: z.array(z.record(z.string(), z.unknown())).min(1).max(100_000) }),
    output: z.object({ created: z.number(), ids: z.array(id) })
  }),
  'records.transfer': method({
    access: 'user', summary: 'Hand records to another owner: chosen ids, or every record a user owns (when a rep leaves)',
    input: z.object({ form: formRef, ids: z.array(id).max(100_000).optional(), fromUserId: id.optional(), toUserId: id }),
    output: z.object({ transferred: z.number() })
  }),
  'records.collaborators': method({ access: 'user', summary: 'Collaborators of a record', input: z.object({ form: formRef, id }), output: z.array(z.object({ id, name: z.string() })) }),
  'records.setCollaborators': method({ access: 'user', summary: 'Set the collaborators of a record', input: z.object({ form: formRef, id, userIds: z.array(id).max(100) }), output: z.array(z.object({ id, name: z.string() })) }),
  'records.history': method({ access: 'user', summary: 'Change history of a record', input: z.object({ form: formRef, id }), output: z.array(changeEntry) }),
  'search.global': method({
    access: 'user',
    summary: 'Search all forms (or one form from an offset: a group\'s "more"): groups by form, best first; title matches first; each hit names the readable field that matched, with the text around the match',
    input: z.object({
      q: searchText(200).trim().min(1),
      limit: z.number().int().min(1).max(50).default(5),
      form: formRef.optional(),
      offset: z.number().int().min(0).max(10_000).default(0)
    }),
    output: z.array(z.object({
      formId: id,
      formLabel: z.string(),
      more: z.boolean(),
      hits: z.array(z.object({
        recordId: id,
        title: z.string(),
        match: z.object({ field: z.string(), label: z.string(), text: z.string(), start: z.number(), length: z.number() }).nullable()
      }))
    }))
  }),
  'attachments.upload': method({
    access: 'user', summary: 'Upload a file (base64) for an attachment field; identical files are stored once',
    input: z.object({ name: z.string().trim().min(1).max(255), mime: z.string().max(100).default('application/octet-stream'), data: z.string().max(70_000_000) }),
    output: z.object({ hash: z.string(), name: z.string(), size: z.number(), mime: z.string() })
  }),
  'sheets.inspect': method({
    access: 'user', summary: 'Read an Excel (.xlsx) or CSV file: per sheet its header row, row count, first rows and a guessed field type per column',
    input: z.object({ name: z.string().trim().min(1).max(255), data: z.string().max(70_000_000) }),
    output: z.array(z.object({
      name: z.string(),
      rows: z.number(),
      columns: z.array(z.object({ header: z.string(), type: z.enum(FIELD_TYPES), config: z.record(z.string(), z.unknown()), samples: z.array(z.string()) }))
    }))
  }),
  'views.list': method({ access: 'user', summary: "A form's saved views: the shared ones and my own", input: z.object({ form: formRef }), output: z.array(viewDto) }),
  'views.create': method({
    access: 'user', summary: 'Save a view (shared views need the design permission on the form)',
    input: z.object({ form: formRef, name: z.string().trim().min(1).max(50), type: z.enum(VIEW_TYPES), shared: z.boolean().default(false), config: viewConfig.default(viewConfig.parse({})) }),
    output: viewDto
  }),
  'views.update': method({
    access: 'user', summary: 'Rename, reorder, share or change the settings of a view',
    input: z.object({ id, name: z.string().trim().min(1).max(50).optional(), shared: z.boolean().optional(), position: z.number().optional(), config: viewConfig.optional() }),
    output: viewDto
  }),
  'views.delete': method({ access: 'user', summary: 'Delete a saved view', input: z.object({ id }), output: ok }),
  'backups.list': method({ access: 'admin', summary: 'Backups in the data directory', input: z.object({}).default({}), output: z.array(backupDto) }),
  'backups.create': method({ access: 'admin', summary: 'Make a backup now', input: z.object({}).default({}), output: backupDto }),
  'backups.restore': method({ access: 'admin', summary: 'Restore a backup (verified with integrity_check; the current database is backed up first)', input: z.object({ file: z.string().min(1).max(200) }), output: ok })
} as const

/** Core methods a read-only API token may call. */
export const CORE_READ_ONLY: readonly string[] = [
  'system.status', 'auth.me', 'users.list', 'users.listFull', 'apps.list', 'forms.list', 'forms.get', 'forms.access', 'formulas.check', 'records.list', 'records.count',
  'records.get', 'records.trash', 'records.history', 'records.collaborators', 'search.global', 'departments.list', 'roles.list', 'tokens.list', 'auth.sessions',
  'views.list'
]
