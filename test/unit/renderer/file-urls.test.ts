import { describe, expect, it } from 'vitest'
import { fileUrl } from '../../../src-renderer/src/lib/files'
import { parseFileRef } from '../../../src-main/attachments'

// Every place the renderer shows or downloads a file names where the file was seen, in the form
// the server's download decision reads (src-main/attachments/downloads.ts).

const H = 'a'.repeat(64)
const refOf = (url: string) => parseFileRef(new URL(url, 'http://127.0.0.1').searchParams)

describe('file URLs', () => {
  it('a saved record’s attachment names the form, the record and the field', () => {
    const url = fileUrl(H, { form: 3, record: 42, field: 17 })
    expect(url).toBe(`/files/${H}?form=3&record=42&field=17`)
    expect(refOf(url)).toEqual({ kind: 'record', form: 3, record: 42, field: 17 })
  })

  it('an approval comment’s attachment names the instance; a fresh upload names nothing', () => {
    expect(refOf(fileUrl(H, { flow: 9 }))).toEqual({ kind: 'flow', instance: 9 })
    expect(fileUrl(H)).toBe(`/files/${H}`)
    expect(refOf(fileUrl(H))).toEqual({ kind: 'upload' })
  })

  it('a half reference is refused, not read as an upload', () => {
    expect(() => refOf(`/files/${H}?form=3&record=42`)).toThrow()
    expect(() => refOf(`/files/${H}?flow=x`)).toThrow()
  })
})
