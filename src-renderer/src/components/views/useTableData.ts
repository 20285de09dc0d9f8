import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { FieldDto, FilterNode, RecordDto, ViewConfig } from '@shared/api/contracts'
import { api, errorMessage, takeArrived } from '../../api/client'
import { optionsOf } from '../../fields/select'
import { andFilter, groupCondition, groupKey } from './config'
import { listPageInput } from '../mobile/cards-query'

// Rows of the table view, fetched as they scroll into sight: keyset pages from records.list per
// segment. Without grouping there is one segment; grouped, records.count gives each group's
// count and sums first, and a group's records are listed only when it comes into view.

export const PAGE_SIZE = 200

export interface Segment {
  key: string
  /** The group's value (null for the 未分类 group); undefined when not grouped. */
  value?: unknown
  filter: FilterNode | undefined
  count: number | null
  sums?: Record<string, number | null>
  records: RecordDto[]
  cursor: string | null
  done: boolean
  failure?: string
}

export interface TableData {
  queryKey: string
  ready: boolean
  failure: string | null
  total: number | null
  sums: Record<string, number | null> | undefined
  segments: Segment[]
}

export interface TableQuery {
  formId: number
  filter: FilterNode | undefined
  search: string
  sort: ViewConfig['sort']
  groupField: FieldDto | null
  sumKeys: string[]
  reloadTick: number
  /** Records per request (PAGE_SIZE unless said): a phone's cards ask for a screenful or two at a time. */
  pageSize?: number
}

/** Groups in a sensible order: select options as designed, then by value; the empty group last. */
function orderGroups(field: FieldDto, groups: Array<{ value: unknown; count: number; sums?: Record<string, number | null> }>) {
  const options = field.type === 'select' ? optionsOf(field).map((o) => o.label) : []
  const rank = (v: unknown) => {
    if (v === null || v === undefined || v === '') return Number.MAX_SAFE_INTEGER
    const i = options.indexOf(v as string)
    return i >= 0 ? i : options.length
  }
  return [...groups].sort((a, b) => {
    const d = rank(a.value) - rank(b.value)
    if (d !== 0) return d
    if (field.type === 'date' || field.type === 'number' || field.type === 'text') return String(a.value).localeCompare(String(b.value), 'zh-CN', { numeric: true })
    return b.count - a.count
  })
}

/** The first page of an ungrouped list, if it was sent for at start and has arrived (taken: asked once). */
function arrivedFirstPage(q: TableQuery, queryKey: string): TableData | null {
  if (q.groupField) return null
  const filter = q.filter
  const page = takeArrived('records.list', listPageInput(q.formId, filter, q.search, q.sort, q.pageSize ?? PAGE_SIZE, null))
  if (!page) return null
  return { queryKey, ready: true, failure: null, total: null, sums: undefined, segments: [{ key: 'all', filter, count: null, records: page.records, cursor: page.nextCursor, done: page.nextCursor === null }] }
}

