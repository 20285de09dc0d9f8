import type { Sqlite } from '../db/connection'
import type { Organization } from '../access/organization'
import type { ApproverSource } from '../shared/api/flows'

// Approver resolution: who the people of a node are, from users, roles, the submitter's
// department head or N-th level manager (core.org), a member field on the record, the submitter,
// or people the submitter chose. Only active users count; the order is kept (sequential mode).

export interface ResolveInput {
  submitterId: number
  /** Stored value of a member field by API key; null when resolving without a record (validation). */
  memberValue: ((field: string) => unknown) | null
  /** People chosen by the submitter for this node; null when not known yet (validation). */
  chosen: number[] | null
}

export class ApproverResolver {
  constructor(private readonly db: Sqlite, private readonly org: Organization) {}

  /** Resolved user ids, or null when a source cannot be resolved without a record. */
  resolve(sources: ApproverSource[], input: ResolveInput): number[] | null {
    const out: number[] = []
    for (const s of sources) {
      const found = this.one(s, input)
      if (found === null) return null
      out.push(...found)
    }
    const active = new Set(this.db.prepare(`SELECT id FROM users WHERE active = 1 AND id IN (${out.map(() => '?').join(',') || 'NULL'})`).pluck().all(...out) as number[])
    return [...new Set(out)].filter((id) => active.has(id))
  }

  admins(): number[] {
    return this.db.prepare('SELECT id FROM users WHERE is_admin = 1 AND active = 1 ORDER BY id').pluck().all() as number[]
  }

  private one(s: ApproverSource, input: ResolveInput): number[] | null {
    switch (s.type) {
      case 'users':
        return s.ids
      case 'roles':
        if (!s.ids.length) return []
        return this.db.prepare(`SELECT DISTINCT ur.user_id FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE ur.role_id IN (${s.ids.map(() => '?').join(',')}) ORDER BY ur.user_id`).pluck().all(...s.ids) as number[]
      case 'manager': {
        const chain = this.org.managerChain(input.submitterId)
        const m = chain[s.level - 1]
        return m === undefined ? [] : [m]
      }
      case 'deptHead':
        return this.deptHead(input.submitterId, s.level)
      case 'submitter':
        return [input.submitterId]
      case 'field': {
        if (!input.memberValue) return null
        return memberIds(input.memberValue(s.field))
      }
      case 'chosen':
        return input.chosen
    }
  }

  /**
   * The head of the submitter's department (level 1) or of the department level−1 steps above it.
   * A submitter who heads their own department goes one level up, so nobody approves their own request.
   */
  private deptHead(userId: number, level: number): number[] {
    const deptId = this.db.prepare('SELECT department_id FROM users WHERE id = ?').pluck().get(userId) as number | null | undefined
    const depts = this.org.departments()
    let d = depts.find((x) => x.id === deptId)
    if (d && d.headUserId === userId) d = depts.find((x) => x.id === d!.parentId)
    for (let i = 1; i < level && d; i++) d = depts.find((x) => x.id === d!.parentId)
    return d?.headUserId ? [d.headUserId] : []
  }
}

export function memberIds(v: unknown): number[] {
  if (typeof v === 'number') return [v]
  if (Array.isArray(v)) return v.filter((x): x is number => typeof x === 'number')
  if (typeof v === 'string' && v.startsWith('[')) {
    try {
      return memberIds(JSON.parse(v) as unknown)
    } catch {
      return []
    }
  }
  return []
}
