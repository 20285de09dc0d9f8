import dayjs from 'dayjs'
import { ident, type Sqlite } from '../db/connection'
import type { Actor } from '../access/actor'
import { fieldType } from '../forms/field-types/registry'
import { relationConfig } from '../forms/field-types/relation'
import { optionsOf } from '../forms/field-types/select'
import type { FieldModel } from '../forms/model'
import { formatNumber } from '../shared/values'
import { translate, type Locale } from '../shared/locales'
import type { ReportDeps } from './fields'
import type { Dim } from './compile'

// Display labels of group keys. Only the few distinct keys of an aggregate's result are looked
// up here (option labels, user and department names, related records' titles); no record rows.

type Key = string | number | null

export class Labeler {
  constructor(private readonly db: Sqlite, private readonly deps: ReportDeps, private readonly actor: Actor, private readonly locale: Locale) {}

  empty(): string {
    return translate(this.locale, 'reports.emptyValue')
  }

  /** Labels for every key of one dimension, looked up in one batch. */
  dimension(d: Dim, keys: Key[]): Map<Key, string> {
    const out = new Map<Key, string>()
    const distinct = [...new Set(keys)]
    for (const k of distinct) if (k === null) out.set(k, this.empty())
    const present = distinct.filter((k) => k !== null) as Array<string | number>
    if (d.kind === 'bucket') for (const k of present) out.set(k, this.bucket(String(k), d.bucket!))
    else if (d.kind === 'range') for (const k of present) out.set(k, this.range(Number(k), d.ranges!))
    else if (d.r.department) for (const [k, v] of this.names('departments', present)) out.set(k, v)
    else for (const [k, v] of this.values(d.r.field, present)) out.set(k, v)
    return out
  }

  /** Labels of stored values of a field (detail tables and plain dimensions). */
  values(field: FieldModel, keys: Array<string | number>): Map<string | number, string> {
    const out = new Map<string | number, string>()
    const t = field.type
    if (t === 'select') {
      const options = new Map(optionsOf(field).map((o) => [o.id, o.label]))
      for (const k of keys) out.set(k, options.get(String(k)) ?? String(k))
    } else if (t === 'member' || ['owner', 'createdBy', 'updatedBy'].includes(field.apiKey) && field.id < 0) {
      return this.names('users', keys)
    } else if (t === 'relation') {
      const target = this.deps.schema.form(relationConfig(field).targetFormId)
      const title = target.titleField
      const ids = keys.map(Number)
      const scope = this.deps.access.rowScope(this.actor, target)
      const rows = title?.column && ids.length
        ? (this.db.prepare(`SELECT t.id, t.${ident(title.column)} AS v FROM ${ident(target.table)} t WHERE t.id IN (${ids.map(() => '?').join(',')}) AND (${scope.sql})`).all(...ids, ...scope.params) as Array<{ id: number; v: unknown }>)
        : []
      const byId = new Map(rows.map((r) => [r.id, title ? fieldType(title).format(r.v, title, this.locale) : '']))
      for (const k of keys) out.set(k, byId.get(Number(k)) || `#${k}`)
    } else if (t === 'checkbox') {
      for (const k of keys) out.set(k, translate(this.locale, Number(k) ? 'reports.yes' : 'reports.no'))
    } else {
      for (const k of keys) out.set(k, fieldType(field).format(k, field, this.locale) || String(k))
    }
    return out
  }

  private names(table: 'users' | 'departments', keys: Array<string | number>): Map<string | number, string> {
    const ids = keys.map(Number).filter((n) => Number.isInteger(n))
    const rows = ids.length ? (this.db.prepare(`SELECT id, name FROM ${table} WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids) as Array<{ id: number; name: string }>) : []
    const byId = new Map(rows.map((r) => [r.id, r.name]))
    return new Map(keys.map((k) => [k, byId.get(Number(k)) ?? `#${k}`]))
  }

  bucket(key: string, bucket: Dim['bucket']): string {
    const zh = this.locale === 'zh-CN'
    switch (bucket) {
      case 'year':
        return zh ? `${key}年` : key
      case 'quarter':
        return zh ? `${key.slice(0, 4)}年第${key.slice(-1)}季度` : `${key.slice(0, 4)} Q${key.slice(-1)}`
      case 'month':
        return zh ? `${key.slice(0, 4)}年${Number(key.slice(5, 7))}月` : dayjs(`${key}-01`).format('MMM YYYY')
      case 'week':
        return translate(this.locale, 'reports.weekOf', { date: zh ? `${Number(key.slice(5, 7))}月${Number(key.slice(8, 10))}日` : dayjs(key).format('MMM D') })
      default:
        return key
    }
  }

  range(index: number, ranges: number[]): string {
    const f = (n: number) => formatNumber(n, { thousands: true })
    if (index === 0) return translate(this.locale, 'reports.rangeBelow', { value: f(ranges[0]!) })
    if (index >= ranges.length) return translate(this.locale, 'reports.rangeFrom', { value: f(ranges[ranges.length - 1]!) })
    return `${f(ranges[index - 1]!)} – ${f(ranges[index]!)}`
  }
}

/** The half-open range of calendar days [from, to) a bucket key covers, as ISO dates. */
export function bucketRange(key: string, bucket: Dim['bucket']): [string, string] {
  const fmt = (d: dayjs.Dayjs) => d.format('YYYY-MM-DD')
  switch (bucket) {
    case 'year': {
      const d = dayjs(`${key}-01-01`)
      return [fmt(d), fmt(d.add(1, 'year'))]
    }
    case 'quarter': {
      const d = dayjs(`${key.slice(0, 4)}-01-01`).add((Number(key.slice(-1)) - 1) * 3, 'month')
      return [fmt(d), fmt(d.add(3, 'month'))]
    }
    case 'month': {
      const d = dayjs(`${key}-01`)
      return [fmt(d), fmt(d.add(1, 'month'))]
    }
    case 'week':
      return [key, fmt(dayjs(key).add(7, 'day'))]
    default:
      return [key, fmt(dayjs(key).add(1, 'day'))]
  }
}
