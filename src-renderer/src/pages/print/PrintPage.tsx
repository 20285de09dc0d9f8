import { useEffect, useRef } from 'react'
import { Button, Group } from '@mantine/core'
import { IconArrowLeft, IconPrinter } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FormDto, RecordDto } from '@shared/api/contracts'
import type { CompanySettings } from '@shared/api/settings'
import { formatFieldValue, formatLongDateTime } from '@shared/format-value'
import { api } from '../../api/client'
import { currentLocale } from '../../i18n'
import { fileUrl } from '../../lib/files'
import { routeHash } from '../../lib/route'
import { useLoaded } from '../../lib/use-loaded'
import { resolveLayout } from '../../components/record/layout'
import { RichTextView } from '../../fields/richtext-view'
import type { PrintRoute } from './print-route'
import { PRINT_CSS } from './print-css'

// The print view of a record: an A4 sheet with the firm's letterhead (name, logo, address, phone
// from the system settings), the form's name and the record's title, every field the reader may
// see in the designer's sections (two columns of label and value), each sub-table as a table of
// its rows with the number columns summed, and the firm's tax id and bank at the foot. The
// browser prints it with its own dialog (打印 → 另存为 PDF); the desktop app loads it in a hidden
// window and prints it to PDF (src-main/app/print.ts waits for data-print-state="ready").

interface Data {
  form: FormDto
  record: RecordDto
  company: CompanySettings
}

const NUMERIC = new Set(['number', 'amount', 'percent', 'rollup'])

function fileNames(value: unknown): string {
  const files = Array.isArray(value) ? (value as Array<{ name?: string }>) : []
  return files.map((f) => f.name ?? '').filter(Boolean).join('、')
}

function cellText(field: FieldDto, value: unknown): string {
  if (field.type === 'attachment') return fileNames(value)
  return formatFieldValue(field, value, currentLocale())
}

