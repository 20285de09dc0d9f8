import { z } from 'zod'
import { id, method, savedOutOfScope, type MethodContract } from './core'

// API methods of the CRM app (installing the app and sample data, settings, public pool, lead
// conversion, duplicates, merge, quotes), declared with the helpers in ./core and merged into the
// one contract table in ./contracts. This engine's handlers live in src-main/api/handlers/crm.ts.

const poolForm = z.enum(['lead', 'customer'])
const locale = z.enum(['zh-CN', 'en'])

export const appChange = z.object({ kind: z.enum(['add', 'change', 'same', 'conflict']), section: z.string(), key: z.string(), label: z.string(), detail: z.string().optional() })
export type AppChangeDto = z.infer<typeof appChange>

export const crmSettingsDto = z.object({
  poolLimits: z.object({ lead: z.number().int().min(1).max(100_000).nullable(), customer: z.number().int().min(1).max(100_000).nullable() })
})
export type CrmSettingsDto = z.infer<typeof crmSettingsDto>

const duplicateMatch = z.object({ id, name: z.string(), phone: z.string().nullable(), owner: z.string().nullable(), by: z.enum(['name', 'phone']) })
export type DuplicateMatchDto = z.infer<typeof duplicateMatch>

export const crmContracts = {
  'crm.status': method({
    access: 'user', summary: 'Whether the sales app is installed (and its app id)',
    input: z.object({}).default({}),
    output: z.object({ installed: z.boolean(), appId: id.nullable(), hasData: z.boolean() })
  }),
  'crm.preview': method({
    access: 'admin', summary: 'What installing the sales app would add or change (writes nothing)',
    input: z.object({ locale: locale.default('zh-CN') }),
    output: z.object({ appId: id.nullable(), changes: z.array(appChange), ignored: z.array(z.string()) })
  }),
  'crm.install': method({
    access: 'admin', summary: 'Install (or complete) the sales app in one transaction, optionally with two years of sample data',
    input: z.object({ locale: locale.default('zh-CN'), sampleData: z.boolean().default(false), seed: z.number().int().optional() }),
    output: z.object({ appId: id, added: z.number(), sample: z.record(z.string(), z.number()).nullable() })
  }),
  'crm.settings': method({ access: 'user', summary: 'Sales app settings: pool claim limits (the company is in settings.company)', input: z.object({}).default({}), output: crmSettingsDto }),
  'crm.updateSettings': method({ access: 'admin', summary: 'Change the sales app settings', input: crmSettingsDto.partial(), output: crmSettingsDto }),
  'crm.pool.claim': method({
    access: 'user', summary: 'Claim records from the public pool (公海), within the per-rep limit',
    input: z.object({ form: poolForm, ids: z.array(id).min(1).max(500) }),
    // outOfScope: claimed records a rule moved out of the claimer's sight at once (saved, not an error).
    output: z.object({ claimed: z.number(), owned: z.number(), limit: z.number().nullable(), outOfScope: z.array(savedOutOfScope) })
  }),
  'crm.pool.release': method({
    access: 'user', summary: 'Release records to the public pool with a reason',
    input: z.object({ form: poolForm, ids: z.array(id).min(1).max(500), reason: z.string().max(500) }),
    output: z.object({ released: z.number() })
  }),
  'crm.pool.status': method({
    access: 'user', summary: 'How many records of a pool form I own, and the limit',
    input: z.object({ form: poolForm }),
    output: z.object({ owned: z.number(), limit: z.number().nullable() })
  }),
  'crm.pool.history': method({
    access: 'user', summary: 'Claims and releases of one record',
    input: z.object({ form: poolForm, id }),
    output: z.array(z.object({ id, action: z.enum(['claim', 'release']), reason: z.string().nullable(), at: z.string(), user: z.object({ id, name: z.string() }).nullable() }))
  }),
  'crm.convertLead': method({
    access: 'user', summary: 'Convert a lead into customer + contact + opportunity, linked, in one transaction',
    input: z.object({
      leadId: id, customerId: id.optional(), customerName: z.string().trim().max(200).optional(), createContact: z.boolean().default(true),
      opportunity: z.object({ name: z.string().trim().max(200).optional(), amount: z.number().nullable().optional(), closeDate: z.string().nullable().optional() }).nullable().optional()
    }),
    // outOfScope: the new (or linked) customer is saved but out of the caller's sight (a rule
    // assigned it elsewhere): the app shows the message and does not open the customer.
    output: z.object({ customerId: id, contactId: id.nullable(), opportunityId: id.nullable(), outOfScope: savedOutOfScope.nullable() })
  }),
  'crm.duplicates.check': method({
    access: 'user', summary: 'Customers that look like this name or phone (normalised)',
    input: z.object({ name: z.string().max(200).nullable().optional(), phone: z.string().max(50).nullable().optional(), excludeId: id.optional() }),
    output: z.array(duplicateMatch)
  }),
  'crm.duplicates.groups': method({
    access: 'user', summary: 'Groups of customers that look like one company, for merging',
    input: z.object({}).default({}),
    output: z.array(z.object({ key: z.string(), by: z.enum(['name', 'phone']), records: z.array(duplicateMatch) }))
  }),
  'crm.merge': method({
    access: 'user', summary: 'Merge duplicate customers into one; every related record is re-linked, the merged ones go to the recycle bin',
    input: z.object({ keepId: id, mergeIds: z.array(id).min(1).max(50) }),
    output: z.object({ relinked: z.number(), merged: z.number() })
  }),
  'crm.quoteToContract': method({
    access: 'user', summary: 'Turn an accepted quote into a draft contract for its total',
    input: z.object({ quoteId: id }),
    // outOfScope: the contract is saved but out of the caller's sight (see crm.convertLead).
    output: z.object({ contractId: id, outOfScope: savedOutOfScope.nullable() })
  })
} as const satisfies Record<string, MethodContract>

/** Methods of this engine a read-only API token may call. */
export const CRM_READ_ONLY: readonly string[] = ['crm.status', 'crm.settings', 'crm.pool.status', 'crm.pool.history', 'crm.duplicates.check', 'crm.duplicates.groups']

