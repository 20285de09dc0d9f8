// An amount in Chinese capital numerals as written on quotes and invoices (大写金额):
// 12345.6 → 壹万贰仟叁佰肆拾伍元陆角整.

const DIGITS = '零壹贰叁肆伍陆柒捌玖'
const UNITS = ['', '拾', '佰', '仟']
const GROUPS = ['', '万', '亿', '万亿']

function section(n: number): string {
  let out = ''
  let zero = false
  for (let i = 3; i >= 0; i--) {
    const d = Math.floor(n / 10 ** i) % 10
    if (d === 0) {
      if (out) zero = true
      continue
    }
    if (zero) out += '零'
    zero = false
    out += DIGITS[d]! + UNITS[i]!
  }
  return out
}

export function chineseAmount(value: number): string {
  if (!Number.isFinite(value)) return ''
  const negative = value < 0
  const fen = Math.round(Math.abs(value) * 100)
  let yuan = Math.floor(fen / 100)
  const jiao = Math.floor(fen / 10) % 10
  const cent = fen % 10
  let integer = ''
  if (yuan === 0) integer = '零'
  else {
    const parts: number[] = []
    while (yuan > 0) {
      parts.unshift(yuan % 10000)
      yuan = Math.floor(yuan / 10000)
    }
    let needZero = false
    parts.forEach((p, i) => {
      const g = parts.length - 1 - i
      if (p === 0) {
        needZero = integer !== ''
        return
      }
      if (needZero || (integer && p < 1000)) integer += '零'
      integer += section(p) + GROUPS[g]!
      needZero = false
    })
  }
  let out = `${integer}元`
  if (jiao === 0 && cent === 0) out += '整'
  else {
    out += jiao ? `${DIGITS[jiao]}角` : '零'
    out += cent ? `${DIGITS[cent]}分` : '整'
  }
  return (negative ? '负' : '') + out
}
