import { lazy } from 'react'

// The desktop's views of a form's records (table, kanban, calendar: with the virtual scroller and
// drag and drop) and the record drawer, each fetched when first drawn: a phone's list is cards,
// and its first screen does not download or evaluate them. On a computer the table's chunk is
// asked for as the page starts (lib/first-screen.ts), so it is there when the list renders.

const loadTable = () => import('./TableView')
const loadKanban = () => import('./KanbanView')
const loadCalendar = () => import('./CalendarView')
const loadDrawer = () => import('../records/RecordDrawer')

/** Fetches the table's chunk now (a computer opening a form's list). */
export const preloadTableView = (): void => void loadTable().catch(() => undefined)

export const TableView = lazy(() => loadTable().then((m) => ({ default: m.TableView })))
export const KanbanView = lazy(() => loadKanban().then((m) => ({ default: m.KanbanView })))
export const KanbanSettings = lazy(() => loadKanban().then((m) => ({ default: m.KanbanSettings })))
export const CalendarView = lazy(() => loadCalendar().then((m) => ({ default: m.CalendarView })))
export const CalendarSettings = lazy(() => loadCalendar().then((m) => ({ default: m.CalendarSettings })))
export const RecordDrawer = lazy(() => loadDrawer().then((m) => ({ default: m.RecordDrawer })))
