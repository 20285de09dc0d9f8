import { describe, expect, it } from 'vitest'
import { contracts } from '@shared/api/contracts'
import { FIELD_CONFIG } from '@shared/field-config'
import { checkFormula, type FormulaType } from '@shared/formula'
import { LOCALES } from '@shared/locales'
import { FORM_TEMPLATES, instantiateTemplate } from '@shared/templates'

const fieldsSchema = contracts['forms.create'].input.shape.fields

const FORMULA_TYPES: Record<string, FormulaType> = { number: 'number', amount: 'number', percent: 'number', text: 'text', date: 'date', checkbox: 'boolean' }

describe('form templates', () => {
  it('have unique keys and API keys', () => {
    expect(new Set(FORM_TEMPLATES.map((t) => t.key)).size).toBe(FORM_TEMPLATES.length)
    expect(new Set(FORM_TEMPLATES.map((t) => t.apiKey)).size).toBe(FORM_TEMPLATES.length)
  })

  for (const template of FORM_TEMPLATES) {
    for (const locale of LOCALES) {
      it(`${template.key} (${locale}) is valid forms.create input with valid per-type config`, () => {
        const { fields, skipped } = instantiateTemplate(template, locale, () => 7)
        expect(skipped).toEqual([])
        const parsed = fieldsSchema.parse(fields)
        const labels = new Set<string>()
        const check = (list: typeof parsed) => {
          for (const f of list) {
            expect(FIELD_CONFIG[f.type].safeParse(f.config).success, `${f.label}: ${JSON.stringify(f.config)}`).toBe(true)
            if (f.children) check(f.children as typeof parsed)
          }
        }
        check(parsed)
        for (const f of parsed) {
          expect(labels.has(f.label), `duplicate label ${f.label}`).toBe(false)
          labels.add(f.label)
        }
        // Formulas read fields that exist, in this language (sub-table formulas read their siblings).
        const scopes = [parsed, ...parsed.filter((f) => f.children).map((f) => f.children as typeof parsed)]
        for (const scope of scopes) {
          for (const f of scope.filter((x) => x.type === 'formula')) {
            const resolve = (ref: { name: string }) => {
              const target = scope.find((x) => x.label === ref.name)
              return target ? { type: FORMULA_TYPES[target.type] ?? 'text' } : undefined
            }
            expect(() => checkFormula(String(f.config.expression), resolve), `${f.label}: ${String(f.config.expression)}`).not.toThrow()
          }
        }
      })
    }
  }

  it('leaves out relations when the app has no form to link to, and says which', () => {
    const contact = FORM_TEMPLATES.find((t) => t.key === 'contact')!
    const { fields, skipped } = instantiateTemplate(contact, 'zh-CN', () => null)
    expect(skipped).toEqual(['所属客户'])
    expect(fields.some((f) => f.type === 'relation')).toBe(false)
  })

  it('links relations to the form made from the named template', () => {
    const opportunity = FORM_TEMPLATES.find((t) => t.key === 'opportunity')!
    const { fields } = instantiateTemplate(opportunity, 'zh-CN', (key) => (key === 'customer' ? 12 : null))
    expect(fields.find((f) => f.type === 'relation')?.config).toEqual({ targetFormId: 12, multiple: false })
  })
})
