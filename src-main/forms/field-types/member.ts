import type { Statement } from 'better-sqlite3'
import type { Sqlite } from '../../db/connection'
import type { FieldModel } from '../model'
import { badFilter, badFilterValue, fail } from './common'
import type { FieldTypeModule, Sql } from './types'

// A member is a user of this installation, stored by user id. Input may be the id, the login
// name or the display name (as typed in an Excel sheet), or `{ id }`.

const lookups = new WeakMap<Sqlite, Statement>()
function findUser(db: Sqlite, key: string | number): number | undefined {
  let stmt = lookups.get(db)
  if (!stmt) {
    stmt = db.prepare('SELECT id FROM users WHERE id = ? OR login = ? OR name = ? ORDER BY (id = ?) DESC LIMIT 1').pluck()
    lookups.set(db, stmt)
  }
  const asId = typeof key === 'number' || /^\d+$/.test(key) ? Number(key) : -1
  return stmt.get(asId, String(key), String(key), asId) as number | undefined
}

export function userIdFrom(db: Sqlite, input: unknown, field: FieldModel): number {
  const key = typeof input === 'object' && input !== null ? (input as { id?: unknown }).id : input
  if (typeof key !== 'number' && typeof key !== 'string') return fail(field, 'value.invalidUser', input)
  return findUser(db, typeof key === 'string' ? key.trim() : key) ?? fail(field, 'value.invalidUser', input)
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(',')

export const member: FieldTypeModule = {
  type: 'member',
  column: 'INTEGER',
  searchable: false,
  formulaType: () => 'text',
  coerce: (input, field, ctx) => userIdFrom(ctx.db, input, field),
  toApi: (stored, _field, ctx) => (typeof stored === 'number' ? { id: stored, name: ctx.userName(stored) ?? `#${stored}` } : null),
  toFormula: () => null,
  format: () => '',
  filter(op, value, field, ctx): Sql {
    const col = ctx.column
    if (op === 'empty') return { sql: `${col} IS NULL`, params: [] }
    if (op === 'notEmpty') return { sql: `${col} IS NOT NULL`, params: [] }
    if (op === 'isMe') return { sql: `${col} = ?`, params: [ctx.actorId] }
    const list = (Array.isArray(value) ? value : [value]).map((v) => {
      const id = typeof v === 'object' && v !== null ? (v as { id?: unknown }).id : v
      return typeof id === 'number' || (typeof id === 'string' && /^\d+$/.test(id)) ? Number(id) : badFilterValue(field)
    })
    if (list.length === 0) return badFilterValue(field)
    switch (op) {
      case 'eq': return { sql: `${col} = ?`, params: [list[0]] }
      case 'neq': return { sql: `(${col} IS NULL OR ${col} <> ?)`, params: [list[0]] }
      case 'in': return { sql: `${col} IN (${placeholders(list.length)})`, params: list }
      case 'notIn': return { sql: `(${col} IS NULL OR ${col} NOT IN (${placeholders(list.length)}))`, params: list }
      default: return badFilter(field, op)
    }
  }
}
