import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors'
import type { FilterNode, PermissionDto } from '../shared/api/contracts'
import type { PasswordHasher } from './auth'
import type { AuditLog } from './audit'
import { deriveApiKey } from '../forms/api-key'

/**
 * The password hash of a colleague who does not sign in (an import's sales agent recorded as the
 * owner of their deals): no password matches it, until an administrator sets one in 组织.
 */
export const NO_SIGN_IN = '!no-sign-in'

// The organization: departments (a tree with a head each), users with a direct manager, roles
// and per-form permissions. Every change here is written to the audit trail with before/after.
// `version` bumps on every change so the access layer can cache per-actor policies safely.

export interface DepartmentRow { id: number; name: string; parentId: number | null; headUserId: number | null; position: number }
export interface RoleRow { id: number; key: string; name: string; description: string | null; isAdmin: boolean; userCount: number }

/** Default roles of a new installation; editable afterwards. */
export const DEFAULT_ROLES = [
  { key: 'admin', name: '管理员', description: '拥有全部权限', isAdmin: true },
  { key: 'sales_manager', name: '销售经理', description: '管理本部门的客户与商机', isAdmin: false },
  { key: 'sales_rep', name: '销售代表', description: '跟进自己的客户与商机', isAdmin: false },
  { key: 'finance', name: '财务', description: '合同与回款', isAdmin: false },
  { key: 'service', name: '客服', description: '工单与客户服务', isAdmin: false }
]

export interface UserInput {
  name?: string; login?: string; phone?: string | null; email?: string | null; departmentId?: number | null
  managerId?: number | null; roleIds?: number[]; active?: boolean
}

export class Organization {
  version = 0

  constructor(private readonly db: Sqlite, private readonly clock: Clock, private readonly audit: AuditLog, private readonly passwords: PasswordHasher) {}

