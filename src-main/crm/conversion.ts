import type { CrmDeps } from './crm-service'
import type { Actor } from '../access/actor'
import { optionsOf } from '../forms/field-types/select'
import { ConflictError, ValidationError } from '../shared/errors'

// Conversions that carry what was typed once into the next records: a lead into customer +
// contact + opportunity, an accepted quote into a contract. Each runs as one write-pipeline
// transaction (all records or none), every write logged like any other.

export interface ConvertLeadInput {
  leadId: number
  /** Link to this existing customer instead of creating one (e.g. after the duplicate warning). */
  customerId?: number
  customerName?: string
  createContact?: boolean
  opportunity?: { name?: string; amount?: number | null; closeDate?: string | null } | null
}

export interface ConvertLeadResult { customerId: number; contactId: number | null; opportunityId: number | null }

type Fields = Record<string, unknown>
const idOf = (v: unknown): number | null => (v && typeof v === 'object' && 'id' in v ? (v as { id: number }).id : null)
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null)

/** The option id of a select field for an option id or label read from a record. */
function optionId(core: CrmDeps, form: string, field: string, value: unknown): string | null {
  const model = core.schema.form(form).byKey.get(field)
  if (!model || value === null || value === undefined) return null
  return optionsOf(model).find((o) => o.id === value || o.label === value)?.id ?? null
}

export class Conversions {
  constructor(private readonly core: CrmDeps) {}

  convertLead(actor: Actor, input: ConvertLeadInput): ConvertLeadResult {
    const { core } = this
    // The new records' owner is the conversion's decision (the lead's owner), not the actor's.
    return core.writes.asEngine(() => {
      const lead = core.reads.get(actor, 'lead', input.leadId)
      const f = lead.fields as Fields
      if (optionId(core, 'lead', 'status', f.status) === 'converted') throw new ConflictError('crm.lead.alreadyConverted', { name: String(f.name ?? '') })
      core.access.authorizeRecord(actor, 'edit', core.schema.form('lead'), lead.id)
      // The new records belong to whoever owns the lead (the actor for a pool lead).
      const owner = lead.owner?.id ?? actor.id
      const company = text(input.customerName) ?? text(f.company) ?? text(f.name)
      if (!company) throw new ValidationError('crm.lead.noCompany', {}, 'customerName')
      // The lead's 市场活动 follows it to the customer and the opportunity (the campaign dashboard counts them).
      const campaign = (key: string) => (idOf(f.campaign) && core.schema.form(key).byKey.has('campaign') ? { campaign: idOf(f.campaign) } : {})
      const customerId = input.customerId ?? core.writes.create(actor, 'customer', {
        name: company, source: optionId(core, 'customer', 'source', f.source), phone: f.phone ?? null, city: f.city ?? null, lastFollowUpAt: f.lastFollowUpAt ?? null, owner, ...campaign('customer')
      })
      if (input.customerId) core.reads.get(actor, 'customer', input.customerId)
      const contactId = input.createContact === false ? null : core.writes.create(actor, 'contact', {
        name: f.name, customer: customerId, phone: f.phone ?? null, wechat: f.wechat ?? null, email: f.email ?? null, primary: true, owner
      })
      const opp = input.opportunity === null ? null : (input.opportunity ?? {})
      const opportunityId = opp === null ? null : core.writes.create(actor, 'opportunity', {
        name: text(opp.name) ?? company, customer: customerId, contact: contactId, amount: opp.amount ?? null, closeDate: opp.closeDate ?? null, stage: 'initial', owner, ...campaign('opportunity')
      })
      // Follow-ups of the lead the actor may edit now also show on the customer and opportunity.
      const followUps = core.reads.list(actor, { form: 'followUp', filter: { field: 'lead', op: 'eq', value: lead.id }, limit: 500 })
      for (const r of followUps.records) {
        const patch: Fields = {}
        if (!idOf(r.fields.customer)) patch.customer = customerId
        if (opportunityId && !idOf(r.fields.opportunity)) patch.opportunity = opportunityId
        if (Object.keys(patch).length && core.access.can(actor, 'edit', core.schema.form('followUp'))) core.writes.update(actor, 'followUp', r.id, patch)
      }
      core.writes.update(actor, 'lead', lead.id, { status: 'converted', convertedCustomer: customerId, convertedOpportunity: opportunityId })
      return { customerId, contactId, opportunityId }
    })
  }

  /** An accepted quote becomes a draft contract for its total, linked both ways. */
  quoteToContract(actor: Actor, quoteId: number): { contractId: number } {
    const { core } = this
    // The contract's owner is the quote's: the conversion decides it.
    return core.writes.asEngine(() => {
      const quote = core.reads.get(actor, 'quote', quoteId)
      const f = quote.fields as Fields
      if (optionId(core, 'quote', 'status', f.status) !== 'accepted') throw new ValidationError('crm.quote.notAccepted', { code: String(f.code ?? '') }, 'status')
      if (idOf(f.contract)) throw new ConflictError('crm.quote.hasContract', { code: String(f.code ?? '') })
      const customer = f.customer as { id: number; title?: string } | null
      const name = [customer?.title, text(f.title) ?? f.code].filter(Boolean).join(' · ')
      const contractId = core.writes.create(actor, 'contract', {
        name, customer: customer?.id ?? null, opportunity: idOf(f.opportunity), quote: quote.id,
        amount: typeof f.total === 'number' ? f.total : null, status: 'draft', owner: quote.owner?.id ?? actor.id
      })
      core.writes.update(actor, 'quote', quote.id, { contract: contractId })
      return { contractId }
    })
  }
}
