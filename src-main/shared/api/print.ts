import { z } from 'zod'
import { formRef, id, method, recordDto, type MethodContract } from './core'

// API methods of the print view (src-main/print): a record's print view saved as a PDF on the
// record. Only the desktop app can make the PDF (Electron's printToPDF); in a browser the print
// view opens and the browser's own print dialog prints it or saves it as PDF.

const hash = z.string().regex(/^[0-9a-f]{64}$/)

export const printContracts = {
  'print.savePdf': method({
    access: 'user',
    summary: 'Desktop app: print the record\'s print view to a PDF (A4, company details from the system settings) and store it in an attachment field of the record the caller may change; in serve mode answers that a browser prints the view itself',
    input: z.object({ form: formRef, record: id, field: z.string().min(1).max(64).optional() }),
    output: z.object({ file: z.object({ hash, name: z.string(), size: z.number() }), record: recordDto })
  })
} satisfies Record<string, MethodContract>

export const PRINT_READ_ONLY: readonly string[] = []
