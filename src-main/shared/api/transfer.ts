import { z } from 'zod'
import { FIELD_TYPES } from '../field-types'
import { filterNode, formRef, id, label, method, ok, sortSpec, type MethodContract } from './core'

// API methods of Excel/CSV import and export and app definitions, declared with the helpers in ./core and merged into the one contract
// table in ./contracts. This engine's handlers live in src-main/api/handlers/transfer.ts.
//
// An import is a session: open (upload the file; sheets with a guessed header row) → columns
// (the header's columns with a guessed mapping) → preview (convert every row: per-cell errors,
// unknown select values, duplicates) → run (in batches, progress polled with status, cancel) →
// error report / undo. Files travel as base64, like attachments.

const fileData = z.string().min(1).max(70_000_000)

export const columnTarget = z.discriminatedUnion('action', [
  z.object({ action: z.literal('skip') }),
  /** Fill a field (API key, or `owner`). `key`: for a relation, the target form's field records are found by; for a member, `name` or `phone`. */
  z.object({ action: z.literal('field'), field: z.string().min(1).max(64), key: z.string().max(64).optional() }),
  /** Create a new field from the column when the import runs. */
  z.object({ action: z.literal('new'), label, type: z.enum(FIELD_TYPES), config: z.record(z.string(), z.unknown()).default({}) })
])
/** How a column writes dates as three numbers: 年-月-日, 日-月-年 or 月-日-年 (20-10-16 read day first is 2016-10-20). */
export const dateOrder = z.enum(['ymd', 'dmy', 'mdy'])
export type ColumnTarget = z.infer<typeof columnTarget>
export const columnMapping = z.object({
  column: z.number().int().min(0).max(16_383),
  target: columnTarget,
  /** Date columns: the order chosen (or confirmed) by the user; without it the column's values decide, and an ambiguous column stops the run. */
  dateOrder: dateOrder.optional()
})
export type ColumnMapping = z.infer<typeof columnMapping>

export const IMPORT_MODES = ['create', 'update', 'upsert'] as const
export const importSettings = z.object({
  sheet: z.number().int().min(0).max(1000),
  /** Index of the header among the sheet's non-empty rows. */
  headerRow: z.number().int().min(0).max(1000),
  columns: z.array(columnMapping).max(2000),
  /** Per select field (API key): an unknown value → an existing option id, or `__new__` to add it as an option. */
  options: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  mode: z.enum(IMPORT_MODES).default('create'),
  /** update / upsert: the field records are matched by (defaults to the form's title field). */
  keyField: z.string().max(64).optional(),
  /** abort: all or nothing; skip: import the good rows and report the others. */
  onError: z.enum(['abort', 'skip']).default('abort'),
  /**
   * Per person named in a member column (负责人, 销售) that matches no user: `__new__` to add them as
   * a colleague who does not sign in (administrators only), or the id of the user they are.
   */
  people: z.record(z.string().max(200), z.union([z.literal('__new__'), z.number().int().positive()])).default({}),
  /** Rows that look like a record already there (or an earlier row): import them anyway, or skip them. */
  duplicates: z.enum(['import', 'skip']).default('import'),
  /** Whether rules and flows run on the imported records. */
  rules: z.boolean().default(false)
})
export type ImportSettings = z.infer<typeof importSettings>
export type ImportSettingsInput = z.input<typeof importSettings>

const sheetSummary = z.object({
  name: z.string(),
  rows: z.number(),
  headerRow: z.number(),
  /** The first rows as read (to pick the header), with their line numbers in the file. */
  preview: z.array(z.array(z.string())),
  lines: z.array(z.number())
})

const mappableField = z.object({ apiKey: z.string(), label: z.string(), type: z.enum(FIELD_TYPES), options: z.array(z.object({ id: z.string(), label: z.string() })).optional(),
  /** Relations: the fields of the target form a record can be found by. */
  keys: z.array(z.object({ apiKey: z.string(), label: z.string() })).optional(), targetForm: z.string().optional() })

/** A date column's order as decided from all its values: `order` null when several fit (the user chooses). */
const dateOrderGuess = z.object({ order: dateOrder.nullable(), candidates: z.array(dateOrder) })

