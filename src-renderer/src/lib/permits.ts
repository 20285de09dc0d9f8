// What a form's access (forms.access) lets the user do on the record page, the lists, kanban and
// calendar: pure, so the rules are unit-tested without a browser.

export interface FormAccess {
  /** view, create, edit, delete, import, export, design: what the user's roles allow on the form. */
  actions: string[]
  /** Fields the user's roles make read-only (API keys). */
  readonly: string[]
}

/** What the record page, list toolbar, bulk actions, kanban and calendar offer the user. */
export interface RecordPermits {
  create: boolean
  edit: boolean
  delete: boolean
  transfer: boolean
  /** 提交审批: the server starts a flow only for someone who may edit the record (flows.start). */
  submit: boolean
}

/**
 * The buttons and editors to show for a form's access; nothing while it loads (null), so a
 * view-only user never sees 删除 / 保存 / 提交审批 flash up. The server refuses the same anyway.
 */
export function permitsOf(access: FormAccess | null): RecordPermits {
  const has = (action: string) => access?.actions.includes(action) ?? false
  return { create: has('create'), edit: has('edit'), delete: has('delete'), transfer: has('transfer'), submit: has('edit') }
}

/** Whether the record page may save: a new record needs create, an existing one edit. */
export function maySave(permits: RecordPermits, isNew: boolean): boolean {
  return isNew ? permits.create : permits.edit
}

/** Whether dragging a card or event may change `fieldKey` (kanban lane, calendar date): edit, and the field not read-only. */
export function mayChangeField(access: FormAccess | null, fieldKey: string | undefined): boolean {
  return Boolean(fieldKey) && permitsOf(access).edit && !(access?.readonly.includes(fieldKey!) ?? true)
}
