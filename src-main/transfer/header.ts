import type { Merge } from '../sheets/read-workbook'

// Header row detection. Chinese sheets often open with a title row ("2024年客户名单" merged across
// the table), a blank line or a note, and sometimes a two-level header ("联系方式" merged over
// 手机 and 邮箱; "序号" merged down over both header lines). The header is the first row, among
// the first ones, that is nearly as full of short text labels as the fullest such row; a header
// cell left empty by a merge takes the merged cell's text.

const LOOK_AHEAD = 20

export interface DetectedHeader {
  /** Index into the sheet's rows (not the file line). */
  index: number
  headers: string[]
}

function labelScore(row: readonly string[]): number {
  let n = 0
  for (const cell of row) {
    const v = cell.trim()
    if (v && [...v].length <= 40 && !/^[-+]?[\d.,，%￥¥$]+$/.test(v)) n++
  }
  return n
}

export function detectHeaderRow(rows: readonly string[][], lines: readonly number[] = [], merges: readonly Merge[] = []): number {
  const head = rows.slice(0, LOOK_AHEAD)
  if (!head.length) return 0
  const scores = head.map(labelScore)
  const best = Math.max(...scores)
  // A title row (one merged cell) never wins over a real header of several labels.
  let index = scores.findIndex((s) => s >= Math.max(1, Math.ceil(best * 0.8)))
  if (index < 0) return 0
  // A group row ("联系方式" merged over two columns) with labels under its merged cells: the
  // header is the row below, whose empty cells take the group row's vertical merges (序号).
  const line = lines[index] ?? index + 1
  const next = rows[index + 1]
  const groups = merges.filter((m) => m.top === line && m.bottom === line && m.right > m.left)
  if (next && groups.length && (lines[index + 1] ?? index + 2) === line + 1 && labelScore(next) >= 2 &&
      groups.every((m) => next.slice(m.left - 1, m.right).some((c) => c.trim() !== ''))) index++
  return index
}

/**
 * The column labels of the header at `index`: a cell empty because it is covered by a merged
 * range takes the range's text; repeated labels get a number so every column is addressable.
 */
export function headerLabels(rows: readonly string[][], lines: readonly number[], merges: readonly Merge[], index: number): string[] {
  const row = rows[index] ?? []
  const line = lines[index] ?? index + 1
  const width = Math.max(row.length, ...rows.slice(index, index + 50).map((r) => r.length))
  const byLine = new Map<number, readonly string[]>()
  rows.forEach((r, i) => { if (i <= index) byLine.set(lines[i] ?? i + 1, r) })
  const labels: string[] = []
  for (let c = 0; c < width; c++) {
    let label = (row[c] ?? '').trim()
    if (!label) {
      const merge = merges.find((m) => m.top <= line && m.bottom >= line && m.left <= c + 1 && m.right >= c + 1)
      if (merge) label = (byLine.get(merge.top)?.[merge.left - 1] ?? '').trim()
    }
    labels.push(label)
  }
  const seen = new Map<string, number>()
  return labels.map((raw, i) => {
    const base = raw || columnLetter(i)
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    return n === 1 ? base : `${base}(${n})`
  })
}

export function detectHeader(rows: readonly string[][], lines: readonly number[], merges: readonly Merge[]): DetectedHeader {
  const index = detectHeaderRow(rows, lines, merges)
  return { index, headers: headerLabels(rows, lines, merges, index) }
}

function columnLetter(i: number): string {
  let s = ''
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}
