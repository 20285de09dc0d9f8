import type { Actor } from '../access/actor'
import { ident, type Sqlite } from '../db/connection'
import { subTable } from '../forms/model'
import { DomainError } from '../shared/errors'
import { authorizeDownload, type DownloadDeps, type FileRef } from './downloads'

// Who may put a stored file into a record or an approval comment. A hash is not a right: someone
// who once saw one could otherwise attach it to their own record and keep the file after losing
// the record they saw it in. A file may be attached by
//   - the system and administrators (flows, rules, imports by an administrator): not limited;
//   - whoever uploaded those bytes themselves (table attachment_uploads);
//   - anyone who may download it right now through some record or approval they may read — the
//     very decision of downloads.ts (authorizeDownload), asked for each place the file is in.
// A file already in the field being saved is kept without asking (the write pipeline checks that
// before calling here): saving a record never fails over files it already has.

export interface AttachDeps extends DownloadDeps {
  db: Sqlite
}

/** The places `hash` is stored in: attachment fields (sub-table cells too) and approval comments. */
function* placesOf(deps: AttachDeps, hash: string): Generator<FileRef> {
  for (const formId of deps.schema.formIds()) {
    const form = deps.schema.form(formId)
    for (const field of form.fields) {
      const children = field.type === 'subtable' ? (form.children.get(field.id) ?? []) : [field]
      for (const f of children) {
        if (f.type !== 'attachment' || !f.column) continue
        const rows = field.type === 'subtable'
          ? deps.db.prepare(`SELECT DISTINCT parent_id FROM ${ident(subTable(field.id))} WHERE instr(${ident(f.column)}, ?) > 0`).pluck().all(hash) as number[]
          : deps.db.prepare(`SELECT id FROM ${ident(form.table)} WHERE instr(${ident(f.column)}, ?) > 0`).pluck().all(hash) as number[]
        for (const record of rows) {
          yield { kind: 'record', form: form.id, record, field: f.id }
          // A flow participant may read the record under approval outside their own scope.
          for (const instance of deps.db.prepare('SELECT id FROM flow_instances WHERE form_id = ? AND record_id = ?').pluck().all(form.id, record) as number[]) yield { kind: 'flow', instance }
        }
      }
    }
  }
  for (const instance of deps.db.prepare('SELECT DISTINCT instance_id FROM flow_history WHERE instr(attachments, ?) > 0').pluck().all(hash) as number[]) yield { kind: 'flow', instance }
}

/** Whether `actor` may attach stored file `hash` (see above); false for a file that is nowhere they may read. */
export function mayAttach(deps: AttachDeps, actor: Actor, hash: string): boolean {
  if (actor.id === 0 || actor.isAdmin) return true
  if (deps.attachments.uploadedBy(hash, actor.id)) return true
  for (const ref of placesOf(deps, hash)) {
    try {
      authorizeDownload(deps, actor, hash, ref)
      return true
    } catch (e) {
      if (!(e instanceof DomainError) || e.code === 'INTERNAL') throw e
    }
  }
  return false
}
