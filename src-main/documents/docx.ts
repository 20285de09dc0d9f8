import PizZip from 'pizzip'

// A small writer of real .docx files (WordprocessingML in a zip), for the templates the sales app
// ships (documents/shipped.ts, resources/templates/*.docx). Paragraphs and simple tables only:
// an owner edits the result in Word or WPS and uploads their own.

export type Block =
  | { kind: 'title'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'p'; text: string; bold?: boolean; right?: boolean }
  | { kind: 'table'; header: string[]; rows: string[][]; widths?: number[] }

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function run(text: string, opts: { bold?: boolean; size?: number } = {}): string {
  const props = `<w:rPr><w:rFonts w:ascii="SimSun" w:hAnsi="SimSun" w:eastAsia="SimSun"/>${opts.bold ? '<w:b/>' : ''}<w:sz w:val="${opts.size ?? 21}"/></w:rPr>`
  return `<w:r>${props}<w:t xml:space="preserve">${esc(text)}</w:t></w:r>`
}

function paragraph(text: string, opts: { bold?: boolean; size?: number; align?: 'center' | 'right' } = {}): string {
  const ppr = opts.align ? `<w:pPr><w:jc w:val="${opts.align}"/></w:pPr>` : ''
  return `<w:p>${ppr}${run(text, opts)}</w:p>`
}

function cell(text: string, width: number, bold = false): string {
  return `<w:tc><w:tcPr><w:tcW w:w="${width}" w:type="dxa"/></w:tcPr>${paragraph(text, { bold })}</w:tc>`
}

function table(b: Extract<Block, { kind: 'table' }>): string {
  const total = 9000
  const widths = b.widths ?? b.header.map(() => Math.floor(total / b.header.length))
  const border = (side: string) => `<w:${side} w:val="single" w:sz="4" w:space="0" w:color="808080"/>`
  const borders = `<w:tblBorders>${['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map(border).join('')}</w:tblBorders>`
  const grid = `<w:tblGrid>${widths.map((w) => `<w:gridCol w:w="${w}"/>`).join('')}</w:tblGrid>`
  const header = `<w:tr>${b.header.map((h, i) => cell(h, widths[i]!, true)).join('')}</w:tr>`
  const rows = b.rows.map((r) => `<w:tr>${r.map((c, i) => cell(c, widths[i]!)).join('')}</w:tr>`).join('')
  return `<w:tbl><w:tblPr><w:tblW w:w="${total}" w:type="dxa"/>${borders}</w:tblPr>${grid}${header}${rows}</w:tbl>`
}

function block(b: Block): string {
  switch (b.kind) {
    case 'title':
      return paragraph(b.text, { bold: true, size: 36, align: 'center' })
    case 'heading':
      return paragraph(b.text, { bold: true, size: 24 })
    case 'p':
      return paragraph(b.text, { bold: b.bold, align: b.right ? 'right' : undefined })
    case 'table':
      return table(b) + paragraph('')
  }
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`

const RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`

const DOC_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>`

const core = (title: string) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>${esc(title)}</dc:title><dc:creator>积木 CRM</dc:creator></cp:coreProperties>`

/** A .docx holding `blocks` (A4, 2.5 cm margins). Deterministic: the same blocks give the same bytes. */
export function buildDocx(title: string, blocks: Block[]): Buffer {
  const body = blocks.map(block).join('')
  const sect = '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1418" w:bottom="1440" w:left="1418" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>'
  const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>${body}${sect}</w:body></w:document>`
  const zip = new PizZip()
  const date = new Date(Date.UTC(2026, 0, 1))
  zip.file('[Content_Types].xml', CONTENT_TYPES, { date })
  zip.file('_rels/.rels', RELS, { date })
  zip.file('docProps/core.xml', core(title), { date })
  zip.file('word/document.xml', document, { date })
  zip.file('word/_rels/document.xml.rels', DOC_RELS, { date })
  return zip.generate({ type: 'nodebuffer', compression: 'DEFLATE' })
}
