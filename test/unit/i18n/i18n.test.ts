import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { messages } from '../../../src-main/shared/locales'

// The UI is complete in Chinese and English: both locales hold the same keys, every key the
// renderer asks for exists, and no user-visible text is written into a component.

const ROOT = resolve(import.meta.dirname, '../../..')
const RENDERER = join(ROOT, 'src-renderer/src')

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) sources(path, out)
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path)
  }
  return out
}

const files = sources(RENDERER).map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }))
const zh = messages['zh-CN']
const en = messages.en
const allKeys = Object.keys(zh)

/** Code without comments, so commented text neither hides nor fakes a finding (strings are kept). */
function stripComments(code: string): string {
  let out = ''
  let i = 0
  let quote: string | null = null
  while (i < code.length) {
    const c = code[i]
    const next = code[i + 1]
    if (quote) {
      out += c
      if (c === '\\') {
        out += next ?? ''
        i += 2
        continue
      }
      if (c === quote) quote = null
      i++
      continue
    }
    if (c === "'" || c === '"' || c === '`') {
      quote = c
      out += c
      i++
      continue
    }
    if (c === '/' && next === '/') {
      while (i < code.length && code[i] !== '\n') i++
      continue
    }
    if (c === '/' && next === '*') {
      const end = code.indexOf('*/', i + 2)
      const skipped = code.slice(i, end < 0 ? code.length : end + 2)
      out += skipped.replace(/[^\n]/g, ' ')
      i = end < 0 ? code.length : end + 2
      continue
    }
    out += c
    i++
  }
  return out
}

const line = (text: string, index: number) => text.slice(0, index).split('\n').length

describe('locales', () => {
  it('zh-CN and English have exactly the same keys', () => {
    const onlyZh = Object.keys(zh).filter((k) => !(k in en))
    const onlyEn = Object.keys(en).filter((k) => !(k in zh))
    expect({ onlyZh, onlyEn }).toEqual({ onlyZh: [], onlyEn: [] })
  })

  it('no message is empty, and both locales use the same {{placeholders}} per key', () => {
    const problems: string[] = []
    const params = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort().join(',')
    for (const key of allKeys) {
      if (!zh[key]?.trim() || !en[key]?.trim()) problems.push(`${key}: empty`)
      else if (key in en && params(zh[key]) !== params(en[key])) problems.push(`${key}: ${params(zh[key])} vs ${params(en[key])}`)
    }
    expect(problems).toEqual([])
  })
})

describe('the renderer', () => {
  it('asks only for keys that exist (template keys: the prefix family exists)', () => {
    const missing: string[] = []
    // t('a.b'), i18n.t("a.b"), t(`a.${x}`), including calls split over lines.
    const call = /\bt\(\s*(['"`])((?:(?!\1)[^\\]|\\.)*)\1/g
    for (const file of files) {
      const code = stripComments(file.text)
      for (const m of code.matchAll(call)) {
        const key = m[2]
        const where = `${file.path}:${line(code, m.index)}`
        if (m[1] === '`' && key.includes('${')) {
          const prefix = key.slice(0, key.indexOf('${'))
          if (!allKeys.some((k) => k.startsWith(prefix))) missing.push(`${where} ${key}`)
        } else if (!(key in zh)) {
          missing.push(`${where} ${key}`)
        }
      }
    }
    expect(missing).toEqual([])
  })

  /** Text no translation applies to: key caps and the like. */
  const UNTRANSLATABLE = new Set(['Ctrl', 'K', 'S', 'N', 'Enter', 'Esc', 'Shift', 'Alt'])
  /** Protocol text shown as code (an HTTP header a developer copies). */
  const UNTRANSLATABLE_TEXT = [/^Authorization: Bearer …$/]
  const HAS_WORDS = /[A-Za-z\u3400-\u9fff]/

  it('writes no user-visible text outside t(): JSX text and label/placeholder/title/aria-label literals', () => {
    const found: string[] = []
    const attribute = /\s(label|placeholder|title|aria-label|description|nothingFoundMessage|alt)=(?:"([^"]*)"|'([^']*)'|\{\s*(['"`])((?:(?!\4).)*)\4\s*\})/g
    // Text between a tag's end and the next tag; {expressions} in it are taken out.
    const jsxText = />([^<>]*)</g
    for (const file of files.filter((f) => f.path.endsWith('.tsx'))) {
      const code = stripComments(file.text)
      for (const m of code.matchAll(attribute)) {
        const value = m[2] ?? m[3] ?? m[5] ?? ''
        if (HAS_WORDS.test(value) && !UNTRANSLATABLE.has(value.trim()) && !value.includes('${')) found.push(`${file.path}:${line(code, m.index)} ${m[1]}="${value}"`)
      }
      for (const m of code.matchAll(jsxText)) {
        let text = m[1]
        for (let before = ''; before !== text; ) {
          before = text
          text = text.replace(/\{[^{}]*\}/g, ' ')
        }
        text = text.trim()
        if (/[{}]/.test(text)) continue
        if (!text || !HAS_WORDS.test(text) || UNTRANSLATABLE.has(text)) continue
        // Type arguments and arrows (useState<A>(b), a => b < c) are code, not JSX text.
        if (/[()=;]|&&|\|\||\?\s|\?\.|\w\.\w|^\w+\??:\s*[\w.]+$|\bconst\b|\breturn\b/.test(text) && !/[\u3400-\u9fff]/.test(text)) continue
        if (UNTRANSLATABLE_TEXT.some((allowed) => allowed.test(text))) continue
        found.push(`${file.path}:${line(code, m.index)} >${text}<`)
      }
    }
    expect(found).toEqual([])
  })
})
