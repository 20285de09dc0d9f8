import { DATA_SCOPES, RECORD_ACTIONS, type FieldDto, type PermissionDto } from '@shared/api/contracts'
import { fromFilterModel, toFilterModel, type FilterModel } from '../designer/filter-model'

// One role's permission on one form as the 角色权限 matrix edits it, and back. The custom data
// scope's condition goes through the designers' filter model: what the filter builder cannot
// show is kept and saved back verbatim, so opening and saving a permission never changes it.

type RecordAction = (typeof RECORD_ACTIONS)[number]
type DataScope = (typeof DATA_SCOPES)[number]

export interface Draft {
  actions: RecordAction[]
  scope: DataScope
  /**
   * The custom scope's condition as the filter builder edits it: what it cannot show (a deeper
   * group, a field it does not offer…) is listed read-only and saved back as it was.
   */
  filter: FilterModel
  fieldRules: Record<string, 'hidden' | 'readonly'>
}

export function toDraft(p: Omit<PermissionDto, 'formId'>, filterFields: FieldDto[]): Draft {
  return { actions: RECORD_ACTIONS.filter((a) => p.actions.includes(a)), scope: p.scope, filter: toFilterModel(p.scopeFilter, filterFields), fieldRules: { ...p.fieldRules } }
}

export function toPermission(draft: Draft): Omit<PermissionDto, 'formId'> {
  return {
    actions: RECORD_ACTIONS.filter((a) => draft.actions.includes(a)),
    scope: draft.scope,
    scopeFilter: draft.scope === 'custom' ? (fromFilterModel(draft.filter) ?? null) : null,
    fieldRules: Object.fromEntries(Object.entries(draft.fieldRules).sort(([a], [b]) => a.localeCompare(b)))
  }
}
