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
