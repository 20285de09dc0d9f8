import { SaxesParser, type SaxesTagPlain } from 'saxes'
import { excelSerialToIsoDate } from '../shared/values'

// A lean .xlsx reader over the zip entries zip-guard.ts has already inflated and checked: the
// shared strings, the number formats (to tell dates, percentages and ¥ amounts from plain
// numbers), each sheet's cells and merged ranges. Each XML part is decoded as a whole before
// parsing — exceljs's streaming reader decodes chunk by chunk and garbles a Chinese character
// that straddles two chunks (¥ or 客 turning into ��), which a 100,000-row sheet always hits.
// Each sheet's cells are found by scanning its XML text (scanSheet), the other parts with saxes.
// Cells come out as the text a person sees in Excel: dates as 2024-03-05, percentages as 15%,
// ¥-formatted amounts with their ¥, so the field types' own parsers do the rest.

export interface ParsedSheet {
  name: string
  /** Non-empty rows: 1-based line and the cells' text by 0-based column. */
  rows: Array<{ line: number; cells: string[] }>
  /** Merged ranges, e.g. "A1:C1". */
  merges: string[]
}

export interface ParseLimits {
  maxCell: number
  onRow?: (line: number) => void
  onHugeCell?: (sheet: string, ref: string) => never
}

const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'

function xmlOf(entries: Map<string, Buffer>, path: string): string | null {
  const b = entries.get(path)
  return b ? b.toString('utf8') : null
}

function parse(xml: string, on: { open?: (tag: SaxesTagPlain) => void; text?: (t: string) => void; close?: (name: string) => void }): void {
  const p = new SaxesParser()
  p.on('error', (e) => { throw e })
  if (on.open) p.on('opentag', (tag) => on.open!(tag as unknown as SaxesTagPlain))
  if (on.text) {
    p.on('text', on.text)
    p.on('cdata', on.text)
  }
  if (on.close) p.on('closetag', (tag) => on.close!(tag.name))
  p.write(xml).close()
}

const local = (name: string) => name.slice(name.indexOf(':') + 1)

