import mammoth from 'mammoth'
import sanitizeHtml from 'sanitize-html'
import { authorizeDownload, type DownloadDeps } from '../attachments'
import type { Actor } from '../access/actor'
import { ValidationError } from '../shared/errors'
import { DOCX_MIME } from './constants'

// A Word document of a record (a contract or quote made from the firm's template, or one uploaded)
// as the print view shows it: converted to HTML by mammoth — paragraphs, headings, bold/italic,
// lists and tables, the structure of the document rather than its exact page layout — then cleaned
// with sanitize-html to the same short list the print view renders (never innerHTML there either).
// Who may print it is who may fetch the file (src-main/attachments/downloads.ts): the record's
// reader, the field visible to them, the file in that field.

const TAGS = ['p', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'b', 'em', 'i', 'u', 's', 'strike', 'sub', 'sup', 'ul', 'ol', 'li', 'a', 'hr', 'blockquote', 'table', 'thead', 'tbody', 'tr', 'th', 'td']

const CLEAN: sanitizeHtml.IOptions = {
  allowedTags: TAGS,
  allowedAttributes: { a: ['href'], ol: ['start'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard'
}

/** The .docx bytes as clean HTML (images are left out: the letterhead comes from the system settings). */
export async function docxToHtml(data: Buffer): Promise<string> {
  const result = await mammoth.convertToHtml({ buffer: data }, { ignoreEmptyParagraphs: false, convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })) })
  return sanitizeHtml(result.value, CLEAN).trim()
}

export interface PrintableInput {
  form: number
  record: number
  field: number
  hash: string
}

/** A Word file of a record's attachment field, for the print view, as `actor` may fetch it. */
export async function printableDocument(deps: DownloadDeps, actor: Actor, input: PrintableInput): Promise<{ name: string; html: string }> {
  const { name } = authorizeDownload(deps, actor, input.hash, { kind: 'record', form: input.form, record: input.record, field: input.field })
  const file = deps.attachments.get(input.hash, name)
  if (file.mime !== DOCX_MIME && !/\.docx$/i.test(name)) throw new ValidationError('documents.print.notWord', { name }, 'hash')
  try {
    return { name, html: await docxToHtml(file.data) }
  } catch {
    throw new ValidationError('documents.print.unreadable', { name }, 'hash')
  }
}