const cellError = z.object({ column: z.number(), field: z.string(), message: z.string() })
export const previewDto = z.object({
  total: z.number(),
  valid: z.number(),
  /** Rows with at least one error. */
  invalid: z.number(),
  /** The first rows, converted for display (text per column) with their errors. */
  rows: z.array(z.object({ line: z.number(), cells: z.array(z.string()), /** The converted value of each mapped column, as it will be stored. */ values: z.array(z.string()), errors: z.array(cellError), duplicate: z.string().nullable(), match: z.number().nullable() })),
  /** Rows with errors (the first few hundred), for the preview's error list. */
  errors: z.array(z.object({ line: z.number(), errors: z.array(cellError) })),
  unknownOptions: z.array(z.object({ field: z.string(), label: z.string(), value: z.string(), count: z.number() })),
  /** Names in member columns that match no user (each with its first column's field and how often it occurs). */
  unknownPeople: z.array(z.object({ field: z.string(), label: z.string(), value: z.string(), count: z.number() })),
  duplicates: z.array(z.object({ line: z.number(), value: z.string(), recordId: z.number().nullable(), firstLine: z.number().nullable() })),
  duplicateCount: z.number(),
  /** update / upsert: rows matching an existing record. */
  matched: z.number(),
  /** Fields required by the form that no column fills. */
  missingRequired: z.array(z.string()),
  /** Columns mapped to a date field that hold dates as three numbers: the order used, or `needsChoice` (no value tells; the run refuses until chosen). */
  dateOrders: z.array(z.object({ column: z.number(), header: z.string(), order: dateOrder.nullable(), candidates: z.array(dateOrder), chosen: z.boolean(), needsChoice: z.boolean() }))
})
export type PreviewDto = z.infer<typeof previewDto>

export const IMPORT_PHASES = ['reading', 'ready', 'writing', 'undoing', 'done', 'failed', 'cancelled'] as const
export const importStatus = z.object({
  session: z.string(),
  phase: z.enum(IMPORT_PHASES),
  done: z.number(),
  total: z.number(),
  created: z.number(),
  updated: z.number(),
  failed: z.number(),
  skipped: z.number(),
  batchId: z.number().nullable(),
  /** Why the import stopped (failed), translated. */
  message: z.string().nullable(),
  hasReport: z.boolean(),
  /** Colleagues (without sign-in) this run added for names in member columns; they stay if the run fails, and the next try finds them. */
  colleagues: z.array(z.string()).default([])
})
export type ImportStatus = z.infer<typeof importStatus>

const download = z.object({ name: z.string(), data: z.string() })
export const batchDto = z.object({
  id, formId: id, fileName: z.string(), mode: z.string(), status: z.string(), created: z.number(), updated: z.number(), failed: z.number(),
  actor: z.object({ id, name: z.string() }).nullable(), startedAt: z.string(), finishedAt: z.string().nullable(), undoneAt: z.string().nullable()
})

export const appPreviewDto = z.object({
  app: z.object({ label: z.string(), apiKey: z.string(), exists: z.boolean() }),
  /** Per section (forms, views, flows…): what the file adds, changes or leaves as it is. */
  sections: z.array(z.object({ section: z.string(), items: z.array(z.object({ key: z.string(), label: z.string(), change: z.enum(['add', 'change', 'same', 'conflict']), detail: z.string().optional() })) }))
})

