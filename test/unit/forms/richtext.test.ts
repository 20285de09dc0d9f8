import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { richTextToPlain, sanitizeRichText } from '../../../src-main/forms/field-types/richtext'
import { FIELD_CONFIG } from '../../../src-main/shared/field-config'
import { caught, testCore } from '../../support/core'

// 富文本 fields: whatever HTML arrives (the editor, the API, an import), what is stored can be
// rendered on a LAN page without running anything; lists, search and formulas see the text.

const HOSTILE = [
  '<script>alert(1)</script><p>正文</p>',
  '<p onclick="alert(1)">正文</p>',
  '<img src=x onerror=alert(1)><p>正文</p>',
  '<a href="javascript:alert(1)">点我</a>',
  '<a href="  JaVaScRiPt:alert(1)">点我</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">点我</a>',
  '<iframe src="https://evil.example"></iframe><p>正文</p>',
  '<svg><script>alert(1)</script></svg>',
  '<style>body{display:none}</style><p style="background:url(javascript:alert(1))">正文</p>',
  '<form action="https://evil.example"><input name=x></form>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<p>正文<!--<script>alert(1)</script>--></p>',
  '<object data="x.swf"></object><embed src="x.swf">',
  '<a href="https://ok.example" onmouseover="alert(1)" target="_self">链接</a>'
]

describe('cleaning rich text', () => {
  it('keeps formatting and safe links, drops everything that could script or load', () => {
    expect(sanitizeRichText('<h2>退款流程</h2><p><strong>注意</strong>：<em>三日内</em></p><ul><li>一</li><li>二</li></ul>')).toBe('<h2>退款流程</h2><p><strong>注意</strong>：<em>三日内</em></p><ul><li>一</li><li>二</li></ul>')
    expect(sanitizeRichText('<a href="https://ok.example/a?b=1">链接</a>')).toBe('<a href="https://ok.example/a?b=1" target="_blank" rel="noopener noreferrer nofollow">链接</a>')
    for (const html of HOSTILE) {
      const clean = sanitizeRichText(html)
      expect(clean, html).not.toMatch(/<script|<img|<iframe|<svg|<style|<form|<input|<object|<embed|<math|on[a-z]+=|javascript:|data:|style=/i)
    }
  })

  it('turns plain text (an Excel cell) into paragraphs, escaped', () => {
    expect(sanitizeRichText('第一行\n<不是标签> & 第二行')).toBe('<p>第一行</p><p>&lt;不是标签&gt; &amp; 第二行</p>')
    expect(richTextToPlain('<p>第一行</p><p>&lt;不是标签&gt; &amp; 第二行</p>')).toBe('第一行\n<不是标签> & 第二行')
  })
})

describe('a rich-text field on a form', () => {
  let t: Awaited<ReturnType<typeof testCore>>
  let kb: number
  beforeAll(async () => {
    t = await testCore()
    kb = t.form('知识库文章', [
      { label: '标题', apiKey: 'title', type: 'text' },
      { label: '正文', apiKey: 'body', type: 'richtext', config: { maxLength: 5000 } }
    ]).id
  })
  afterAll(() => t?.close())

  it('stores cleaned HTML from any writer, is found by its text, and lists and exports read the text', () => {
    const id = t.core.writes.create(t.actor, kb, { title: '门禁故障', body: '<h2>读头不亮</h2><p onclick="x()">先检查<strong>电源</strong></p><script>alert(1)</script>' })
    const stored = t.core.reads.get(t.actor, kb, id).fields.body as string
    expect(stored).toBe('<h2>读头不亮</h2><p>先检查<strong>电源</strong></p>')
    expect(t.core.reads.list(t.actor, { form: kb, search: '检查电源', limit: 10 }).records.map((r) => r.id)).toEqual([id])
    // Searching for markup finds nothing: the index holds the text.
    expect(t.core.reads.list(t.actor, { form: kb, search: 'strong', limit: 10 }).records).toHaveLength(0)
    t.core.writes.update(t.actor, kb, id, { body: '纯文本\n第二段' })
    expect(t.core.reads.get(t.actor, kb, id).fields.body).toBe('<p>纯文本</p><p>第二段</p>')
  })

  it('keeps its type and configuration, and refuses a value past its length naming the field', () => {
    const field = t.core.schema.form(kb).byKey.get('body')!
    expect(field.type).toBe('richtext')
    expect(FIELD_CONFIG.richtext.parse(field.config)).toEqual({ maxLength: 5000 })
    const id = t.core.writes.create(t.actor, kb, { title: '长文' })
    const error = caught(() => t.core.writes.update(t.actor, kb, id, { body: `<p>${'字'.repeat(6000)}</p>` }))
    expect(error).toMatchObject({ messageKey: 'value.tooLong', field: 'body' })
    expect(t.core.reads.get(t.actor, kb, id).fields.body ?? null).toBeNull()
  })
})
