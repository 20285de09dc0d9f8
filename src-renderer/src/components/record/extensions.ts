import type { ComponentType } from 'react'
import type { FormDto, RecordDto } from '@shared/api/contracts'

// Record-page extensions: an app adds buttons to a record's header (转化线索, 退回公海, 打印报价单)
// or a notice above its form (a possible duplicate) for the forms it knows by API key, without
// the record page knowing the app. Register from the app's own module (see components/crm).

export interface RecordExtensionProps {
  form: FormDto
  /** null while a new record is being entered. */
  record: RecordDto | null
  /** The values being edited (API read shape, by field API key). */
  values: Record<string, unknown>
  /** The record changed on the server (reload it into the page). */
  onRecordChange(record: RecordDto): void
  /** Records changed elsewhere too: lists reload. */
  onChanged?(): void
  /** Close the record page (after the record moved out of reach, e.g. released to the pool). */
  close(): void
}

export interface RecordExtension {
  key: string
  /** Form API keys this extension applies to; '*' for every form (an engine's own buttons, such as document templates). */
  forms: readonly string[] | '*'
  Actions?: ComponentType<RecordExtensionProps>
  Notice?: ComponentType<RecordExtensionProps>
}

const extensions = new Map<string, RecordExtension>()

export function registerRecordExtension(extension: RecordExtension): void {
  extensions.set(extension.key, extension)
}

export function recordExtensions(form: FormDto): RecordExtension[] {
  return [...extensions.values()].filter((e) => e.forms === '*' || e.forms.includes(form.apiKey))
}
