import { describe, expect, it } from 'vitest'
import { servedInline, sniffMime } from '../../../src-main/attachments/content-type'

// The served type of a file comes from its bytes; a name only picks among formats sharing one
// container, and never turns a file into an image or into markup.

const b = (hex: string) => Buffer.from(hex.replace(/\s/g, ''), 'hex')

describe('content type from the bytes', () => {
  it('recognises images, PDF and office containers', () => {
    expect(sniffMime(b('89504e470d0a1a0a0000'), 'x.txt')).toBe('image/png')
    expect(sniffMime(b('ffd8ffe000104a464946'), '')).toBe('image/jpeg')
    expect(sniffMime(Buffer.from('GIF89a....'))).toBe('image/gif')
    expect(sniffMime(Buffer.concat([Buffer.from('RIFF'), b('00000000'), Buffer.from('WEBPVP8 ')]))).toBe('image/webp')
    expect(sniffMime(Buffer.from('%PDF-1.7\n'), '合同.png')).toBe('application/pdf')
    expect(sniffMime(b('504b0304140000000800'), '报价.xlsx')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    expect(sniffMime(b('504b0304140000000800'), '报价.png')).toBe('application/zip')
    expect(sniffMime(b('d0cf11e0a1b11ae10000'), '旧报价.xls')).toBe('application/vnd.ms-excel')
  })

  it('finds markup however it is named or padded', () => {
    expect(sniffMime(Buffer.from('\uFEFF  \n<!DOCTYPE html><p>hi'), 'photo.png')).toBe('text/html')
    expect(sniffMime(Buffer.from('hello <script>alert(1)</script>'), 'a.jpg')).toBe('text/html')
    expect(sniffMime(Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe('image/svg+xml')
    expect(sniffMime(Buffer.from('<svg onload=alert(1)>'))).toBe('image/svg+xml')
    expect(sniffMime(Buffer.from('<?xml version="1.0"?><a/>'))).toBe('application/xml')
  })

  it('plain text is text, unknown binary is octet-stream; only raster images are inline', () => {
    expect(sniffMime(Buffer.from('客户,金额\n甲,100'), '导出.csv')).toBe('text/csv')
    expect(sniffMime(Buffer.from('备注'), 'a.txt')).toBe('text/plain')
    expect(sniffMime(b('000102030405'))).toBe('application/octet-stream')
    for (const t of ['image/png', 'image/jpeg', 'image/gif', 'image/webp']) expect(servedInline(t)).toBe(true)
    for (const t of ['image/svg+xml', 'text/html', 'application/pdf', 'text/plain', 'application/xml']) expect(servedInline(t)).toBe(false)
  })
})
