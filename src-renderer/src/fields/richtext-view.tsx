import { createElement, type ReactNode } from 'react'

// Stored rich text shown as React elements, never as innerHTML: the host already cleaned it
// (src-main/forms/field-types/richtext.ts), and this walk keeps to the same short list again —
// any other element is replaced by its text, attributes other than a link's http(s)/mailto/tel
// href are dropped — so a value that reached the database some other way still cannot script.

const TAGS = new Set(['p', 'br', 'h1', 'h2', 'h3', 'h4', 'strong', 'b', 'em', 'i', 'u', 's', 'strike', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'hr', 'mark', 'sub', 'sup'])
/** A Word document in the print view (src-main/documents/printable.ts) also has tables and deeper headings. */
const DOCUMENT_TAGS = new Set([...TAGS, 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td'])
const SPAN = /^[1-9]\d{0,2}$/
const VOID = new Set(['br', 'hr'])
const SAFE_HREF = /^(https?:|mailto:|tel:)/i

function parse(html: string): Document {
  // DOMParser runs no script and loads nothing (an inert document).
  return new DOMParser().parseFromString(html, 'text/html')
}

function toReact(node: Node, key: number, tags: ReadonlySet<string> = TAGS): ReactNode {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent
  if (node.nodeType !== Node.ELEMENT_NODE) return null
  const el = node as Element
  const tag = el.tagName.toLowerCase()
  if (tag === 'script' || tag === 'style' || tag === 'template') return null
  const children = [...el.childNodes].map((c, i) => toReact(c, i, tags))
  if (!tags.has(tag)) return children.length ? createElement('span', { key }, ...children) : null
  if (VOID.has(tag)) return createElement(tag, { key })
  if (tag === 'a') {
    const href = el.getAttribute('href') ?? ''
    if (!SAFE_HREF.test(href.trim())) return createElement('span', { key }, ...children)
    return createElement('a', { key, href, target: '_blank', rel: 'noopener noreferrer nofollow' }, ...children)
  }
  if (tag === 'td' || tag === 'th') {
    const span = (name: string) => (SPAN.test(el.getAttribute(name) ?? '') ? Number(el.getAttribute(name)) : undefined)
    return createElement(tag, { key, colSpan: span('colspan'), rowSpan: span('rowspan') }, ...children)
  }
  return createElement(tag, { key }, ...children)
}

/** The text of rich text, one line per block (cells, titles, history). */
export function richTextPlain(html: string): string {
  if (!html) return ''
  const doc = parse(html.replace(/<\/(p|h[1-6]|li|blockquote|pre)>|<br\s*\/?>/gi, (m) => `${m}\n`))
  return (doc.body.textContent ?? '').replace(/\n{2,}/g, '\n').trim()
}

export function RichTextView({ html, className, asDocument = false }: { html: string; className?: string; asDocument?: boolean }) {
  const body = parse(html).body
  const tags = asDocument ? DOCUMENT_TAGS : TAGS
  return (
    <div className={className ?? 'jimu-richtext'} data-testid="richtext-view">
      {[...body.childNodes].map((c, i) => toReact(c, i, tags))}
    </div>
  )
}
