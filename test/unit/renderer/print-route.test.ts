import { describe, expect, it } from 'vitest'
import { parsePrintRoute, printHash } from '../../../src-renderer/src/pages/print/print-route'

// The print view's addresses: a record's sheet, or one of its Word files printed as itself.

describe('print routes', () => {
  const hash = 'c'.repeat(64)
  it('round-trips a record sheet and a Word file of the record, with or without the print dialog', () => {
    expect(parsePrintRoute(printHash(4, 17))).toEqual({ formId: 4, recordId: 17, auto: false })
    expect(parsePrintRoute(printHash(4, 17, true))).toEqual({ formId: 4, recordId: 17, auto: true })
    expect(printHash(4, 17, true, { fieldId: 9, hash })).toBe(`#/print/4/17/doc/9/${hash}?auto=1`)
    expect(parsePrintRoute(printHash(4, 17, true, { fieldId: 9, hash }))).toEqual({ formId: 4, recordId: 17, auto: true, document: { fieldId: 9, hash } })
  })

  it('is no print route for anything else, a malformed file hash included', () => {
    for (const bad of ['#/forms/4/records/17', '#/print/4', `#/print/4/17/doc/9/${hash.slice(1)}`, '#/print/4/17/doc/x/abc', `#/print/4/17/doc/9/${hash}/more`]) expect(parsePrintRoute(bad), bad).toBeNull()
  })
})
