// What the desktop shell needs to turn the print view into a PDF, as plain data and functions
// (src-main/app/print.ts only wires them to Electron): where the hidden window goes, how to tell
// the page has painted its data, the printToPDF options, and the file's name.

/** The print view of a record (a route of the renderer, outside the shell: no header or menu). */
export function printRoute(formId: number, recordId: number): string {
  return `#/print/${formId}/${recordId}`
}

/**
 * Evaluated in the hidden window until it answers: `ready` once the print view shows its data
 * (it sets `data-print-state` on its sheet), `failed:<message>` when it could not load, null meanwhile.
 */
export const READY_PROBE = `(() => {
  const el = document.querySelector('[data-print-state]');
  if (!el) return null;
  const state = el.getAttribute('data-print-state');
  if (state === 'ready') return 'ready';
  if (state === 'failed') return 'failed:' + (el.getAttribute('data-print-error') || '');
  return null;
})()`

export type ReadyOutcome = { ok: true } | { ok: false; reason: 'timeout' | 'failed'; message: string }

/** Ask `probe` every `intervalMs` until the view is ready or failed, or `timeoutMs` passed. */
export async function waitUntilReady(probe: () => Promise<unknown>, options: { timeoutMs?: number; intervalMs?: number; sleep?: (ms: number) => Promise<void>; now?: () => number } = {}): Promise<ReadyOutcome> {
  const timeoutMs = options.timeoutMs ?? 20_000
  const intervalMs = options.intervalMs ?? 100
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const now = options.now ?? Date.now
  const start = now()
  for (;;) {
    const answer = await probe()
    if (answer === 'ready') return { ok: true }
    if (typeof answer === 'string' && answer.startsWith('failed:')) return { ok: false, reason: 'failed', message: answer.slice('failed:'.length) }
    if (now() - start >= timeoutMs) return { ok: false, reason: 'timeout', message: '' }
    await sleep(intervalMs)
  }
}

/** Electron's webContents.printToPDF options: A4, the page's own @page margins, backgrounds (table heads) printed. */
export const PDF_OPTIONS = { pageSize: 'A4', printBackground: true, preferCSSPageSize: true, landscape: false } as const

/** Without path separators, characters Windows refuses, or control characters; at most 80 characters. */
export function safeFileNamePart(s: string): string {
  return [...s]
    .filter((c) => c.charCodeAt(0) >= 0x20 && !'\\/:*?"<>|'.includes(c))
    .join('')
    .trim()
    .slice(0, 80)
}

/** 合同-华东精密机械采购合同-2026-03-02.pdf: the form, the record's title (or its id), the day it was made. */
export function pdfFileName(formLabel: string, title: string | null, recordId: number, day: string): string {
  const form = safeFileNamePart(formLabel) || 'record'
  const what = title ? safeFileNamePart(title) : ''
  return `${form}-${what || recordId}-${day}.pdf`
}

/** A PDF file starts with `%PDF-`; anything else is refused before it is stored. */
export function isPdf(data: Buffer): boolean {
  return data.length > 8 && data.subarray(0, 5).toString('latin1') === '%PDF-'
}

/** The largest PDF stored (a print view of a record with a long sub-table is a few hundred kB). */
export const MAX_PDF_BYTES = 20 * 1024 * 1024
