import { z } from 'zod'
import { method, ok, type MethodContract } from './core'

// API methods of the system settings (设置 → 系统: the company printed on quotes and documents,
// backups and their second place, the data folder) and of the backup service, declared with the
// helpers in ./core and merged into the one contract table in ./contracts. Handlers live in
// src-main/api/handlers/settings.ts; the service in src-main/settings and src-main/backups.

/** An uploaded file (attachments.upload), referenced by its content hash. */
export const attachmentRef = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string().max(255),
  mime: z.string().regex(/^image\/(png|jpeg|svg\+xml|webp)$/),
  size: z.number().int().min(0)
})

/** An http(s) address, or empty. */
export const httpUrl = z.string().trim().max(300).refine((s) => s === '' || /^https?:\/\/[^\s/?#]+(\/[^\s]*)?$/i.test(s), { message: 'im.error.badUrl', params: { messageKey: 'im.error.badUrl' } })

/**
 * 访问地址: the address people open Jimu CRM at from elsewhere — colleagues' phones following a
 * link in a DingTalk/WeCom notice, customers opening a public form or a satisfaction survey. Links
 * the app hands out start with it (without it, the address of the page the administrator is on).
 */
export const accessSettings = z.object({
  publicUrl: httpUrl.transform((s) => s.replace(/\/+$/, '')).default('')
})
export type AccessSettings = z.infer<typeof accessSettings>

export const companySettings = z.object({
  name: z.string().trim().max(100).default(''),
  /** The logo, an uploaded image (PNG, JPEG, SVG or WebP); printed on quotes and shown in the header. */
  logo: attachmentRef.nullable().default(null),
  address: z.string().trim().max(200).default(''),
  phone: z.string().trim().max(50).default(''),
  /** 统一社会信用代码 / 税号. */
  taxId: z.string().trim().max(30).default(''),
  bankName: z.string().trim().max(100).default(''),
  bankAccount: z.string().trim().max(40).default('')
})
export type CompanySettings = z.infer<typeof companySettings>

/** HH:MM, 24-hour, local time of the machine that runs the core. */
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/)

export const backupSettings = z.object({
  /** Take a backup every day at `time` while the app runs (and at the next start when it was off). */
  scheduled: z.boolean().default(true),
  time: timeOfDay.default('12:30'),
  /**
   * Backups kept in the data folder (and in the second place); older ones are removed. At most 14:
   * createBackup (src-main/db/backup.ts) itself keeps the newest 14 of the folder.
   */
  keep: z.number().int().min(3).max(14).default(14),
  /** A second place every backup is copied to (a USB stick, a NAS share, another disk); null = none. */
  copyTo: z.string().trim().min(1).max(500).nullable().default(null)
})
export type BackupSettings = z.infer<typeof backupSettings>

const backupCopyDto = z.object({ path: z.string(), ok: z.boolean(), at: z.string(), error: z.string().nullable() })
export const backupEntryDto = z.object({
  file: z.string(),
  reason: z.string(),
  createdAt: z.string(),
  size: z.number(),
  /** Where copies of this backup were made, and whether each one was verified. */
  copies: z.array(backupCopyDto)
})
export type BackupEntryDto = z.infer<typeof backupEntryDto>

export const backupStatusDto = z.object({
  lastGood: z.object({ file: z.string(), at: z.string() }).nullable(),
  /** The last good backup is older than the schedule allows (a day and a grace period). */
  overdue: z.boolean(),
  /** The last copy to the second place failed (unreachable, full, or the copy did not verify). */
  copyFailed: z.object({ path: z.string(), at: z.string(), error: z.string() }).nullable(),
  running: z.boolean(),
  nextAt: z.string().nullable()
})
export type BackupStatusDto = z.infer<typeof backupStatusDto>

export const backupPreviewDto = z.object({
  createdAt: z.string().nullable(),
  size: z.number(),
  schemaVersion: z.number(),
  forms: z.array(z.object({ label: z.string(), apiKey: z.string(), count: z.number() })),
  users: z.number()
})
export type BackupPreviewDto = z.infer<typeof backupPreviewDto>

/** What a restore must be confirmed with, typed by the administrator. */
export const RESTORE_CONFIRMATION = '恢复'

const backupRef = z.object({ file: z.string().regex(/^[\w.-]+$/).max(120) })
const filePath = z.string().trim().min(1).max(1000)

export const settingsContracts = {
  'settings.company': method({ access: 'user', summary: 'The company: name, logo, address, phone, tax id and bank, printed on quotes and documents', input: z.object({}).default({}), output: companySettings }),
  'settings.get': method({
    access: 'admin', summary: 'System settings: company, backups, the public address, and about (version, data folder)',
    input: z.object({}).default({}),
    output: z.object({ company: companySettings, backup: backupSettings, access: accessSettings, about: z.object({ version: z.string(), dataDir: z.string(), databaseSize: z.number() }) })
  }),
  'settings.updateCompany': method({ access: 'admin', summary: 'Change the company shown on quotes and documents', input: companySettings.partial(), output: companySettings }),
  'settings.updateAccess': method({ access: 'admin', summary: 'Change the public address links in notices, public forms and survey e-mails start with', input: accessSettings.partial(), output: accessSettings }),
  'settings.updateBackup': method({ access: 'admin', summary: 'Change the backup schedule, how many are kept, and the second place copies go to (checked to be writable)', input: backupSettings.partial(), output: backupSettings }),
  'backups.overview': method({ access: 'admin', summary: 'Backups, newest first, with where each was copied', input: z.object({}).default({}), output: z.array(backupEntryDto) }),
  'backups.status': method({ access: 'admin', summary: 'Whether the last good backup is recent enough and the second place reachable (polled by the header)', input: z.object({}).default({}), output: backupStatusDto }),
  'backups.run': method({ access: 'admin', summary: 'Back up now, and copy the backup to the second place', input: z.object({}).default({}), output: backupEntryDto }),
  'backups.preview': method({
    access: 'admin', summary: 'What a backup holds (records per form, users, its time), read without restoring: a backup of the data folder or a file path',
    input: z.union([backupRef, z.object({ path: filePath })]),
    output: backupPreviewDto
  }),
  'backups.restoreFrom': method({
    access: 'admin', summary: 'Restore a backup (of the data folder, or a file path such as a USB stick), confirmed by typing 恢复; the current data is backed up first',
    input: z.union([backupRef.extend({ confirm: z.literal(RESTORE_CONFIRMATION) }), z.object({ path: filePath, confirm: z.literal(RESTORE_CONFIRMATION) })]),
    output: ok
  }),
  'backups.exportArchive': method({ access: 'admin', summary: 'Write the whole data folder (database and attachments) as one .zip into a folder', input: z.object({ folder: filePath }), output: z.object({ path: z.string(), size: z.number() }) }),
  'setup.importArchive': method({
    access: 'public', summary: 'First run only: start from an exported data folder (.zip) instead of fresh; refused once a user exists',
    input: z.union([z.object({ data: z.string().min(1).max(100_000_000) }), z.object({ path: filePath })]),
    output: z.object({ users: z.number(), forms: z.number() })
  })
} satisfies Record<string, MethodContract>

export const SETTINGS_READ_ONLY: readonly string[] = ['settings.company', 'settings.get', 'backups.overview', 'backups.status', 'backups.preview']
