import type { Locale } from '../shared/locales'

// The one thing only the desktop shell can do: render the print view in a hidden window and
// print it to PDF (Electron's webContents.printToPDF). The shell registers its maker at start
// (src-main/app/print.ts); serve mode has none, and a browser prints the view itself instead
// (the browser's print dialog saves as PDF). One per process, as the shell is.

export interface PdfRequest {
  formId: number
  recordId: number
  /** The caller's session: the hidden window reads the record as them (their scope, their hidden fields). */
  token: string
  locale: Locale
}

export interface PdfMaker {
  make(request: PdfRequest): Promise<Buffer>
}

let current: PdfMaker | null = null

export function setPdfMaker(maker: PdfMaker | null): void {
  current = maker
}

export function pdfMaker(): PdfMaker | null {
  return current
}
