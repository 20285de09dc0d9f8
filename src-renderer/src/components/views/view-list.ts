import type { ViewDto } from '@shared/api/contracts'

/**
 * The view tabs of a form: the built-in 全部记录 first, so every user keeps a plain table of all
 * they may see — unless the form already ships an equivalent one (a shared table view without a
 * filter, e.g. 全部线索), which then stands for it instead of a near-identical second tab.
 */
export function viewTabs(builtin: ViewDto, views: ViewDto[]): ViewDto[] {
  const equivalent = views.some((v) => v.shared && v.type === 'table' && !v.config.filter)
  return equivalent ? views : [builtin, ...views]
}

/** Where this device remembers the view last opened on a form. */
export const storageKey = (formId: number) => `jimu.view.${formId}`

/** The view last opened on this device (null: none chosen, the first tab). */
export function storedViewId(formId: number): number | null {
  try {
    return Number(localStorage.getItem(storageKey(formId)) ?? 0) || null
  } catch {
    return null
  }
}

/** The saved views in tab order, as views.list answers them. */
export const sortViews = (list: ViewDto[]): ViewDto[] => [...list].sort((a, b) => a.position - b.position || a.id - b.id)

/** The view shown: the one chosen, else the first tab. */
export function currentView(list: ViewDto[], currentId: number | null, builtin: ViewDto): ViewDto {
  return list.find((v) => v.id === currentId) ?? (currentId === 0 ? builtin : list[0]) ?? builtin
}
