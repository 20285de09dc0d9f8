import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { DomainError } from '../shared/errors'
import { translate, type Locale } from '../shared/locales'

// When the desktop app cannot start (the data folder is locked, the database cannot be opened or
// migrated, the native module does not load…) the user sees a dialog with the reason and where
// the details are, and the details — stack and versions — are appended to a log file in the data
// folder, where support can ask for them. Nothing here depends on Electron: the shell passes the
// dialog function in.

export const STARTUP_LOG = 'startup-error.log'

/** The reason in the user's language: a domain error's translated message, otherwise the error's own. */
export function startupReason(error: unknown, locale: Locale): string {
  if (error instanceof DomainError) return translate(locale, error.messageKey, error.params)
  if (error instanceof Error) return error.message
  return String(error)
}

/** Append the failure to `<dataDir>/startup-error.log`; returns the file, or the reason it could not be written. */
export function writeStartupLog(dataDir: string, error: unknown, context: { now: number; versions: Record<string, string | undefined> }): { file: string } | { failed: string } {
  const file = join(dataDir, STARTUP_LOG)
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error)
  const versions = Object.entries(context.versions).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${v}`).join(', ')
  const domain = error instanceof DomainError ? `\n${error.code} ${error.messageKey} ${JSON.stringify(error.params)}` : ''
  try {
    mkdirSync(dataDir, { recursive: true })
    appendFileSync(file, `[${new Date(context.now).toISOString()}] start-up failed (${versions}, ${process.platform}-${process.arch})${domain}\n${detail}\n\n`)
    return { file }
  } catch (e) {
    return { failed: e instanceof Error ? e.message : String(e) }
  }
}

/** Log the failure and build the dialog's title and text. */
export function reportStartupFailure(
  error: unknown,
  context: { dataDir: string; locale: Locale; now: number; versions: Record<string, string | undefined> }
): { title: string; body: string; log: string | null } {
  const reason = startupReason(error, context.locale)
  const logged = writeStartupLog(context.dataDir, error, context)
  const body = 'file' in logged
    ? translate(context.locale, 'desktop.startupFailed.body', { reason, log: logged.file })
    : translate(context.locale, 'desktop.startupFailed.noLog', { reason, detail: logged.failed })
  return { title: translate(context.locale, 'desktop.startupFailed.title'), body, log: 'file' in logged ? logged.file : null }
}
