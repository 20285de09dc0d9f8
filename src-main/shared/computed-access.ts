import { collectRefs, parseFormula, type FieldRef } from './formula'

// The one rule for computed fields (formulas, roll-ups, sub-table aggregates written as formulas):
//
//   A computed field is readable only when everything it is computed from is readable: every field
//   a formula refers to (a sub-table child included), and for a roll-up the relation and target
//   fields on the source form AND every record of the source form (the viewer sees all of them).
//   It applies transitively (formula → formula → hidden field; a roll-up over a hidden or derived
//   target; a formula over a hidden roll-up).
//
// So a value is never shown in part: a rep who sees only their own contracts does not see a
// customer's 合同总额 (it adds up colleagues' contracts too), and 财务, for whom 预计成交金额 is hidden,
// does not see 加权金额 (= 预计成交金额 × 赢单率). A hidden computed field is hidden exactly like a
// field the role hides: not listed, not readable, and not usable in a filter, sort, group, total,
// search, export or report. The function is pure and shared: the access layer applies it per actor,
// and the permission screen shows it per role ("hidden because it is computed from …").

/** What the rule needs to know of a field (the core's FieldModel and the API's FieldDto both fit). */
export interface DerivationField {
  id: number
  label: string
  apiKey: string
  type: string
  config: Record<string, unknown>
  parentFieldId: number | null
}

export interface DerivationInput {
  /** Live fields of a form, top-level and sub-table children; undefined when the form is unknown. */
  fields(formId: number): readonly DerivationField[] | undefined
  /** Field ids the viewer's role rules hide on a form (hidden fields of forms they cannot view do not matter: see `seesAll`). */
  hidden(formId: number): ReadonlySet<number>
  /** Whether the viewer sees every record of a form. */
  seesAll(formId: number): boolean
  /** The form a field belongs to (a roll-up's relation field is on the source form). */
  formOfField(fieldId: number): number | undefined
}

/** Why a computed field is hidden: it is computed from a hidden field, or it adds up records the viewer cannot all see. */
export type HiddenReason = { kind: 'field'; fieldId: number; label: string } | { kind: 'records'; formId: number }

const COMPUTED: ReadonlySet<string> = new Set(['formula', 'rollup'])

/**
 * The computed fields of a form (top-level and sub-table children) that the rule hides from the
 * viewer described by `input`, each with the reasons; fields the role hides itself are not listed.
 */
export function derivedHidden(formId: number, input: DerivationInput): Map<number, HiddenReason[]> {
  const memo = new Map<number, HiddenReason[]>()
  const visiting = new Set<number>()

  const byName = (list: readonly DerivationField[], name: string) => list.find((f) => f.label === name) ?? list.find((f) => f.apiKey === name)

  /** The fields a formula reference reads: the field, or the sub-table and its child. */
  const resolve = (list: readonly DerivationField[], field: DerivationField, ref: FieldRef): DerivationField[] => {
    const top = list.filter((f) => f.parentFieldId === null)
    if (ref.sub !== undefined) {
      const parent = byName(top, ref.name)
      if (!parent) return []
      const child = byName(list.filter((f) => f.parentFieldId === parent.id), ref.sub)
      return child ? [parent, child] : [parent]
    }
    if (field.parentFieldId !== null) {
      const sibling = byName(list.filter((f) => f.parentFieldId === field.parentFieldId), ref.name)
      if (sibling) return [sibling]
    }
    const found = byName(top, ref.name)
    return found ? [found] : []
  }

  /** Why `field` (on form `fid`) is unreadable; empty when it is readable. */
  const reasonsOf = (fid: number, field: DerivationField): HiddenReason[] => {
    const hidden = input.hidden(fid)
    if (hidden.has(field.id)) return [{ kind: 'field', fieldId: field.id, label: field.label }]
    const list = input.fields(fid) ?? []
    if (field.parentFieldId !== null) {
      const parent = list.find((f) => f.id === field.parentFieldId)
      if (parent && hidden.has(parent.id)) return [{ kind: 'field', fieldId: parent.id, label: parent.label }]
    }
    if (!COMPUTED.has(field.type)) return []
    const known = memo.get(field.id)
    if (known) return known
    // A dependency cycle adds no input of its own: every input outside it is still checked.
    if (visiting.has(field.id)) return []
    visiting.add(field.id)
    const out: HiddenReason[] = []
    if (field.type === 'formula') {
      for (const ref of formulaRefs(field)) for (const dep of resolve(list, field, ref)) out.push(...reasonsOf(fid, dep))
    } else {
      const config = field.config as { relationFieldId?: number; targetFieldId?: number }
      const source = config.relationFieldId === undefined ? undefined : input.formOfField(config.relationFieldId)
      const sourceFields = source === undefined ? undefined : input.fields(source)
      if (source === undefined || !sourceFields) out.push({ kind: 'records', formId: source ?? -1 })
      else {
        if (!input.seesAll(source)) out.push({ kind: 'records', formId: source })
        for (const id of [config.relationFieldId, config.targetFieldId]) {
          const dep = id === undefined ? undefined : sourceFields.find((f) => f.id === id)
          if (dep) out.push(...reasonsOf(source, dep))
          else if (id !== undefined) out.push({ kind: 'records', formId: source })
        }
      }
    }
    visiting.delete(field.id)
    const unique = dedupe(out)
    memo.set(field.id, unique)
    return unique
  }

  const result = new Map<number, HiddenReason[]>()
  const hidden = input.hidden(formId)
  for (const f of input.fields(formId) ?? []) {
    if (!COMPUTED.has(f.type) || hidden.has(f.id)) continue
    const reasons = reasonsOf(formId, f)
    if (reasons.length) result.set(f.id, reasons)
  }
  return result
}

function formulaRefs(field: DerivationField): FieldRef[] {
  const expression = (field.config as { expression?: unknown }).expression
  if (typeof expression !== 'string') return []
  try {
    return collectRefs(parseFormula(expression))
  } catch {
    // A formula that does not parse computes nothing (its value stays empty).
    return []
  }
}

function dedupe(reasons: HiddenReason[]): HiddenReason[] {
  const seen = new Set<string>()
  return reasons.filter((r) => {
    const key = r.kind === 'field' ? `f${r.fieldId}` : `r${r.formId}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