  /** Seed the default roles once (a new or migrated database). */
  ensureDefaults(): void {
    if ((this.db.prepare('SELECT COUNT(*) FROM roles').pluck().get() as number) > 0) return
    const insert = this.db.prepare('INSERT INTO roles (key, name, description, is_admin, position, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    DEFAULT_ROLES.forEach((r, i) => insert.run(r.key, r.name, r.description, r.isAdmin ? 1 : 0, i, this.clock.now()))
    // Existing administrators hold the admin role.
    this.db.prepare("INSERT OR IGNORE INTO user_roles (user_id, role_id) SELECT u.id, r.id FROM users u, roles r WHERE u.is_admin = 1 AND r.key = 'admin'").run()
  }

  // ---------- departments ----------

  departments(): DepartmentRow[] {
    return this.db.prepare('SELECT id, name, parent_id AS parentId, head_user_id AS headUserId, position FROM departments ORDER BY position, id').all() as DepartmentRow[]
  }

  department(id: number): DepartmentRow {
    const d = this.departments().find((x) => x.id === id)
    if (!d) throw new NotFoundError('error.departmentNotFound', { id })
    return d
  }

  /** A department and all departments below it. */
  subtree(id: number): number[] {
    const all = this.departments()
    const out = [id]
    for (let i = 0; i < out.length; i++) for (const d of all) if (d.parentId === out[i]) out.push(d.id)
    return out
  }

  createDepartment(actorId: number, input: { name: string; parentId?: number | null; headUserId?: number | null }): DepartmentRow {
    return this.tx(() => {
      if (input.parentId != null) this.department(input.parentId)
      if (input.headUserId != null) this.requireUser(input.headUserId)
      const position = this.db.prepare('SELECT COALESCE(MAX(position), 0) + 1 FROM departments').pluck().get() as number
      const id = Number(this.db.prepare('INSERT INTO departments (name, parent_id, head_user_id, position, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(input.name, input.parentId ?? null, input.headUserId ?? null, position, this.clock.now()).lastInsertRowid)
      const dept = this.department(id)
      this.audit.append({ op: 'department.create', actorId, detail: { after: dept } })
      return dept
    })
  }

  updateDepartment(actorId: number, input: { id: number; name?: string; parentId?: number | null; headUserId?: number | null }): DepartmentRow {
    return this.tx(() => {
      const before = this.department(input.id)
      if (input.parentId != null) {
        this.department(input.parentId)
        if (this.subtree(input.id).includes(input.parentId)) throw new ValidationError('org.departmentCycle', {}, 'parentId')
      }
      if (input.headUserId != null) this.requireUser(input.headUserId)
      this.db.prepare('UPDATE departments SET name = ?, parent_id = ?, head_user_id = ? WHERE id = ?').run(
        input.name ?? before.name, input.parentId === undefined ? before.parentId : input.parentId,
        input.headUserId === undefined ? before.headUserId : input.headUserId, input.id)
      const after = this.department(input.id)
      this.audit.append({ op: 'department.update', actorId, detail: { before, after } })
      return after
    })
  }

  deleteDepartment(actorId: number, id: number): void {
    this.tx(() => {
      const dept = this.department(id)
      const children = this.db.prepare('SELECT COUNT(*) FROM departments WHERE parent_id = ?').pluck().get(id) as number
      const members = this.db.prepare('SELECT COUNT(*) FROM users WHERE department_id = ?').pluck().get(id) as number
      if (children || members) throw new ConflictError('org.departmentNotEmpty', { name: dept.name, children, members })
      this.db.prepare('DELETE FROM departments WHERE id = ?').run(id)
      this.audit.append({ op: 'department.delete', actorId, detail: { before: dept } })
    })
  }

  // ---------- users ----------

  /** Add a user; the password is hashed off the main thread first. */
  async createUser(actorId: number, input: UserInput & { name: string; login: string; password: string }): Promise<number> {
    const { password, ...rest } = input
    this.checkLoginFree(input.login)
    return this.createUserWithHash(actorId, { ...rest, passwordHash: await this.passwords.hash(password) })
  }

  /** Add a user whose password hash is already made (sample data: many users, one known password). */
  createUserWithHash(actorId: number, input: UserInput & { name: string; login: string; passwordHash: string }): number {
    return this.tx(() => {
      this.checkLoginFree(input.login)
      this.checkRefs(input)
      const id = Number(this.db.prepare(`INSERT INTO users (name, login, password_hash, is_admin, active, phone, email, department_id, manager_id, created_at)
        VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?)`).run(input.name, input.login, input.passwordHash, input.active === false ? 0 : 1,
        input.phone ?? null, input.email ?? null, input.departmentId ?? null, input.managerId ?? null, this.clock.now()).lastInsertRowid)
      this.setRoles(id, input.roleIds ?? [])
      this.audit.append({ op: 'user.create', actorId, detail: { after: this.snapshot(id) } })
      return id
    })
  }

  /**
   * Add a colleague who does not sign in, by name (an import's sales agents, so that ownership,
   * rankings and the owner filter work): no role, a login made from the name (zhangwei, zhangwei2…)
   * for when an administrator later gives them a password.
   */
  createColleague(actorId: number, name: string): number {
    const base = deriveApiKey(name, 'user').toLowerCase().slice(0, 40)
    let login = base
    for (let n = 2; this.db.prepare('SELECT 1 FROM users WHERE login = ?').get(login); n++) login = `${base}${n}`
    return this.createUserWithHash(actorId, { name, login, passwordHash: NO_SIGN_IN })
  }

  updateUser(actorId: number, id: number, input: UserInput): void {
    this.tx(() => {
      const before = this.snapshot(id)
      if (input.login && input.login !== before.login && this.db.prepare('SELECT 1 FROM users WHERE login = ?').get(input.login)) {
        throw new ValidationError('auth.loginTaken', { login: input.login }, 'login')
      }
      if (input.managerId === id) throw new ValidationError('org.selfManager', {}, 'managerId')
      this.checkRefs(input)
      if (input.active === false && actorId === id) throw new ValidationError('org.cannotDisableSelf', {}, 'active')
      this.db.prepare('UPDATE users SET name = ?, login = ?, phone = ?, email = ?, department_id = ?, manager_id = ?, active = ? WHERE id = ?').run(
        input.name ?? before.name, input.login ?? before.login, pick(input.phone, before.phone), pick(input.email, before.email),
        pick(input.departmentId, before.departmentId), pick(input.managerId, before.managerId), (input.active ?? before.active) ? 1 : 0, id)
      if (input.roleIds) this.setRoles(id, input.roleIds)
      // A disabled account is signed out everywhere at once, its API tokens included.
      if (input.active === false) {
        this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(id)
        this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL').run(this.clock.now(), id)
      }
      this.audit.append({ op: 'user.update', actorId, detail: { before, after: this.snapshot(id) } })
    })
  }

  roleIdsOf(userId: number): number[] {
    return this.db.prepare('SELECT role_id FROM user_roles WHERE user_id = ? ORDER BY role_id').pluck().all(userId) as number[]
  }

  /** The approval chain upward: direct manager, theirs, …; a department head stands in where no manager is set. */
  managerChain(userId: number): number[] {
    const chain: number[] = []
    let current = userId
    for (let i = 0; i < 20; i++) {
      const u = this.db.prepare('SELECT manager_id, department_id FROM users WHERE id = ?').get(current) as { manager_id: number | null; department_id: number | null } | undefined
      if (!u) break
      let next = u.manager_id
      // No direct manager: the nearest department head above them in the tree.
      for (let d: number | null = u.department_id; next === null && d !== null; ) {
        const dept = this.department(d)
        if (dept.headUserId !== null && dept.headUserId !== current) next = dept.headUserId
        d = dept.parentId
      }
      if (next === null || chain.includes(next) || next === userId) break
      chain.push(next)
      current = next
    }
    return chain
  }

  // ---------- roles and permissions ----------

  roles(): RoleRow[] {
    const rows = this.db.prepare(`SELECT r.id, r.key, r.name, r.description, r.is_admin AS admin, (SELECT COUNT(*) FROM user_roles ur WHERE ur.role_id = r.id) AS userCount
      FROM roles r ORDER BY r.position, r.id`).all() as Array<Omit<RoleRow, 'isAdmin'> & { admin: number }>
    return rows.map(({ admin, ...r }) => ({ ...r, isAdmin: !!admin }))
  }

  role(id: number): RoleRow {
    const r = this.roles().find((x) => x.id === id)
    if (!r) throw new NotFoundError('error.roleNotFound', { id })
    return r
  }

  createRole(actorId: number, input: { name: string; description?: string | null }): RoleRow {
    return this.tx(() => {
      const position = this.db.prepare('SELECT COALESCE(MAX(position), 0) + 1 FROM roles').pluck().get() as number
      const key = `role_${position}_${this.clock.now().toString(36)}`
      const id = Number(this.db.prepare('INSERT INTO roles (key, name, description, position, created_at) VALUES (?, ?, ?, ?, ?)').run(key, input.name, input.description ?? null, position, this.clock.now()).lastInsertRowid)
      this.audit.append({ op: 'role.create', actorId, detail: { after: this.role(id) } })
      return this.role(id)
    })
  }

  updateRole(actorId: number, input: { id: number; name?: string; description?: string | null }): RoleRow {
    return this.tx(() => {
      const before = this.role(input.id)
      this.db.prepare('UPDATE roles SET name = ?, description = ? WHERE id = ?').run(input.name ?? before.name, input.description === undefined ? before.description : input.description, input.id)
      this.audit.append({ op: 'role.update', actorId, detail: { before, after: this.role(input.id) } })
      return this.role(input.id)
    })
  }

  deleteRole(actorId: number, id: number): void {
    this.tx(() => {
      const role = this.role(id)
      if (role.isAdmin) throw new ConflictError('org.adminRoleFixed')
      if (role.userCount > 0) throw new ConflictError('org.roleInUse', { name: role.name, count: role.userCount })
      this.db.prepare('DELETE FROM permissions WHERE role_id = ?').run(id)
      this.db.prepare('DELETE FROM roles WHERE id = ?').run(id)
      this.audit.append({ op: 'role.delete', actorId, detail: { before: role } })
    })
  }

  permissions(roleId: number): PermissionDto[] {
    this.role(roleId)
    const rows = this.db.prepare('SELECT form_id, actions, scope, scope_filter, field_rules FROM permissions WHERE role_id = ? ORDER BY form_id').all(roleId) as Array<{ form_id: number; actions: string; scope: string; scope_filter: string | null; field_rules: string }>
    return rows.map(toPermission)
  }

  setPermission(actorId: number, roleId: number, p: PermissionDto): PermissionDto {
    return this.tx(() => {
      const role = this.role(roleId)
      if (role.isAdmin) throw new ConflictError('org.adminRoleFixed')
      if (!this.db.prepare('SELECT 1 FROM forms WHERE id = ?').get(p.formId)) throw new NotFoundError('error.formNotFound', { form: String(p.formId) })
      if (p.scope === 'custom' && !p.scopeFilter) throw new ValidationError('org.customScopeNeedsFilter', {}, 'scopeFilter')
      const before = this.permissions(roleId).find((x) => x.formId === p.formId) ?? null
      const actions = [...new Set(p.actions)]
      // Every other action implies seeing the records it acts on.
      if (actions.length && !actions.includes('view')) actions.unshift('view')
      this.db.prepare(`INSERT INTO permissions (role_id, form_id, actions, scope, scope_filter, field_rules) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT(role_id, form_id) DO UPDATE SET actions = excluded.actions, scope = excluded.scope, scope_filter = excluded.scope_filter, field_rules = excluded.field_rules`)
        .run(roleId, p.formId, JSON.stringify(actions), p.scope, p.scope === 'custom' ? JSON.stringify(p.scopeFilter) : null, JSON.stringify(p.fieldRules ?? {}))
      const after = this.permissions(roleId).find((x) => x.formId === p.formId)!
      this.audit.append({ op: 'permission.change', actorId, formId: p.formId, detail: { role: role.name, roleId, before, after } })
      return after
    })
  }

  // ---------- internals ----------

  private tx<T>(fn: () => T): T {
    try {
      const result = this.db.transaction(fn)()
      this.version++
      return result
    } catch (e) {
      this.audit.reset()
      throw e
    }
  }

  private setRoles(userId: number, roleIds: number[]): void {
    for (const r of roleIds) this.role(r)
    this.db.prepare('DELETE FROM user_roles WHERE user_id = ?').run(userId)
    const insert = this.db.prepare('INSERT INTO user_roles (user_id, role_id) VALUES (?, ?)')
    for (const r of new Set(roleIds)) insert.run(userId, r)
    const admin = roleIds.some((r) => this.role(r).isAdmin)
    this.db.prepare('UPDATE users SET is_admin = ? WHERE id = ?').run(admin ? 1 : 0, userId)
  }

  private checkLoginFree(login: string): void {
    if (this.db.prepare('SELECT 1 FROM users WHERE login = ?').get(login)) throw new ValidationError('auth.loginTaken', { login }, 'login')
  }

  private requireUser(id: number): void {
    if (!this.db.prepare('SELECT 1 FROM users WHERE id = ?').get(id)) throw new NotFoundError('error.userNotFound', { id })
  }

  private checkRefs(input: UserInput): void {
    if (input.departmentId != null) this.department(input.departmentId)
    if (input.managerId != null) this.requireUser(input.managerId)
  }

  private snapshot(id: number) {
    const u = this.db.prepare('SELECT id, name, login, phone, email, department_id AS departmentId, manager_id AS managerId, active FROM users WHERE id = ?').get(id) as
      { id: number; name: string; login: string; phone: string | null; email: string | null; departmentId: number | null; managerId: number | null; active: number } | undefined
    if (!u) throw new NotFoundError('error.userNotFound', { id })
    return { ...u, active: !!u.active, roleIds: this.roleIdsOf(id) }
  }
}

function pick<T>(v: T | undefined, fallback: T): T {
  return v === undefined ? fallback : v
}

function toPermission(r: { form_id: number; actions: string; scope: string; scope_filter: string | null; field_rules: string }): PermissionDto {
  return {
    formId: r.form_id,
    actions: JSON.parse(r.actions) as PermissionDto['actions'],
    scope: r.scope as PermissionDto['scope'],
    scopeFilter: r.scope_filter ? (JSON.parse(r.scope_filter) as FilterNode) : null,
    fieldRules: JSON.parse(r.field_rules) as Record<string, 'hidden' | 'readonly'>
  }
}
