import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIELD_TYPES } from '@shared/field-types'
import { FORMULA_FUNCTIONS } from '@shared/formula'
import { designer as en } from '@shared/locales/en/designer'
import { designer as zh } from '@shared/locales/zh-CN/designer'
import { messages } from '@shared/locales'

const ROOTS = ['src-renderer/src/components/designer', 'src-renderer/src/pages/DesignerPage.tsx', 'src-renderer/src/pages/NewFormPage.tsx']

function sources(): string[] {
  const out: string[] = []
  for (const root of ROOTS) {
    if (root.endsWith('.tsx') || root.endsWith('.ts')) out.push(readFileSync(root, 'utf8'))
    else for (const name of readdirSync(root)) if (/\.tsx?$/.test(name)) out.push(readFileSync(join(root, name), 'utf8'))
  }
  return out
}

describe('designer strings', () => {
  it('exist in both languages with the same keys and placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort())
    for (const key of Object.keys(zh) as Array<keyof typeof zh>) {
      const params = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort()
      expect(params(en[key]), key).toEqual(params(zh[key]))
    }
  })

  it('name every field type and formula category', () => {
    for (const type of FIELD_TYPES) {
      // A field type's names may live in its own namespace (richtext): look in all of them.
      expect(messages['zh-CN'][`designer.type.${type}`], type).toBeTruthy()
      expect(messages['zh-CN'][`designer.typeHelp.${type}`], type).toBeTruthy()
      expect(messages.en[`designer.type.${type}`], type).toBeTruthy()
    }
    for (const category of new Set(FORMULA_FUNCTIONS.map((f) => f.category))) expect(zh[`designer.formula.category.${category}` as keyof typeof zh]).toBeTruthy()
  })

  it('every literal designer key the code uses is defined', () => {
    const used = new Set(sources().flatMap((src) => [...src.matchAll(/['`](designer\.[A-Za-z0-9_.]+)['`]/g)].map((m) => m[1])))
    for (const key of used) expect(messages['zh-CN'][key], key).toBeTruthy()
  })
})
