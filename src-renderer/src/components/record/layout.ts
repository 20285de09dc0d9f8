import type { FieldDto, FormLayout } from '@shared/api/contracts'

// The record page's arrangement of a form's fields, resolved from the designer's layout:
// tabs → sections → 1–3 columns of fields. Fields the layout does not mention (added since, or
// never arranged) are shown after it, in field order, so nothing a form holds is ever hidden
// by an outdated layout. Without a layout: one tab, one section, two columns.

export interface ResolvedSection {
  id: string
  label: string | null
  columns: 1 | 2 | 3
  fields: FieldDto[]
}

export interface ResolvedTab {
  id: string
  /** Empty when the designer left it unnamed (shown as 详情). */
  label: string
  sections: ResolvedSection[]
}

const clampColumns = (n: number): 1 | 2 | 3 => (n <= 1 ? 1 : n >= 3 ? 3 : 2)

/** `fields`: the form's top-level live fields in designer order. */
export function resolveLayout(layout: FormLayout | null | undefined, fields: FieldDto[]): ResolvedTab[] {
  const byId = new Map(fields.map((f) => [f.id, f]))
  const placed = new Set<number>()
  const tabs: ResolvedTab[] = []
  for (const tab of layout?.tabs ?? []) {
    const sections: ResolvedSection[] = []
    for (const section of tab.sections) {
      const list: FieldDto[] = []
      for (const id of section.fieldIds) {
        const field = byId.get(id)
        if (!field || placed.has(id)) continue
        placed.add(id)
        list.push(field)
      }
      sections.push({ id: section.id, label: section.label || null, columns: clampColumns(section.columns ?? 2), fields: list })
    }
    tabs.push({ id: tab.id, label: tab.label, sections })
  }
  const rest = fields.filter((f) => !placed.has(f.id))
  if (tabs.length === 0) tabs.push({ id: 'main', label: '', sections: [] })
  if (rest.length > 0) {
    const last = tabs[tabs.length - 1]
    last.sections.push({ id: '__rest', label: null, columns: 2, fields: rest })
  }
  // A tab whose sections lost all their fields (deleted since) keeps its place only if named.
  for (const tab of tabs) tab.sections = tab.sections.filter((s) => s.fields.length > 0 || s.label)
  return tabs
}

/** The tab that holds a field (to bring a field with an error into view). */
export function tabOfField(tabs: ResolvedTab[], apiKey: string): string | null {
  for (const tab of tabs) for (const section of tab.sections) if (section.fields.some((f) => f.apiKey === apiKey)) return tab.id
  return null
}