export function parseXlsx(entries: Map<string, Buffer>, limits: ParseLimits): ParsedSheet[] {
  const workbook = xmlOf(entries, 'xl/workbook.xml')
  if (!workbook) throw new Error('no workbook part')
  const targets = new Map<string, string>()
  const rels = xmlOf(entries, 'xl/_rels/workbook.xml.rels')
  if (rels) parse(rels, { open: (t) => { if (local(t.name) === 'Relationship') targets.set(String(t.attributes.Id), String(t.attributes.Target)) } })
  const sheets: Array<{ name: string; path: string }> = []
  let date1904 = false
  parse(workbook, {
    open: (t) => {
      // Workbooks from Excel for Mac may count days from 1904: 1,462 days later than 1900.
      if (local(t.name) === 'workbookPr') date1904 = ['1', 'true'].includes(String(t.attributes.date1904 ?? ''))
      if (local(t.name) !== 'sheet') return
      const rid = Object.entries(t.attributes).find(([k]) => k === 'r:id' || k.endsWith(':id'))?.[1] ?? t.attributes[`{${REL_NS}}id`]
      const target = targets.get(String(rid)) ?? ''
      const path = target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`
      sheets.push({ name: String(t.attributes.name ?? `Sheet${sheets.length + 1}`), path })
    }
  })
  const shared = sharedStrings(xmlOf(entries, 'xl/sharedStrings.xml'))
  const formats = cellFormats(xmlOf(entries, 'xl/styles.xml'))
  return sheets.map((s) => {
    const xml = xmlOf(entries, s.path) ?? ''
    // The scanner reads what Excel, WPS and exceljs write; anything unusual (CDATA) goes through saxes.
    return xml.includes('<![CDATA[') ? parseSheet(s.name, xml, shared, formats, limits, date1904 ? 1462 : 0) : scanSheet(s.name, xml, shared, formats, limits, date1904 ? 1462 : 0)
  })
}

function sharedStrings(xml: string | null): string[] {
  if (!xml) return []
  const out: string[] = []
  let current: string[] | null = null
  let inText = false
  let phonetic = 0
  parse(xml, {
    open: (t) => {
      const n = local(t.name)
      if (n === 'si') current = []
      else if (n === 'rPh') phonetic++
      else if (n === 't' && !phonetic) inText = true
    },
    text: (text) => { if (inText && current) current.push(text) },
    close: (name) => {
      const n = local(name)
      if (n === 't') inText = false
      else if (n === 'rPh') phonetic--
      else if (n === 'si') { out.push(unescapeOoxml((current ?? []).join(''))); current = null }
    }
  })
  return out
}

type Kind = 'date' | 'percent' | 'yuan' | 'plain'
const BUILTIN_DATES = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58])

/** Per cell style index: what its number format makes of a number. */
function cellFormats(xml: string | null): Kind[] {
  if (!xml) return []
  const custom = new Map<number, string>()
  const kinds: Kind[] = []
  let inXfs = false
  parse(xml, {
    open: (t) => {
      const n = local(t.name)
      if (n === 'numFmt') custom.set(Number(t.attributes.numFmtId), String(t.attributes.formatCode ?? ''))
      else if (n === 'cellXfs') inXfs = true
      else if (n === 'xf' && inXfs) {
        const id = Number(t.attributes.numFmtId ?? 0)
        const code = custom.get(id)
        kinds.push(code !== undefined ? kindOf(code) : BUILTIN_DATES.has(id) ? 'date' : id === 9 || id === 10 ? 'percent' : 'plain')
      }
    },
    close: (name) => { if (local(name) === 'cellXfs') inXfs = false }
  })
  return kinds
}

function kindOf(code: string): Kind {
  const bare = code.replace(/"[^"]*"|\\.|\[[^\]]*\]/g, '')
  if (bare.includes('%')) return 'percent'
  if (/[ymdhs]/i.test(bare) && !/^general$/i.test(bare)) return 'date'
  if (/[¥￥]/.test(code)) return 'yuan'
  return 'plain'
}

const pad = (n: number) => String(n).padStart(2, '0')

function numberText(raw: string, kind: Kind, dayShift: number): string {
  const n = Number(raw) + (kind === 'date' && Number(raw) >= 1 ? dayShift : 0)
  if (!Number.isFinite(n)) return raw
  if (kind === 'percent') return `${Number((n * 100).toPrecision(12))}%`
  if (kind === 'yuan') return `¥${n}`
  if (kind === 'date' && n >= 1 && n < 2_958_466) {
    let date: string
    try { date = excelSerialToIsoDate(Math.floor(n)) } catch { return raw }
    const secs = Math.round((n - Math.floor(n)) * 86400)
    if (!secs) return date
    const h = Math.floor(secs / 3600), m = Math.floor((secs % 3600) / 60), s = secs % 60
    return `${date} ${pad(h)}:${pad(m)}${s ? `:${pad(s)}` : ''}`
  }
  if (kind === 'date' && n < 1 && n > 0) {
    const secs = Math.round(n * 86400)
    return `${pad(Math.floor(secs / 3600))}:${pad(Math.floor((secs % 3600) / 60))}`
  }
  return String(n)
}

/** "BC12" → 0-based column 54. */
function columnOf(ref: string): number {
  let col = 0
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i)
    if (c < 65 || c > 90) break
    col = col * 26 + (c - 64)
  }
  return col - 1
}

function parseSheet(name: string, xml: string, shared: string[], formats: Kind[], limits: ParseLimits, dayShift: number): ParsedSheet {
  const rows: ParsedSheet['rows'] = []
  const merges: string[] = []
  let line = 0
  let cells: string[] = []
  let any = false
  let col = -1
  let type = ''
  let style = 0
  let value: string[] = []
  let capture = false
  let nextCol = 0
  parse(xml, {
    open: (t) => {
      switch (local(t.name)) {
        case 'row':
          line = t.attributes.r ? Number(t.attributes.r) : line + 1
          cells = []
          any = false
          nextCol = 0
          break
        case 'c': {
          const ref = String(t.attributes.r ?? '')
          col = ref ? columnOf(ref) : nextCol
          nextCol = col + 1
          type = String(t.attributes.t ?? '')
          style = Number(t.attributes.s ?? 0)
          value = []
          break
        }
        case 'v': case 't': capture = true; break
        case 'rPh': capture = false; break
        case 'mergeCell': if (t.attributes.ref) merges.push(String(t.attributes.ref)); break
      }
    },
    text: (text) => { if (capture) value.push(text) },
    close: (tag) => {
      switch (local(tag)) {
        case 'v': case 't': capture = false; break
        case 'c': {
          const text = cellValue(type, value.join(''), style, shared, formats, dayShift)
          if (text.length > limits.maxCell) limits.onHugeCell?.(name, `${refOf(col)}${line}`)
          if (text !== '') {
            any = true
            while (cells.length < col) cells.push('')
            cells[col] = text
          }
          break
        }
        case 'row':
          limits.onRow?.(line)
          if (any) rows.push({ line, cells })
          break
      }
    }
  })
  return { name, rows, merges }
}

function cellValue(type: string, raw: string, style: number, shared: string[], formats: Kind[], dayShift: number): string {
  let text: string
  if (type === 's') text = shared[Number(raw)] ?? ''
  else if (type === 'b') text = raw === '1' ? 'TRUE' : raw === '0' ? 'FALSE' : raw
  else if (type === 'e') text = ''
  else if (type === 'str' || type === 'inlineStr') text = unescapeOoxml(raw)
  else text = raw === '' ? '' : numberText(raw, formats[style] ?? 'plain', dayShift)
  return text.trim()
}

/** Excel writes characters XML cannot hold as _xHHHH_ (a carriage return is _x000D_). */
function unescapeOoxml(text: string): string {
  return text.includes('_x') ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : text
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }
function decodeXml(text: string): string {
  if (!text.includes('&')) return text
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (whole, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : (ENTITIES[e] ?? whole))
}

/** The value of attribute `name` in a start tag's text, or undefined. */
function attr(tag: string, name: string): string | undefined {
  const key = ` ${name}="`
  let at = tag.indexOf(key)
  if (at < 0) {
    const alt = tag.indexOf(`\t${name}="`)
    if (alt < 0) return undefined
    at = alt
  }
  const start = at + key.length
  return tag.slice(start, tag.indexOf('"', start))
}

/**
 * The sheet's cells by scanning the XML text: several times faster than an event parser on the
 * 40 MB a 100,000-row sheet holds. Only the parts of SpreadsheetML a cell's text needs are read:
 * rows, cells (r, t, s), values, inline strings (without phonetic runs), merged ranges. Element
 * names may carry a namespace prefix (x:row), the same one throughout a part.
 */
function scanSheet(name: string, xml: string, shared: string[], formats: Kind[], limits: ParseLimits, dayShift: number): ParsedSheet {
  const rows: ParsedSheet['rows'] = []
  const merges: string[] = []
  const start = /<(\w+:)?sheetData[\s>/]/.exec(xml)
  if (!start) return { name, rows, merges }
  const p = start[1] ?? ''
  const ROW = `<${p}row`, C = `<${p}c`, C_END = `</${p}c>`, ROW_END = `</${p}row>`, DATA_END = `</${p}sheetData>`
  const V = `<${p}v>`, V_END = `</${p}v>`
  const dataEnd = xml.indexOf(DATA_END)
  const end = dataEnd < 0 ? xml.length : dataEnd
  let i = start.index
  let line = 0
  for (;;) {
    const r = xml.indexOf(ROW, i)
    if (r < 0 || r >= end) break
    const rGt = xml.indexOf('>', r)
    const rowTag = xml.slice(r, rGt)
    const after = xml.charCodeAt(r + ROW.length)
    if (after !== 32 && after !== 62 && after !== 47 && after !== 9 && after !== 10 && after !== 13) { i = r + 1; continue }
    const rAttr = attr(rowTag, 'r')
    line = rAttr ? Number(rAttr) : line + 1
    if (rowTag.endsWith('/')) { limits.onRow?.(line); i = rGt + 1; continue }
    const rowEnd = xml.indexOf(ROW_END, rGt)
    const stop = rowEnd < 0 ? end : rowEnd
    const cells: string[] = []
    let any = false
    let nextCol = 0
    let k = rGt + 1
    for (;;) {
      const c = xml.indexOf(C, k)
      if (c < 0 || c >= stop) break
      const ch = xml.charCodeAt(c + C.length)
      if (ch !== 32 && ch !== 62 && ch !== 47 && ch !== 9 && ch !== 10 && ch !== 13) { k = c + 1; continue }
      const cGt = xml.indexOf('>', c)
      const cTag = xml.slice(c, cGt)
      const ref = attr(cTag, 'r')
      const col = ref ? columnOf(ref) : nextCol
      nextCol = col + 1
      if (cTag.endsWith('/')) { k = cGt + 1; continue }
      const cEnd = xml.indexOf(C_END, cGt)
      const body = xml.slice(cGt + 1, cEnd < 0 ? stop : cEnd)
      k = cEnd < 0 ? stop : cEnd + C_END.length
      const type = attr(cTag, 't') ?? ''
      let raw = ''
      if (type === 'inlineStr') {
        const parts: string[] = []
        const plain = body.includes('rPh') ? body.replace(/<(?:\w+:)?rPh[\s>][\s\S]*?<\/(?:\w+:)?rPh>/g, '') : body
        for (const m of plain.matchAll(/<(?:\w+:)?t(?:\s[^>]*)?>([\s\S]*?)<\/(?:\w+:)?t>/g)) parts.push(m[1]!)
        raw = decodeXml(parts.join(''))
      } else {
        const v = body.indexOf(V)
        if (v >= 0) raw = decodeXml(body.slice(v + V.length, body.indexOf(V_END, v)))
      }
      const text = cellValue(type, raw, Number(attr(cTag, 's') ?? 0), shared, formats, dayShift)
      if (text.length > limits.maxCell) limits.onHugeCell?.(name, `${refOf(col)}${line}`)
      if (text !== '') {
        any = true
        while (cells.length < col) cells.push('')
        cells[col] = text
      }
    }
    limits.onRow?.(line)
    if (any) rows.push({ line, cells })
    i = rowEnd < 0 ? end : rowEnd + ROW_END.length
  }
  const m0 = xml.indexOf(`<${p}mergeCells`, end)
  if (m0 >= 0) for (const m of xml.slice(m0).matchAll(/<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"/g)) merges.push(m[1]!)
  return { name, rows, merges }
}

function refOf(col: number): string {
  let s = ''
  for (let n = col + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}
