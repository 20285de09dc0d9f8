import type { FilterNode, FormDto, MethodInput, ViewConfig, ViewDto } from '@shared/api/contracts'
import { builtinView, readableConfig, readableKeys } from '../views/config'
import { currentView, sortViews, viewTabs } from '../views/view-list'

/** Cards asked for per request: about three screens of a phone (a desktop table asks for 200 rows; drawing 200 cards before the first was most of a phone's first screen). */
export const CARD_PAGE = 30

/** The fields of a form the list shows and may ask about (not deleted, not a subtable's columns). */
export const listFields = (form: FormDto) => form.fields.filter((f) => f.deletedAt === null && f.parentFieldId === null)

/** A page of records.list as the cards (and the table, with its own page size) ask for it. */
export function listPageInput(formId: number, filter: FilterNode | undefined, search: string, sort: ViewConfig['sort'], limit: number, cursor: string | null): MethodInput<'records.list'> {
  return { form: formId, filter, search: search || undefined, sort: sort.length ? sort : undefined, limit, cursor: cursor ?? undefined }
}

/**
 * The first page of cards a phone asks for when a form's list opens, from what the page reads
 * first: the form as forms.list gave it to this user, their views, and the view last opened on
 * this device — the same view, readable settings and request as RecordsPage and RecordCards, so
 * lib/first-screen.ts can send it before they render (an identical request takes its answer).
 */
export function firstCardsInput(form: FormDto, views: ViewDto[], storedId: number | null): MethodInput<'records.list'> {
  const builtin = builtinView(form.id, '')
  const view = currentView(viewTabs(builtin, sortViews(views)), storedId, builtin)
  const config = readableConfig(view.config, readableKeys(listFields(form)))
  return listPageInput(form.id, config.filter ?? undefined, '', config.sort, CARD_PAGE, null)
}
