import type { Sqlite } from '../db/connection'
import type { Actor } from '../access/actor'
import type { Clock } from '../clock'
import {
  dashboardInput,
  widgetDto,
  type DashboardDto,
  type DashboardSummary,
  type WidgetDto,
  type WidgetInput
} from '../shared/api/reports'
import { NotFoundError, PermissionError, ValidationError } from '../shared/errors'
import type { z } from 'zod'

// Dashboards and their widgets (system tables of migration 7). A dashboard is seen by its owner,
// by users holding one of the roles it is shared with, and by administrators; only its owner and
// administrators change it. Dashboards shipped with an app have no owner: administrators edit them.
//
// Sharing with roles is publishing: a role spans the firm (总经理, 管理员 included) and the
// dashboard then sits on every holder's list. Only administrators publish; anyone else keeps their
// dashboards personal and may only take back a share an administrator made. (Widgets run under
// each viewer's own access, so this is about who decides what others see, not about data.)

interface DashboardRow {
  id: number
  name: string
  description: string | null
  app_key: string | null
  owner_user_id: number | null
  refresh_seconds: number
  position: number
  updated_at: number
}

interface WidgetRow {
  key: string
  title: string
  type: string
  query: string
  layout: string
  options: string
}

export type DashboardInput = z.input<typeof dashboardInput>

export class DashboardStore {
  constructor(private readonly db: Sqlite, private readonly clock: Clock) {}

  list(actor: Actor): DashboardSummary[] {
    const rows = this.db.prepare('SELECT * FROM dashboards ORDER BY position, id').all() as DashboardRow[]
    return rows.filter((r) => this.canView(actor, r)).map((r) => this.summary(actor, r))
  }

  get(actor: Actor, id: number): DashboardDto {
    const row = this.row(id)
    if (!this.canView(actor, row)) throw new NotFoundError('reports.error.dashboardNotFound', { id })
    const widgets = (this.db.prepare('SELECT key, title, type, query, layout, options FROM dashboard_widgets WHERE dashboard_id = ? ORDER BY position, id').all(id) as WidgetRow[]).map(
      (w): WidgetDto => widgetDto.parse({ key: w.key, title: w.title, type: w.type, query: JSON.parse(w.query), layout: JSON.parse(w.layout), options: JSON.parse(w.options) })
    )
    return { ...this.summary(actor, row), widgets }
  }

