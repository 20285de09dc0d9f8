import type { FieldDto, FormDto } from '@shared/api/contracts'

// The field paths a widget can use, for the editor's pickers: the form's own fields, its system
// fields, a member's department (`owner.department`), the fields of forms reached through a
// single relation (`customer.industry`), a multiple relation (as a dimension only), and a
// sub-table's child fields when it is the source.

export type PathKind = 'date' | 'number' | 'select' | 'member' | 'department' | 'relation' | 'text' | 'checkbox'

export interface FieldPath {
  path: string
  label: string
  group: string
  kind: PathKind
  type: FieldDto['type'] | 'department'
  /** A multiple relation (意向产品): a dimension only (each linked record counted once per record). */
  multiple?: boolean
}

const NUMERIC = new Set(['number', 'amount', 'percent', 'rollup'])

export function kindOf(f: Pick<FieldDto, 'type' | 'resultType'>): PathKind | null {
  if (f.type === 'date' || f.type === 'datetime') return 'date'
  // A formula returning a date groups by day, week, month, quarter and year like a date.
  if (f.type === 'formula' && f.resultType === 'date') return 'date'
  if (NUMERIC.has(f.type) || (f.type === 'formula' && f.resultType === 'number')) return 'number'
  if (f.type === 'select') return 'select'
  if (f.type === 'member') return 'member'
  if (f.type === 'relation') return 'relation'
  if (f.type === 'checkbox') return 'checkbox'
  if (['text', 'phone', 'email', 'url', 'autonumber'].includes(f.type) || f.type === 'formula') return 'text'
  return null
}

const live = (form: FormDto) => form.fields.filter((f) => f.deletedAt === null && f.parentFieldId === null).sort((a, b) => a.position - b.position)

export function fieldPaths(form: FormDto, forms: readonly FormDto[], t: (key: string) => string, source?: string): FieldPath[] {
  const out: FieldPath[] = []
  const own = form.label
  if (source) {
    const sub = form.fields.find((f) => f.apiKey === source && f.type === 'subtable')
    if (sub) {
      for (const c of form.fields.filter((f) => f.parentFieldId === sub.id && f.deletedAt === null).sort((a, b) => a.position - b.position)) {
        const kind = kindOf(c)
        if (kind && kind !== 'relation') out.push({ path: c.apiKey, label: c.label, group: sub.label, kind, type: c.type })
      }
    }
  }
  for (const f of live(form)) {
    const kind = kindOf(f)
    if (!kind) continue
    if (kind === 'relation' && (f.config as { multiple?: boolean }).multiple) {
      out.push({ path: f.apiKey, label: f.label, group: own, kind, type: f.type, multiple: true })
      continue
    }
    out.push({ path: f.apiKey, label: f.label, group: own, kind, type: f.type })
    if (kind === 'member') out.push({ path: `${f.apiKey}.department`, label: `${f.label} › ${t('reports.department')}`, group: own, kind: 'department', type: 'department' })
  }
  const system = t('reports.editor.systemFields')
  out.push({ path: 'owner', label: t('system.owner'), group: system, kind: 'member', type: 'member' })
  out.push({ path: 'owner.department', label: `${t('system.owner')} › ${t('reports.department')}`, group: system, kind: 'department', type: 'department' })
  out.push({ path: 'createdBy', label: t('system.createdBy'), group: system, kind: 'member', type: 'member' })
  out.push({ path: 'createdAt', label: t('system.createdAt'), group: system, kind: 'date', type: 'datetime' })
  out.push({ path: 'updatedAt', label: t('system.updatedAt'), group: system, kind: 'date', type: 'datetime' })
  for (const rel of live(form).filter((f) => f.type === 'relation' && !(f.config as { multiple?: boolean }).multiple)) {
    const target = forms.find((x) => x.id === (rel.config as { targetFormId: number }).targetFormId)
    if (!target) continue
    for (const f of live(target)) {
      const kind = kindOf(f)
      if (!kind || kind === 'relation') continue
      out.push({ path: `${rel.apiKey}.${f.apiKey}`, label: `${rel.label} › ${f.label}`, group: `${rel.label}（${target.label}）`, kind, type: f.type })
    }
  }
  return out
}

/** Select data grouped by where the field comes from. */
export function pathOptions(paths: FieldPath[], accept: (p: FieldPath) => boolean) {
  const groups = new Map<string, Array<{ value: string; label: string }>>()
  for (const p of paths.filter(accept)) {
    const list = groups.get(p.group) ?? []
    list.push({ value: p.path, label: p.label })
    groups.set(p.group, list)
  }
  return [...groups].map(([group, items]) => ({ group, items }))
}