export function useTableData(query: TableQuery) {
  const queryKey = JSON.stringify({ ...query, groupField: query.groupField?.apiKey ?? null })
  // The first page sent for at start (a phone's first cards; lib/first-requests.ts), if it is in:
  // drawn in the first render rather than after a loader and a second pass.
  const [data, setData] = useState<TableData>(() => arrivedFirstPage(query, queryKey) ?? { queryKey, ready: false, failure: null, total: null, sums: undefined, segments: [] })
  const arrived = useRef(data.ready ? queryKey : null)
  const inFlight = useRef(new Set<string>())
  const latest = useRef(queryKey)
  const queryRef = useRef(query)
  const dataRef = useRef(data)
  const afterFirstPage = useRef<(() => void) | null>(null)
  // Callbacks read the latest query and rows; updated before any effect of this render runs.
  useLayoutEffect(() => {
    latest.current = queryKey
    queryRef.current = query
    dataRef.current = data
  })

  const loadMore = useCallback((segKey: string) => {
    const key = latest.current
    const current = dataRef.current
    const seg = current.queryKey === key ? current.segments.find((s) => s.key === segKey) : undefined
    if (!seg || seg.done || seg.failure) return
    const q = queryRef.current
    // One request per page: keyed by the cursor it starts from, never asked twice.
    const pageKey = `${segKey}|${seg.cursor ?? ''}`
    if (inFlight.current.has(pageKey)) return
    inFlight.current.add(pageKey)
    const flight = inFlight.current
    api.records
      .list(listPageInput(q.formId, seg.filter, q.search, q.sort, q.pageSize ?? PAGE_SIZE, seg.cursor))
      .then(
        (page) => {
          if (latest.current !== key) return
          const then = afterFirstPage.current
          afterFirstPage.current = null
          then?.()
          setData((d) => {
            if (d.queryKey !== key) return d
            return {
              ...d,
              segments: d.segments.map((s) => (s.key === segKey ? { ...s, records: [...s.records, ...page.records], cursor: page.nextCursor, done: page.nextCursor === null } : s))
            }
          })
        },
        (error: unknown) => {
          if (latest.current !== key) return
          flight.delete(pageKey)
          setData((d) => (d.queryKey !== key ? d : { ...d, segments: d.segments.map((s) => (s.key === segKey ? { ...s, failure: errorMessage(error) } : s)) }))
        }
      )
  }, [])

  useEffect(() => {
    inFlight.current = new Set()
    afterFirstPage.current = null
    const q = queryRef.current
    let live = true
    // The total and the footer sums are asked for once the first page is in: the server answers
    // in order, and a count over every record must not hold up the first rows.
    const count = () =>
      api.records.count({ form: q.formId, filter: q.filter, search: q.search || undefined, sums: q.sumKeys.length ? q.sumKeys : undefined }).then(
        (result) => live && setData((d) => (d.queryKey !== queryKey ? d : { ...d, total: result.total, sums: result.sums, segments: d.segments.map((s) => ({ ...s, count: result.total })) })),
        (error: unknown) => live && setData((d) => (d.queryKey !== queryKey ? d : { ...d, failure: errorMessage(error) }))
      )
    if (arrived.current === queryKey) {
      // Drawn from the page that had arrived: only the count is left to ask for.
      arrived.current = null
      void count()
      return () => {
        live = false
      }
    }
    arrived.current = null
    setData((d) => ({ queryKey, ready: false, failure: null, total: d.queryKey === queryKey ? d.total : null, sums: undefined, segments: [] }))
    if (!q.groupField) {
      const first: TableData = { queryKey, ready: true, failure: null, total: null, sums: undefined, segments: [{ key: 'all', filter: q.filter, count: null, records: [], cursor: null, done: false }] }
      setData(first)
      // Ask for the first page now rather than after the placeholder row has rendered.
      dataRef.current = first
      latest.current = queryKey
      loadMore('all')
      afterFirstPage.current = () => void count()
      return () => {
        live = false
      }
    }
    const field = q.groupField
    api.records
      .count({ form: q.formId, filter: q.filter, search: q.search || undefined, groupBy: field.apiKey, sums: q.sumKeys.length ? q.sumKeys : undefined })
      .then(
        (result) => {
          if (!live) return
          const segments: Segment[] = orderGroups(field, result.groups ?? []).map((g) => ({
            key: groupKey(g.value),
            value: g.value ?? null,
            filter: andFilter(q.filter, groupCondition(field, g.value)),
            count: g.count,
            sums: g.sums,
            records: [],
            cursor: null,
            done: g.count === 0
          }))
          setData({ queryKey, ready: true, failure: null, total: result.total, sums: result.sums, segments })
        },
        (error: unknown) => live && setData({ queryKey, ready: true, failure: errorMessage(error), total: null, sums: undefined, segments: [] })
      )
    return () => {
      live = false
    }
  }, [queryKey, loadMore])

  /** Put a record changed in place (inline edit) back into whichever segment holds it. */
  const replaceRecord = useCallback((record: RecordDto) => {
    setData((d) => ({ ...d, segments: d.segments.map((s) => (s.records.some((r) => r.id === record.id) ? { ...s, records: s.records.map((r) => (r.id === record.id ? record : r)) } : s)) }))
  }, [])

  return { data: data.queryKey === queryKey ? data : { ...data, ready: false, segments: [] }, loadMore, replaceRecord }
}
