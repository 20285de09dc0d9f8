import type { Sqlite } from '../db/connection'
import type { Clock } from '../clock'
import type { Scheduler } from '../jobs/scheduler'
import type { Organization } from '../access/organization'
import type { SystemSettings } from '../settings/system-settings'
import type { AuditLog } from '../access/audit'
import type { ImSettingsDto } from '../shared/api/im'
import { translate, type Locale } from '../shared/locales'
import { ValidationError } from '../shared/errors'
import { DEFAULT_BASE_URL, IM_PROVIDERS, ImError, makeChannel, type ImChannel, type ImProvider } from './channels'

// DingTalk / WeCom work notices and contact import. Every in-app notification (approvals and
// their outcomes, assigned tasks, reminders, rule notices: all of them pass Notifications.add)
// to a user bound to a DingTalk or WeCom user id becomes one job `im.notice` per enabled provider,
// enqueued in the same transaction as the notification, keyed by notification and provider so it
// is sent once. The job sends the notice with a link to the record (or the to-do list) at the
// configured public address; offline or refused, it throws and the scheduler retries it with
// backoff, so notices written while the office has no internet go out when it is back.

export const IM_NOTICE_JOB = 'im.notice'

interface ProviderSettings { enabled: boolean; baseUrl: string; key: string; secret: string; agentId: string }
interface Settings { publicUrl: string; dingtalk: ProviderSettings; wecom: ProviderSettings }
type ProviderInput = Partial<ProviderSettings>

const EMPTY: ProviderSettings = { enabled: false, baseUrl: '', key: '', secret: '', agentId: '' }

export interface ImDeps {
  db: Sqlite
  clock: Clock
  scheduler: Scheduler
  org: Organization
  audit: AuditLog
  /** 访问地址 lives in the system settings (links in notices, public forms and survey e-mails). */
  settings: SystemSettings
}

export interface ImportResult { departmentsCreated: number; usersCreated: number; usersBound: number; alreadyBound: number }

export class ImService {
  /** One channel per provider and credentials, so the access token is cached across notices. */
  private readonly channels = new Map<string, ImChannel>()

  constructor(private readonly deps: ImDeps) {
    deps.scheduler.registerKind(IM_NOTICE_JOB, (payload) => this.deliver(payload as NoticeJob), { maxAttempts: 10, backoffMs: 30_000 })
  }

  private stored(): Settings {
    const raw = this.deps.db.prepare("SELECT value FROM im_settings WHERE key = 'settings'").pluck().get() as string | undefined
    const parsed = (raw ? JSON.parse(raw) : {}) as Partial<Settings>
    return { publicUrl: this.deps.settings.access().publicUrl, dingtalk: { ...EMPTY, ...parsed.dingtalk }, wecom: { ...EMPTY, ...parsed.wecom } }
  }

  /**
   * The public address used to be kept with these settings; it is a general setting now (links in
   * public forms and survey e-mails start with it too). Moved there once, at start, when the
   * general one is still empty; removed here in the same transaction, so it is read from one place.
   */
  adoptLegacyPublicUrl(): void {
    const raw = this.deps.db.prepare("SELECT value FROM im_settings WHERE key = 'settings'").pluck().get() as string | undefined
    if (!raw) return
    const { publicUrl, ...rest } = JSON.parse(raw) as Partial<Settings>
    if (publicUrl === undefined) return
    this.deps.db.transaction(() => {
      if (publicUrl && !this.deps.settings.access().publicUrl) this.deps.settings.setAccess({ publicUrl })
      this.deps.db.prepare("UPDATE im_settings SET value = ? WHERE key = 'settings'").run(JSON.stringify(rest))
    })()
  }

