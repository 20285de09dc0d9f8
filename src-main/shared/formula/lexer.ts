// Splits formula source into tokens, one at a time, so the first problem in source order is the
// one reported. Chinese input methods type full-width punctuation （），＋ etc.; those are read
// as their ASCII forms everywhere except inside text literals and field labels.

import { FormulaSyntaxError, type BinaryOp } from './types'

export type Token =
  | { kind: 'number'; value: number; start: number; end: number }
  | { kind: 'string'; value: string; start: number; end: number }
  | { kind: 'ref'; name: string; sub?: string; start: number; end: number }
  | { kind: 'ident'; name: string; start: number; end: number }
  | { kind: 'op'; op: BinaryOp | '%'; start: number; end: number }
  | { kind: '(' | ')' | ',' | 'eof'; start: number; end: number }

const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y
// Function names are ASCII, but a Chinese word is read as a name too, so that a field label
// typed without braces gets the 'use braces' hint instead of 'unexpected character'.
const IDENT = /[\p{L}_][\p{L}\p{N}_.]*/uy
const TWO_CHAR_OPS: Record<string, BinaryOp> = { '<>': '<>', '!=': '<>', '<=': '<=', '>=': '>=' }
const ONE_CHAR_OPS = new Set(['+', '-', '*', '/', '^', '%', '&', '=', '<', '>'])

/** Full-width ASCII (U+FF01–U+FF5E) and the ideographic space, as ASCII; length-preserving. */
function halfWidth(src: string): string {
  return src.replace(/[\uff01-\uff5e\u3000]/g, (c) =>
    c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)
  )
}

export class Lexer {
  /** Same length as `src`, so offsets are shared; used for structure, `src` for content. */
  private readonly norm: string
  private pos = 0

  constructor(private readonly src: string) {
    this.norm = halfWidth(src)
    this.skipSpace()
    // Excel habit: a formula typed as "=A+B".
    if (this.norm[this.pos] === '=') this.pos++
  }

  next(): Token {
    this.skipSpace()
    const start = this.pos
    if (start >= this.norm.length) return { kind: 'eof', start, end: start }
    const c = this.norm[start]
    const original = this.src[start]

    if (original === '“') return this.readChineseString()
    if (c === '"') return this.readString()
    if (c === '{') return this.readRef()

    NUMBER.lastIndex = start
    const num = NUMBER.exec(this.norm)
    if (num) return this.token({ kind: 'number', value: Number(num[0]) }, num[0].length)

    IDENT.lastIndex = start
    const ident = IDENT.exec(this.norm)
    if (ident) return this.token({ kind: 'ident', name: ident[0] }, ident[0].length)

    const two = TWO_CHAR_OPS[this.norm.slice(start, start + 2)]
    if (two) return this.token({ kind: 'op', op: two }, 2)
    if (ONE_CHAR_OPS.has(c)) return this.token({ kind: 'op', op: c as BinaryOp | '%' }, 1)
    if (c === '(' || c === ')' || c === ',') return this.token({ kind: c }, 1)

    throw new FormulaSyntaxError('formula.unexpectedCharacter', start, { char: original })
  }

  private token<T extends Omit<Token, 'start' | 'end'>>(t: T, length: number): T & { start: number; end: number } {
    const start = this.pos
    this.pos += length
    return { ...t, start, end: this.pos }
  }

  private skipSpace(): void {
    while (this.pos < this.norm.length && /\s/.test(this.norm[this.pos])) this.pos++
  }

  /** "…" with "" (Excel) or \" for a quote and \\ for a backslash. */
  private readString(): Token {
    const start = this.pos
    const quote = this.src[start]; // '"' or its full-width twin; the string must close with the same
    let value = ''
    let i = start + 1
    for (;;) {
      if (i >= this.src.length) throw new FormulaSyntaxError('formula.unclosedString', start)
      const ch = this.src[i]
      if (ch === '\\' && (this.src[i + 1] === quote || this.src[i + 1] === '\\')) {
        value += this.src[i + 1]
        i += 2
      } else if (ch === quote) {
        if (this.src[i + 1] !== quote) break
        value += quote
        i += 2
      } else {
        value += ch
        i++
      }
    }
    this.pos = i + 1
    return { kind: 'string', value, start, end: this.pos }
  }

  /** “…” as typed by a Chinese input method; no escapes. */
  private readChineseString(): Token {
    const start = this.pos
    const close = this.src.indexOf('”', start + 1)
    if (close < 0) throw new FormulaSyntaxError('formula.unclosedString', start)
    this.pos = close + 1
    return { kind: 'string', value: this.src.slice(start + 1, close), start, end: this.pos }
  }

  /**
   * {label} or {label.column}. The first unescaped "." separates the sub-table (or relation)
   * from its column; a backslash makes the next character literal, for labels containing
   * "." or "}" (see formatRef). Surrounding spaces are not part of a label.
   */
  private readRef(): Token {
    const start = this.pos
    const parts: string[] = ['']
    let i = start + 1
    for (;;) {
      if (i >= this.src.length) throw new FormulaSyntaxError('formula.unclosedBrace', start)
      if (this.norm[i] === '}') break
      if (this.src[i] === '\\' && i + 1 < this.src.length) {
        parts[parts.length - 1] += this.src[i + 1]
        i += 2
        continue
      }
      if (this.src[i] === '.' && parts.length === 1) parts.push('')
      else parts[parts.length - 1] += this.src[i]
      i++
    }
    this.pos = i + 1
    const [name, sub] = parts.map((p) => p.trim())
    if (name === '' || sub === '') throw new FormulaSyntaxError('formula.emptyField', start)
    return sub === undefined
      ? { kind: 'ref', name, start, end: this.pos }
      : { kind: 'ref', name, sub, start, end: this.pos }
  }
}

/** The source text of a reference, escaping what the lexer would otherwise read as syntax. */
export function formatRef(name: string, sub?: string): string {
  const esc = (s: string): string => s.replace(/[\\}｝.]/g, (c) => `\\${c}`)
  return sub === undefined ? `{${esc(name)}}` : `{${esc(name)}.${esc(sub)}}`
}
