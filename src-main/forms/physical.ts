import { ident, type Sqlite } from '../db/connection'
import { columnType } from './field-types/registry'
import { relationConfig } from './field-types/relation'
import { formTable, ftsTable, linkTable, subTable, type FieldModel } from './model'

// DDL for the physical side of the form engine. Every identifier is generated (f_<id>, c_<id>);
// user labels never reach SQL. Callers run these inside the schema-change transaction.

/** Field types whose column gets an index by default (they are what lists filter and sort on). */
const INDEXED_TYPES = new Set(['select', 'date', 'datetime', 'amount', 'number', 'member', 'relation', 'autonumber', 'rollup'])

export function createFormTables(db: Sqlite, formId: number): void {
  const t = formTable(formId)
  db.exec(`
    CREATE TABLE ${ident(t)} (
      id INTEGER PRIMARY KEY,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      created_by INTEGER,
      updated_by INTEGER,
      owner_id INTEGER,
      deleted_at INTEGER,
      version INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX ${ident(`${t}_owner`)} ON ${ident(t)}(owner_id);
    CREATE INDEX ${ident(`${t}_updated`)} ON ${ident(t)}(updated_at);
    CREATE INDEX ${ident(`${t}_created`)} ON ${ident(t)}(created_at);
    CREATE VIRTUAL TABLE ${ident(ftsTable(formId))} USING fts5(body, tokenize = 'trigram', content = '', contentless_delete = 1);
  `)
}

/** The table a field's column lives in: the form table, or its sub-table's child table. */
export function ownerTable(field: FieldModel): string {
  return field.parentFieldId ? subTable(field.parentFieldId) : formTable(field.formId)
}

export function addFieldStorage(db: Sqlite, field: FieldModel, column: string): void {
  if (field.type === 'subtable') {
    const parent = formTable(field.formId)
    db.exec(`
      CREATE TABLE ${ident(subTable(field.id))} (
        id INTEGER PRIMARY KEY,
        parent_id INTEGER NOT NULL REFERENCES ${ident(parent)}(id) ON DELETE CASCADE,
        position INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX ${ident(`${subTable(field.id)}_parent`)} ON ${ident(subTable(field.id))}(parent_id, position);
    `)
    return
  }
  if (field.type === 'relation' && relationConfig(field).multiple) {
    db.exec(`
      CREATE TABLE ${ident(linkTable(field.id))} (
        src INTEGER NOT NULL REFERENCES ${ident(formTable(field.formId))}(id) ON DELETE CASCADE,
        dst INTEGER NOT NULL,
        position INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (src, dst)
      ) WITHOUT ROWID;
      CREATE INDEX ${ident(`${linkTable(field.id)}_dst`)} ON ${ident(linkTable(field.id))}(dst);
    `)
    return
  }
  const type = columnType(field)
  if (!type) return
  db.exec(`ALTER TABLE ${ident(ownerTable(field))} ADD COLUMN ${ident(column)} ${type}`)
  if (INDEXED_TYPES.has(field.type) && !field.parentFieldId) createIndex(db, field, column)
  if (field.unique) createUniqueIndex(db, field, column)
}

export function createIndex(db: Sqlite, field: FieldModel, column: string): void {
  const t = ownerTable(field)
  db.exec(`CREATE INDEX IF NOT EXISTS ${ident(`ix_${column}`)} ON ${ident(t)}(${ident(column)})`)
}

/** Unique among live records: deleted records keep their values without blocking new ones. */
export function createUniqueIndex(db: Sqlite, field: FieldModel, column: string): void {
  const t = ownerTable(field)
  const where = field.parentFieldId ? '' : ' WHERE deleted_at IS NULL'
  db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS ${ident(`ux_${column}`)} ON ${ident(t)}(${ident(column)})${where}`)
}

export function dropUniqueIndex(db: Sqlite, column: string): void {
  db.exec(`DROP INDEX IF EXISTS ${ident(`ux_${column}`)}`)
}

/** Drop every index that covers a column (its own, its unique one, views' composite ones): SQLite refuses to drop an indexed column. */
function dropIndexesOn(db: Sqlite, table: string, column: string): void {
  const indexes = db.prepare(`SELECT name FROM pragma_index_list(?) WHERE origin = 'c'`).pluck().all(table) as string[]
  for (const name of indexes) {
    const covers = (db.prepare('SELECT COUNT(*) FROM pragma_index_info(?) WHERE name = ?').pluck().get(name, column) as number) > 0
    if (covers) db.exec(`DROP INDEX IF EXISTS ${ident(name)}`)
  }
}

/**
 * Report summaries (reports/summaries.ts) are tables `sx_<table>_<hash>` kept by triggers named
 * `sx_<table>_<hash>_<what>`, on their form's table and on related forms' tables. A column goes
 * with every summary one of those triggers reads it in (as a key, a sum or a related field).
 */
export function summaryTables(db: Sqlite, table: string): string[] {
  return db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ESCAPE '\\' ORDER BY name`).pluck().all(`sx\\_${table.replace(/_/g, '\\_')}\\_%`) as string[]
}

function dropSummariesOn(db: Sqlite, table: string, column: string): void {
  const triggers = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name LIKE 'sx\\_%' ESCAPE '\\'`).all(table) as Array<{ name: string; sql: string }>
  const summaries = new Set(triggers.filter((t) => t.sql.includes(ident(column))).map((t) => /^(sx_.*?_[0-9a-f]{10})_/.exec(t.name)?.[1]).filter((n) => n !== undefined))
  for (const name of summaries) {
    const all = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, ?) = ?`).pluck().all(name.length + 1, `${name}_`) as string[]
    for (const trigger of all) db.exec(`DROP TRIGGER IF EXISTS ${ident(trigger)}`)
    db.exec(`DROP TABLE IF EXISTS ${ident(name)}`)
  }
}

/** Permanently remove a (deleted) field's storage. */
export function dropFieldStorage(db: Sqlite, field: FieldModel, columns: string[]): void {
  if (field.type === 'subtable') {
    db.exec(`DROP TABLE IF EXISTS ${ident(subTable(field.id))}`)
    return
  }
  if (field.type === 'relation' && relationConfig(field).multiple) {
    db.exec(`DROP TABLE IF EXISTS ${ident(linkTable(field.id))}`)
    return
  }
  for (const column of columns) {
    dropIndexesOn(db, ownerTable(field), column)
    dropSummariesOn(db, ownerTable(field), column)
    const exists = (db.prepare(`SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?`).pluck().get(ownerTable(field), column) as number) > 0
    if (exists) db.exec(`ALTER TABLE ${ident(ownerTable(field))} DROP COLUMN ${ident(column)}`)
  }
}