  /** The settings as the API answers them: the secrets only as "set" and their last four characters. */
  settings(): ImSettingsDto {
    const s = this.stored()
    const mask = (p: ProviderSettings) => ({
      enabled: p.enabled, baseUrl: p.baseUrl, key: p.key, agentId: p.agentId, secretSet: p.secret !== '',
      secretHint: p.secret ? `••••${p.secret.slice(-4)}` : ''
    })
    const count = (status: string) => this.deps.db.prepare('SELECT COUNT(*) FROM jobs WHERE kind = ? AND status = ?').pluck().get(IM_NOTICE_JOB, status) as number
    return { publicUrl: s.publicUrl, dingtalk: mask(s.dingtalk), wecom: mask(s.wecom), queue: { pending: count('pending') + count('running'), failed: count('failed') } }
  }

  update(actorId: number, input: { publicUrl?: string; dingtalk?: ProviderInput; wecom?: ProviderInput }): ImSettingsDto {
    const current = this.stored()
    const next: Settings = { publicUrl: (input.publicUrl ?? current.publicUrl).replace(/\/+$/, ''), dingtalk: current.dingtalk, wecom: current.wecom }
    for (const provider of IM_PROVIDERS) {
      const change = input[provider]
      if (!change) continue
      const { secret, ...rest } = change
      next[provider] = { ...current[provider], ...rest, secret: secret ? secret : current[provider].secret }
    }
    for (const provider of IM_PROVIDERS) {
      const p = next[provider]
      if (!p.enabled || !input[provider]) continue
      // A switched-on provider must be able to send: credentials, the application and where links point.
      if (!p.key) throw new ValidationError('im.error.keyRequired', {}, `${provider}.key`)
      if (!p.secret) throw new ValidationError('im.error.secretRequired', {}, `${provider}.secret`)
      if (!p.agentId) throw new ValidationError('im.error.agentIdRequired', {}, `${provider}.agentId`)
      if (!next.publicUrl) throw new ValidationError('im.error.publicUrlRequired', {}, 'publicUrl')
    }
    this.deps.db.transaction(() => {
      const { publicUrl, ...providers } = next
      if (input.publicUrl !== undefined) this.deps.settings.setAccess({ publicUrl })
      this.deps.db.prepare("INSERT INTO im_settings (key, value) VALUES ('settings', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(providers))
      // The audit names what changed, never a secret.
      const changed = IM_PROVIDERS.filter((p) => input[p]).map((p) => ({ provider: p, enabled: next[p].enabled, key: next[p].key, agentId: next[p].agentId, baseUrl: next[p].baseUrl, secretChanged: Boolean(input[p]?.secret) }))
      this.deps.audit.append({ op: 'im.settings', actorId, detail: { publicUrl: next.publicUrl, changed } })
    })()
    return this.settings()
  }

  private channel(provider: ImProvider): ImChannel {
    const p = this.stored()[provider]
    const creds = { baseUrl: p.baseUrl || DEFAULT_BASE_URL[provider], key: p.key, secret: p.secret, agentId: p.agentId }
    const fingerprint = JSON.stringify([provider, creds])
    let channel = this.channels.get(fingerprint)
    if (!channel) {
      for (const [k, c] of this.channels) if (c.provider === provider) this.channels.delete(k)
      channel = makeChannel(provider, creds, this.deps.clock)
      this.channels.set(fingerprint, channel)
    }
    return channel
  }

  /** The connection test: an access token fetched with the saved settings, or why not. */
  async test(provider: ImProvider): Promise<{ ok: boolean; error: string | null }> {
    const p = this.stored()[provider]
    if (!p.key || !p.secret) return { ok: false, error: null }
    try {
      await this.channel(provider).check()
      return { ok: true, error: null }
    } catch (e) {
      return { ok: false, error: e instanceof ImError ? e.message : String(e) }
    }
  }

  /**
   * Called by Notifications.add inside its transaction: one job per enabled provider the
   * recipient is bound in. Nothing is sent here; the scheduler sends.
   */
  enqueueFor(notification: { id: number; userId: number }): void {
    const s = this.stored()
    for (const provider of IM_PROVIDERS) {
      if (!s[provider].enabled || !this.externalId(notification.userId, provider)) continue
      this.deps.scheduler.enqueue(IM_NOTICE_JOB, { provider, notificationId: notification.id } satisfies NoticeJob, { key: `im:${provider}:${notification.id}` })
    }
  }

  private externalId(userId: number, provider: ImProvider): string | null {
    return (this.deps.db.prepare('SELECT external_id FROM im_bindings WHERE user_id = ? AND provider = ?').pluck().get(userId, provider) as string | undefined) ?? null
  }

  /** The job: send one notification as a work notice. Throws (so it is retried) when it could not. */
  private async deliver(job: NoticeJob): Promise<void> {
    const s = this.stored()
    const row = this.deps.db.prepare('SELECT n.user_id, n.title, n.body, n.form_id, n.record_id, u.locale, u.active FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.id = ?')
      .get(job.notificationId) as { user_id: number; title: string; body: string; form_id: number | null; record_id: number | null; locale: string; active: number } | undefined
    // Switched off, unbound or disabled since it was queued: the notice stays in the app only.
    if (!row || !row.active || !s[job.provider].enabled) return
    const to = this.externalId(row.user_id, job.provider)
    if (!to) return
    const locale: Locale = row.locale === 'en' ? 'en' : 'zh-CN'
    const path = row.form_id && row.record_id ? `/#/forms/${row.form_id}/records/${row.record_id}` : '/#/todo'
    await this.channel(job.provider).send([to], {
      title: row.title,
      text: row.body || row.title,
      url: `${s.publicUrl}${path}`,
      button: translate(locale, row.form_id && row.record_id ? 'im.notice.openRecord' : 'im.notice.openTodo')
    })
  }

  bindings(): Array<{ userId: number; name: string; active: boolean; dingtalk: string | null; wecom: string | null }> {
    const rows = this.deps.db.prepare(`SELECT u.id, u.name, u.active,
        (SELECT external_id FROM im_bindings b WHERE b.user_id = u.id AND b.provider = 'dingtalk') AS dingtalk,
        (SELECT external_id FROM im_bindings b WHERE b.user_id = u.id AND b.provider = 'wecom') AS wecom
      FROM users u ORDER BY u.id`).all() as Array<{ id: number; name: string; active: number; dingtalk: string | null; wecom: string | null }>
    return rows.map((r) => ({ userId: r.id, name: r.name, active: Boolean(r.active), dingtalk: r.dingtalk, wecom: r.wecom }))
  }

  bind(actorId: number, userId: number, provider: ImProvider, externalId: string | null): void {
    this.deps.db.transaction(() => {
      if (!this.deps.db.prepare('SELECT 1 FROM users WHERE id = ?').get(userId)) throw new ValidationError('im.error.unknownUser', {}, 'userId')
      if (externalId === null) {
        this.deps.db.prepare('DELETE FROM im_bindings WHERE user_id = ? AND provider = ?').run(userId, provider)
      } else {
        const holder = this.deps.db.prepare('SELECT u.name FROM im_bindings b JOIN users u ON u.id = b.user_id WHERE b.provider = ? AND b.external_id = ? AND b.user_id <> ?').pluck().get(provider, externalId, userId) as string | undefined
        if (holder !== undefined) throw new ValidationError('im.error.externalIdTaken', { name: holder }, 'externalId')
        this.deps.db.prepare('INSERT INTO im_bindings (user_id, provider, external_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(user_id, provider) DO UPDATE SET external_id = excluded.external_id')
          .run(userId, provider, externalId, this.deps.clock.now())
      }
      this.deps.audit.append({ op: 'im.bind', actorId, detail: { userId, provider, externalId } })
    })()
  }

  /**
   * Read the provider's departments and people, then in one transaction: departments missing by
   * name under the same parent are added; each person already bound is left alone, else bound to
   * the one user with the same mobile number, else to the one unbound user with the same name,
   * else added as a colleague who does not sign in (an administrator sets a password later).
   */
  async importContacts(actorId: number, provider: ImProvider): Promise<ImportResult> {
    const p = this.stored()[provider]
    if (!p.key || !p.secret) throw new ValidationError('im.error.notConfigured', {}, 'provider')
    const channel = this.channel(provider)
    let departments, people
    try {
      departments = await channel.departments()
      people = await channel.users(departments.map((d) => d.id))
    } catch (e) {
      throw new ValidationError('im.error.importFailed', { detail: e instanceof Error ? e.message : String(e) }, 'provider')
    }
    const { db, org } = this.deps
    return db.transaction(() => {
      const result: ImportResult = { departmentsCreated: 0, usersCreated: 0, usersBound: 0, alreadyBound: 0 }
      const mapped = new Map<string, number>()
      const existing = org.departments()
      let pending = departments
      // Parents before children, whatever order the provider listed them in.
      for (let round = 0; pending.length && round < 50; round++) {
        const later: typeof pending = []
        for (const d of pending) {
          if (d.parentId !== null && !mapped.has(d.parentId)) {
            if (departments.some((x) => x.id === d.parentId)) later.push(d)
            else mapped.set(d.id, this.department(actorId, d.name, null, existing, result))
            continue
          }
          mapped.set(d.id, this.department(actorId, d.name, d.parentId === null ? null : mapped.get(d.parentId)!, existing, result))
        }
        pending = later
      }
      const bound = new Set(db.prepare('SELECT external_id FROM im_bindings WHERE provider = ?').pluck().all(provider) as string[])
      const users = db.prepare('SELECT id, name, phone FROM users').all() as Array<{ id: number; name: string; phone: string | null }>
      const boundUsers = new Set(db.prepare('SELECT user_id FROM im_bindings WHERE provider = ?').pluck().all(provider) as number[])
      const digits = (s: string | null) => (s ?? '').replace(/\D/g, '').slice(-11)
      for (const person of people) {
        if (bound.has(person.userId)) {
          result.alreadyBound++
          continue
        }
        const free = users.filter((u) => !boundUsers.has(u.id))
        const byPhone = person.mobile ? free.filter((u) => digits(u.phone) !== '' && digits(u.phone) === digits(person.mobile)) : []
        const byName = free.filter((u) => u.name === person.name)
        let userId = byPhone.length === 1 ? byPhone[0]!.id : byPhone.length === 0 && byName.length === 1 ? byName[0]!.id : null
        if (userId === null) {
          userId = org.createColleague(actorId, person.name)
          const departmentId = person.departmentIds.map((id) => mapped.get(id)).find((id) => id !== undefined) ?? null
          org.updateUser(actorId, userId, { phone: person.mobile, departmentId })
          users.push({ id: userId, name: person.name, phone: person.mobile })
          result.usersCreated++
        } else {
          result.usersBound++
        }
        db.prepare('INSERT INTO im_bindings (user_id, provider, external_id, created_at) VALUES (?, ?, ?, ?)').run(userId, provider, person.userId, this.deps.clock.now())
        bound.add(person.userId)
        boundUsers.add(userId)
      }
      this.deps.audit.append({ op: 'im.import', actorId, detail: { provider, ...result } })
      return result
    })()
  }

  private department(actorId: number, name: string, parentId: number | null, existing: Array<{ id: number; name: string; parentId: number | null }>, result: ImportResult): number {
    const found = existing.find((d) => d.name === name && d.parentId === parentId)
    if (found) return found.id
    const created = this.deps.org.createDepartment(actorId, { name: name.slice(0, 100), parentId })
    existing.push(created)
    result.departmentsCreated++
    return created.id
  }
}

interface NoticeJob { provider: ImProvider; notificationId: number }