export const transferContracts = {
  'transfer.import.open': method({
    access: 'user', summary: 'Start an import into a form: upload an .xlsx or .csv file; a worker reads it (rows read so far in transfer.import.status)',
    input: z.object({ form: formRef, name: z.string().trim().min(1).max(255), data: fileData }),
    output: z.object({ session: z.string() })
  }),
  'transfer.import.sheets': method({
    access: 'user', summary: "The file's sheets with the guessed header row, once read (a file that cannot be read answers with its error)",
    input: z.object({ session: z.string() }),
    output: z.array(sheetSummary)
  }),
  'transfer.import.columns': method({
    access: 'user', summary: "The header's columns with sample values and a guessed target per column, and the fields a column can fill",
    input: z.object({ session: z.string(), sheet: z.number().int().min(0), headerRow: z.number().int().min(0) }),
    output: z.object({
      columns: z.array(z.object({
        column: z.number(), header: z.string(), samples: z.array(z.string()), target: columnTarget, guessType: z.enum(FIELD_TYPES), guessConfig: z.record(z.string(), z.unknown()),
        /** Dates written as three numbers: the order decided from every value (null order: the user must choose). */
        dateOrder: dateOrderGuess.nullable(),
        /** How the target was guessed: the header is the field's name (exact), a known synonym, a close spelling (fuzzy, with its confidence 0-1), or what this user mapped this header to before (remembered). */
        guess: z.object({ source: z.enum(['exact', 'synonym', 'fuzzy', 'remembered']), confidence: z.number() }).nullable()
      })),
      fields: z.array(mappableField),
      titleField: z.string().nullable(),
      rows: z.number(),
      /** What this user chose before on this form: per select field, value → option (or `__new__`); for a file with these headers, the settings. */
      remembered: z.object({
        options: z.record(z.string(), z.record(z.string(), z.string())),
        settings: z.object({ mode: z.enum(IMPORT_MODES), keyField: z.string().optional(), onError: z.enum(['abort', 'skip']), duplicates: z.enum(['import', 'skip']), rules: z.boolean() }).nullable()
      })
    })
  }),
  'transfer.import.preview': method({
    access: 'user', summary: 'Convert every row with the mapping: per-cell errors, unknown select values, duplicates; nothing is written',
    input: z.object({ session: z.string(), settings: importSettings }),
    output: previewDto
  }),
  'transfer.import.run': method({
    access: 'user', summary: 'Write the previewed rows through the write pipeline in batches; poll transfer.import.status for progress',
    input: z.object({ session: z.string(), settings: importSettings }),
    output: importStatus
  }),
  'transfer.import.status': method({ access: 'user', summary: 'Progress of an import session', input: z.object({ session: z.string() }), output: importStatus }),
  'transfer.import.cancel': method({ access: 'user', summary: 'Stop a running import; what it wrote is taken back', input: z.object({ session: z.string() }), output: importStatus }),
  'transfer.import.close': method({ access: 'user', summary: 'End an import session and free its file', input: z.object({ session: z.string() }), output: ok }),
  'transfer.import.errorReport': method({
    access: 'user', summary: 'The rows that were not imported, as an .xlsx with the original columns and an error column, to fix and import again',
    input: z.object({ session: z.string() }), output: download
  }),
  'transfer.import.batches': method({ access: 'user', summary: "A form's recent imports", input: z.object({ form: formRef }), output: z.array(batchDto) }),
  'transfer.import.undo': method({
    access: 'user', summary: 'Undo an import as one unit: its new records are deleted (recoverable), updated ones get their earlier values back',
    input: z.object({ batchId: id }), output: z.object({ deleted: z.number(), restored: z.number() })
  }),
  'transfer.template': method({
    access: 'user', summary: "An empty .xlsx with the form's columns, select options as drop-down lists",
    input: z.object({ form: formRef }), output: download
  }),
  'transfer.export': method({
    access: 'user', summary: 'Export records of a form or view (filter, columns, order) to .xlsx or .csv; needs the export permission and is logged',
    input: z.object({
      form: formRef,
      view: id.optional(),
      filter: filterNode.optional(),
      sort: z.array(sortSpec).max(5).optional(),
      search: z.string().max(200).optional(),
      /** API keys of the columns, in order (default: the view's visible columns, or every field). */
      columns: z.array(z.string()).max(500).optional(),
      format: z.enum(['xlsx', 'csv']).default('xlsx')
    }),
    output: download.extend({ rows: z.number() })
  }),
  'transfer.app.export': method({
    access: 'admin', summary: "Export an app's definition (forms, views and the engines' sections) as one JSON file",
    input: z.object({ app: id }), output: download
  }),
  'transfer.app.preview': method({
    access: 'admin', summary: 'What importing an app definition file would add or change; nothing is written',
    input: z.object({ name: z.string().max(255), data: fileData }), output: appPreviewDto
  }),
  'transfer.app.import': method({
    access: 'admin', summary: 'Install an app definition file (adds what is missing, updates what changed)',
    input: z.object({ name: z.string().max(255), data: fileData }), output: z.object({ appId: id })
  })
} as const satisfies Record<string, MethodContract>

/** Methods of this engine a read-only API token may call. */
export const TRANSFER_READ_ONLY: readonly string[] = ['transfer.template', 'transfer.import.batches', 'transfer.export']