function SubTable({ field, form, rows, titled }: { field: FieldDto; form: FormDto; rows: Array<Record<string, unknown>>; titled: boolean }) {
  const { t } = useTranslation()
  const children = form.fields.filter((c) => c.parentFieldId === field.id && c.deletedAt === null)
  const visible = rows.length ? children.filter((c) => rows.some((r) => c.apiKey in r)) : children
  const summed = visible.filter((c) => (c.type === 'amount' || c.type === 'number') && !(c.config as { noTotal?: boolean }).noTotal)
  return (
    <div className="print-block">
      {titled && <div className="print-section-title">{field.label}</div>}
      <table className="print-rows" data-testid={`print-subtable-${field.apiKey}`}>
        <thead>
          <tr>
            <th className="num" style={{ width: '8%' }}>
              {t('print.rowNo')}
            </th>
            {visible.map((c) => (
              <th key={c.id} className={NUMERIC.has(c.type) || NUMERIC.has(c.resultType ?? '') ? 'num' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={visible.length + 1} className="empty">
                {t('print.noRows')}
              </td>
            </tr>
          )}
          {rows.map((row, i) => (
            <tr key={i}>
              <td className="num">{i + 1}</td>
              {visible.map((c) => (
                <td key={c.id} className={NUMERIC.has(c.type) || NUMERIC.has(c.resultType ?? '') ? 'num' : undefined}>
                  {cellText(c, row[c.apiKey])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {rows.length > 1 && summed.length > 0 && (
          <tfoot>
            <tr>
              <td className="num">∑</td>
              {visible.map((c) => (
                <td key={c.id} className="num">
                  {summed.includes(c) ? formatFieldValue(c, rows.reduce((s, r) => s + (typeof r[c.apiKey] === 'number' ? (r[c.apiKey] as number) : 0), 0), currentLocale()) : ''}
                </td>
              ))}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  )
}

export function PrintSheet({ form, record, company, printedBy, printedAt }: Data & { printedBy: string; printedAt: number }) {
  const { t } = useTranslation()
  const top = form.fields.filter((f) => f.parentFieldId === null && f.deletedAt === null && f.apiKey in record.fields)
  const titleField = form.fields.find((f) => f.id === form.titleFieldId) ?? top.find((f) => f.type === 'text')
  const title = titleField ? cellText(titleField, record.fields[titleField.apiKey]) : ''
  const tabs = resolveLayout(form.layout, top)
  const sections = tabs.flatMap((tab) => tab.sections.map((s, i) => ({ ...s, label: s.label ?? (i === 0 && tabs.length > 1 ? tab.label : null) })))
  return (
    <>
      <header className="print-letterhead">
        <div className="print-company">
          {company.logo && <img src={fileUrl(company.logo.hash, { company: 'logo' })} alt="" className="print-logo" />}
          <div>
            <div className="print-company-name" data-testid="print-company">
              {company.name || t('print.unnamedCompany')}
            </div>
            <div className="print-muted">{[company.address, company.phone].filter(Boolean).join('  ·  ')}</div>
          </div>
        </div>
        <div className="print-doc">
          <div className="print-doc-name">{form.label}</div>
          <div className="print-muted">{t('print.recordNo', { id: record.id })}</div>
        </div>
      </header>
      {title && (
        <h1 className="print-title" data-testid="print-title">
          {title}
        </h1>
      )}
      {sections.map((section) => {
        const plain = section.fields.filter((f) => f.type !== 'subtable' && f.id !== titleField?.id)
        const tables = section.fields.filter((f) => f.type === 'subtable')
        if (!plain.length && !tables.length) return null
        const columns = section.columns === 1 ? 1 : 2
        const rows: FieldDto[][] = []
        const wide = (f: FieldDto) => f.type === 'textarea' || f.type === 'richtext' || columns === 1
        let line: FieldDto[] = []
        for (const f of plain) {
          if (wide(f)) {
            if (line.length) rows.push(line)
            rows.push([f])
            line = []
            continue
          }
          line.push(f)
          if (line.length === columns) {
            rows.push(line)
            line = []
          }
        }
        if (line.length) rows.push(line)
        return (
          <div key={section.id} className="print-block">
            {section.label && <div className="print-section-title">{section.label}</div>}
            {rows.length > 0 && (
              <table className="print-fields">
                <colgroup>
                  <col style={{ width: '16%' }} />
                  <col style={{ width: columns === 2 ? '34%' : '84%' }} />
                  {columns === 2 && <col style={{ width: '16%' }} />}
                  {columns === 2 && <col style={{ width: '34%' }} />}
                </colgroup>
                <tbody>
                  {rows.map((r, i) => (
                    <tr key={i}>
                      {r.map((f) => (
                        <FieldCells key={f.id} field={f} value={record.fields[f.apiKey]} span={r.length === 1 && columns === 2 ? 3 : 1} />
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {tables.map((f) => (
              <SubTable key={f.id} field={f} form={form} titled={section.label !== f.label} rows={Array.isArray(record.fields[f.apiKey]) ? (record.fields[f.apiKey] as Array<Record<string, unknown>>) : []} />
            ))}
          </div>
        )
      })}
      <footer className="print-foot">
        <div>
          {company.taxId && <div>{t('print.taxId', { value: company.taxId })}</div>}
          {(company.bankName || company.bankAccount) && <div>{t('print.bank', { name: company.bankName, account: company.bankAccount })}</div>}
        </div>
        <div className="print-sign">
          {record.owner && (
            <div>
              {t('print.owner')}：{record.owner.name}
            </div>
          )}
          <div>{t('print.printedBy', { name: printedBy })}</div>
          <div>{t('print.printedAt', { time: formatLongDateTime(printedAt, currentLocale()) })}</div>
        </div>
      </footer>
    </>
  )
}

function FieldCells({ field, value, span }: { field: FieldDto; value: unknown; span: number }) {
  return (
    <>
      <th>{field.label}</th>
      <td colSpan={span} className={field.type === 'textarea' ? 'pre' : undefined} data-field={field.apiKey}>
        {field.type === 'richtext' ? <RichTextView className="print-rich" html={typeof value === 'string' ? value : ''} /> : cellText(field, value)}
      </td>
    </>
  )
}

/**
 * A Word file of the record (a contract made from the firm's template) as the document itself:
 * its paragraphs, headings, lists and tables, as the host converted and cleaned them
 * (documents.printable) — the firm's own letterhead and wording, not the record's fields.
 */
function DocumentSheet({ html }: { html: string }) {
  return (
    <div className="print-document" data-testid="print-document">
      <RichTextView className="print-rich print-word" html={html} asDocument />
    </div>
  )
}

type Loaded = (Data & { printedAt: number; document?: undefined }) | { document: { name: string; html: string }; form: FormDto; company: CompanySettings; printedAt: number; record?: undefined }

export function PrintPage({ route, userName }: { route: PrintRoute; userName: string }) {
  const { t } = useTranslation()
  const loaded = useLoaded<Loaded>(async () => {
    if (route.document) {
      const [form, company, document] = await Promise.all([
        api.forms.get({ form: route.formId }),
        api.settings.company(),
        api.documents.printable({ form: route.formId, record: route.recordId, field: route.document.fieldId, hash: route.document.hash })
      ])
      return { form, company, document, printedAt: Date.now() }
    }
    const [form, record, company] = await Promise.all([api.forms.get({ form: route.formId }), api.records.get({ form: route.formId, id: route.recordId }), api.settings.company()])
    return { form, record, company, printedAt: Date.now() }
  })
  const printed = useRef(false)
  const data = loaded.data
  useEffect(() => {
    if (!data || !route.auto || printed.current) return
    printed.current = true
    // After the fonts and the logo are in, or the dialog prints a half-drawn sheet.
    void document.fonts.ready.then(() => window.print())
  }, [data, route.auto])
  useEffect(() => {
    if (data) document.title = `${data.document ? data.document.name.replace(/\.docx$/i, '') : data.form.label} - ${data.company.name || '积木 CRM'}`
  }, [data])
  const state = data ? 'ready' : loaded.failure ? 'failed' : 'loading'
  return (
    <div className="print-page">
      <style>{PRINT_CSS}</style>
      <Group justify="space-between" className="print-toolbar no-print">
        <Button variant="subtle" component="a" href={routeHash({ formId: route.formId, recordId: route.recordId })} leftSection={<IconArrowLeft size={16} />}>
          {t('print.back')}
        </Button>
        <Button leftSection={<IconPrinter size={16} />} onClick={() => window.print()} disabled={!data} data-testid="print-now">
          {t('print.printNow')}
        </Button>
      </Group>
      <article className="print-sheet" data-testid="print-sheet" data-print-state={state} data-print-error={loaded.failure ?? undefined}>
        {data ? data.document ? <DocumentSheet html={data.document.html} /> : <PrintSheet {...data} printedBy={userName} /> : loaded.failure ? <div className="print-muted">{loaded.failure}</div> : null}
      </article>
    </div>
  )
}
