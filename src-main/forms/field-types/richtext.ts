import sanitizeHtml from 'sanitize-html'
import { ValidationError } from '../../shared/errors'
import { TEXT_LIMITS } from '../../shared/field-types'
import type { FieldModel } from '../model'
import { asText, storedAsIs, textFilter } from './common'
import type { FieldTypeModule } from './types'

// Rich text (富文本): formatted HTML — paragraphs, headings, bold/italic/underline/strike, lists,
// quotes, code, links — as the renderer's editor (@mantine/tiptap) writes it. The host cleans every
// value with sanitize-html before it is stored, whoever sends it (the record page, the API, an
// import, a rule): only the tags and attributes below survive, links only to http(s)/mailto/tel
// and opening in a new tab without an opener; scripts, event handlers, styles, iframes, forms and
// images are dropped. Pages on the LAN render stored values, so nothing scripted may be stored.
// Plain text (an Excel cell) becomes paragraphs. Lists, search and exports see the text.

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'h1', 'h2', 'h3', 'h4', 'strong', 'b', 'em', 'i', 'u', 's', 'strike', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'hr', 'mark', 'sub', 'sup'],
  allowedAttributes: { a: ['href', 'target', 'rel'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: { a: sanitizeHtml.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer nofollow' }) }
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Whether input is meant as HTML (an editor's value) rather than plain text (a typed or imported cell). */
const looksLikeHtml = (s: string) => /<\/?[a-z][a-z0-9]*[\s>/]/i.test(s)

/** Clean HTML: what may be stored and rendered. */
export function sanitizeRichText(input: string): string {
  const html = looksLikeHtml(input)
    ? input
    : input
        .split(/\r?\n/)
        .map((line) => `<p>${escape(line)}</p>`)
        .join('')
  return sanitizeHtml(html, ALLOWED).trim()
}

const BLOCK_END = /<\/(p|h[1-6]|li|blockquote|pre)>|<br\s*\/?>/gi

/** The text of stored rich text: one line per block, entities decoded (lists, search, exports). */
export function richTextToPlain(html: string): string {
  const lined = html.replace(BLOCK_END, (m) => `${m}\n`)
  const text = sanitizeHtml(lined, { allowedTags: [], allowedAttributes: {} })
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\n{2,}/g, '\n')
    .trim()
}

function maxLengthOf(field: FieldModel): number {
  const configured = (field.config as { maxLength?: number }).maxLength
  return Math.min(configured ?? TEXT_LIMITS.richtext.default, TEXT_LIMITS.richtext.ceiling)
}

export const richtext: FieldTypeModule = {
  type: 'richtext',
  column: 'TEXT',
  searchable: true,
  formulaType: () => 'text',
  coerce(input, field) {
    const raw = asText(input, field)
    const max = maxLengthOf(field)
    // Checked before parsing (a huge value is refused without work) and after cleaning.
    if (raw.length > 4 * max) throw new ValidationError('value.tooLong', { field: field.label, max }, field.apiKey)
    const clean = sanitizeRichText(raw)
    if (clean.length > max) throw new ValidationError('value.tooLong', { field: field.label, max }, field.apiKey)
    return clean
  },
  toApi: storedAsIs,
  toFormula: (stored) => (typeof stored === 'string' ? richTextToPlain(stored) : null),
  format: (stored) => (typeof stored === 'string' ? richTextToPlain(stored) : ''),
  filter: textFilter
}