  /** Create a dashboard; `appKey` marks one shipped with an app (no owner). */
  create(actor: Actor, input: DashboardInput, appKey: string | null = null): number {
    const parsed = dashboardInput.parse(input)
    this.authorizeShare(actor, [], parsed.roleIds)
    const now = this.clock.now()
    return this.db.transaction(() => {
      const position = (this.db.prepare('SELECT COALESCE(MAX(position), 0) + 1 FROM dashboards').pluck().get() as number) ?? 1
      const id = Number(
        this.db
          .prepare('INSERT INTO dashboards (name, description, app_key, owner_user_id, refresh_seconds, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(parsed.name, parsed.description ?? null, appKey, appKey ? null : actor.id || null, parsed.refreshSeconds, position, now, now).lastInsertRowid
      )
      this.setRoles(id, parsed.roleIds)
      this.setWidgets(id, parsed.widgets)
      return id
    })()
  }

  update(actor: Actor, id: number, patch: Partial<DashboardInput>): void {
    const row = this.row(id)
    this.authorizeEdit(actor, row)
    if (patch.roleIds !== undefined) this.authorizeShare(actor, this.roleIds(id), patch.roleIds)
    this.db.transaction(() => {
      if (patch.name !== undefined) this.db.prepare('UPDATE dashboards SET name = ? WHERE id = ?').run(patch.name, id)
      if (patch.description !== undefined) this.db.prepare('UPDATE dashboards SET description = ? WHERE id = ?').run(patch.description, id)
      if (patch.refreshSeconds !== undefined) this.db.prepare('UPDATE dashboards SET refresh_seconds = ? WHERE id = ?').run(patch.refreshSeconds, id)
      if (patch.roleIds !== undefined) this.setRoles(id, patch.roleIds)
      if (patch.widgets !== undefined) this.setWidgets(id, patch.widgets)
      this.db.prepare('UPDATE dashboards SET updated_at = ? WHERE id = ?').run(this.clock.now(), id)
    })()
  }

  delete(actor: Actor, id: number): void {
    const row = this.row(id)
    this.authorizeEdit(actor, row)
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM dashboard_widgets WHERE dashboard_id = ?').run(id)
      this.db.prepare('DELETE FROM dashboard_roles WHERE dashboard_id = ?').run(id)
      this.db.prepare('DELETE FROM dashboards WHERE id = ?').run(id)
    })()
  }

  /** The shipped dashboard of an app by name, if installed. */
  findShipped(appKey: string, name: string): number | null {
    return (this.db.prepare('SELECT id FROM dashboards WHERE app_key = ? AND name = ?').pluck().get(appKey, name) as number | undefined) ?? null
  }

  private setRoles(id: number, roleIds: number[]): void {
    this.db.prepare('DELETE FROM dashboard_roles WHERE dashboard_id = ?').run(id)
    const insert = this.db.prepare('INSERT OR IGNORE INTO dashboard_roles (dashboard_id, role_id) SELECT ?, id FROM roles WHERE id = ?')
    for (const roleId of roleIds) {
      if (insert.run(id, roleId).changes === 0) throw new ValidationError('reports.error.unknownRole', { id: roleId }, 'roleIds')
    }
  }

  private setWidgets(id: number, widgets: WidgetInput[]): void {
    const keys = new Set<string>()
    for (const w of widgets) {
      if (keys.has(w.key)) throw new ValidationError('reports.error.duplicateWidget', { key: w.key }, 'widgets')
      keys.add(w.key)
    }
    this.db.prepare('DELETE FROM dashboard_widgets WHERE dashboard_id = ?').run(id)
    const insert = this.db.prepare('INSERT INTO dashboard_widgets (dashboard_id, key, title, type, query, layout, options, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    widgets.forEach((w, i) => insert.run(id, w.key, w.title, w.type, JSON.stringify(w.query), JSON.stringify(w.layout), JSON.stringify(w.options ?? {}), i))
  }

  private row(id: number): DashboardRow {
    const row = this.db.prepare('SELECT * FROM dashboards WHERE id = ?').get(id) as DashboardRow | undefined
    if (!row) throw new NotFoundError('reports.error.dashboardNotFound', { id })
    return row
  }

  private isAdmin(actor: Actor): boolean {
    if (actor.id === 0) return true
    const admin = this.db.prepare('SELECT is_admin FROM users WHERE id = ?').pluck().get(actor.id) as number | undefined
    return Boolean(admin) || actor.isAdmin
  }

  private roleIds(id: number): number[] {
    return this.db.prepare('SELECT role_id FROM dashboard_roles WHERE dashboard_id = ? ORDER BY role_id').pluck().all(id) as number[]
  }

  private canView(actor: Actor, row: DashboardRow): boolean {
    if (this.isAdmin(actor) || row.owner_user_id === actor.id) return true
    return this.db.prepare('SELECT 1 FROM dashboard_roles dr JOIN user_roles ur ON ur.role_id = dr.role_id WHERE dr.dashboard_id = ? AND ur.user_id = ?').get(row.id, actor.id) !== undefined
  }

  private canEdit(actor: Actor, row: DashboardRow): boolean {
    return this.isAdmin(actor) || (row.owner_user_id !== null && row.owner_user_id === actor.id)
  }

  /** Adding roles to share with is an administrator's act; removing them is anyone's who may edit. */
  private authorizeShare(actor: Actor, before: number[], after: number[]): void {
    if (this.isAdmin(actor)) return
    if (after.some((roleId) => !before.includes(roleId))) throw new PermissionError('reports.error.shareAdminOnly')
  }

  private authorizeEdit(actor: Actor, row: DashboardRow): void {
    if (!this.canView(actor, row)) throw new NotFoundError('reports.error.dashboardNotFound', { id: row.id })
    if (!this.canEdit(actor, row)) throw new PermissionError('reports.error.cannotEdit', { name: row.name })
  }

  private summary(actor: Actor, r: DashboardRow): DashboardSummary {
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      appKey: r.app_key,
      ownerId: r.owner_user_id,
      roleIds: this.roleIds(r.id),
      refreshSeconds: r.refresh_seconds,
      position: r.position,
      widgetCount: this.db.prepare('SELECT COUNT(*) FROM dashboard_widgets WHERE dashboard_id = ?').pluck().get(r.id) as number,
      canEdit: this.canEdit(actor, r),
      updatedAt: new Date(r.updated_at).toISOString()
    }
  }
}
