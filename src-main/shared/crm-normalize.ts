// How the duplicate check compares customers; shared so the new-record form can show the same
// verdict the server gives. Pure functions, no Node or DOM.

import { parsePhone } from './values'

const LEGAL_SUFFIXES = ['股份有限公司', '有限责任公司', '有限公司', '集团公司', '公司']
const BRACKETS = /[()（）[\]【】{}〔〕〈〉《》<>「」『』]/g

/**
 * A company name reduced to what identifies it: full-width characters made half-width (NFKC),
 * letters lower-cased, spaces, brackets and punctuation removed, and the legal form at the end
 * (股份有限公司, 有限责任公司, 有限公司, 集团公司, 公司) dropped. 「杭州 青禾科技（有限公司）」 and
 * 「杭州青禾科技有限公司」 and 「杭州青禾科技」 are one company.
 */
export function normalizeCompanyName(name: string): string {
  let s = name.normalize('NFKC').toLowerCase().replace(BRACKETS, '').replace(/[\s\u3000.,，。·、'"“”‘’\-_]/g, '')
  for (let changed = true; changed;) {
    changed = false
    for (const suffix of LEGAL_SUFFIXES) {
      if (s.length > suffix.length && s.endsWith(suffix)) {
        s = s.slice(0, -suffix.length)
        changed = true
      }
    }
  }
  return s
}

/** Digits only, without the +86 / 0086 country code: 「+86 138-0013-8000」 → 13800138000. */
export function normalizePhone(phone: string): string {
  // A phone is stored as typed: its display form first (+86 571 8888 6666 → 0571-88886666).
  const parsed = parsePhone(phone)
  let d = (parsed.ok ? parsed.value : phone).normalize('NFKC').replace(/\D/g, '')
  if (d.startsWith('0086')) d = d.slice(4)
  else if (d.startsWith('86') && d.length === 13) d = d.slice(2)
  return d
}
