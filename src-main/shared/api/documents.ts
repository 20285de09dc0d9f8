import { z } from 'zod'
import { formRef, id, method, ok, recordDto, type MethodContract } from './core'

// API methods of documents from Word templates and of sending them by e-mail (src-main/documents),
// merged into the one contract table in ./contracts; handlers in src-main/api/handlers/documents.ts.

const hash = z.string().regex(/^[0-9a-f]{64}$/)

export const documentTemplateDto = z.object({
  id,
  form: id,
  name: z.string(),
  /** The button on the record (生成合同). */
  button: z.string(),
  /** API key of the attachment field the made document is stored in (null once that field is gone). */
  field: z.string().nullable(),
  fieldLabel: z.string().nullable(),
  file: z.object({ hash, size: z.number() }),
  /** Shipped with an app (and added once by its install). */
  shipped: z.boolean(),
  updatedAt: z.string()
})
export type DocumentTemplateDto = z.infer<typeof documentTemplateDto>

export const sendResultDto = z.object({
  /** sent: delivered and logged; queued: the SMTP server refused or was unreachable, retried in the background. */
  status: z.enum(['sent', 'queued']),
  /** The 跟进记录 written for the sent e-mail. */
  followUp: id.nullable(),
  /** The SMTP server's answer when it failed. */
  error: z.string().nullable(),
  job: z.number().nullable().optional()
})
export type SendResultDto = z.infer<typeof sendResultDto>

const name = z.string().trim().min(1).max(60)

export const documentContracts = {
  'documents.templates': method({ access: 'user', summary: 'The Word templates of a form (the document buttons on its records)', input: z.object({ form: formRef }), output: z.array(documentTemplateDto) }),
  'documents.saveTemplate': method({
    access: 'admin', summary: 'Add or change a Word template of a form: the .docx (uploaded with attachments.upload), its name, the button label and the attachment field documents are stored in',
    input: z.object({ id: id.optional(), form: formRef, name, button: name, field: z.string().min(1).max(64), file: z.object({ hash }).optional() }),
    output: documentTemplateDto
  }),
  'documents.deleteTemplate': method({ access: 'admin', summary: 'Remove a Word template (documents already made stay on their records)', input: z.object({ id }), output: ok }),
  'documents.generate': method({
    access: 'user', summary: 'Make a document from a template and a record, as the caller sees the record (hidden fields blank), and store it in the record\'s attachment field',
    input: z.object({ template: id, record: id }),
    output: z.object({ file: z.object({ hash, name: z.string(), size: z.number() }), record: recordDto })
  }),
  'documents.printable': method({
    access: 'user', summary: 'A Word file (.docx) of a record\'s attachment field as clean HTML for the print view (paragraphs, headings, lists, tables); for whoever may fetch the file',
    input: z.object({ form: id, record: id, field: id, hash }),
    output: z.object({ name: z.string(), html: z.string() })
  }),
  'documents.recipients': method({ access: 'user', summary: 'E-mail addresses of the record\'s customer\'s contacts the caller may see', input: z.object({ form: formRef, record: id }), output: z.array(z.object({ name: z.string(), email: z.string() })) }),
  'documents.send': method({
    access: 'user', summary: 'E-mail a file of the record over the configured SMTP; once sent, a 跟进记录 (邮件) with the file is written; a failure is answered and retried in the background',
    input: z.object({ form: formRef, record: id, file: hash, to: z.string().email().max(200), subject: z.string().trim().min(1).max(200), body: z.string().max(5000).default('') }),
    output: sendResultDto
  })
} satisfies Record<string, MethodContract>

export const DOCUMENTS_READ_ONLY: readonly string[] = ['documents.templates', 'documents.recipients', 'documents.printable']
