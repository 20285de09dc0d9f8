import { describe, expect, it } from 'vitest'
import { messages } from '../../../src-main/shared/locales'

// Each language reads as itself: the English UI holds no Chinese characters or full-width
// punctuation, and the Chinese UI no English words but product names, units, formats and the
// technical tokens a user types (file types, protocols, keys). A new English word in a Chinese
// message fails here: translate it, or add it below when it really is a name users see as such.

/** Messages that name the other language in its own script (the language switch). */
// Keys whose English text must quote Chinese: the language's own name, and the placeholder formats
// (大写, 金额, 日期, 数字) and company tokens (公司.名称) a Word template is written with.
const EN_OWN_SCRIPT = new Set(['language.zh-CN', 'palette.switchLanguage', 'lan.page.otherLanguage', 'documents.error.unknownFilter', 'documents.templates.help'])

/** CJK ideographs, CJK punctuation (、。「」【】《》) and full-width forms (，：；（）！？). */
const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]/

/** Words allowed in Chinese messages: names, units, formats, protocols and what users type. */
const ZH_ALLOWED = new Set([
  // product and file names, formats, units
  'CRM', 'Excel', 'CSV', 'csv', 'xlsx', 'xls', 'JSON', 'json', 'PDF', 'UTF-8', 'GBK', 'MB', 'Logo', 'jimu-app.json', 'English', 'PNG', 'JPEG', 'SVG', 'WebP', 'zip', 'Electron', 'NUL', 'Word', 'docx',
  // a field's API key a survey needs (满意度回访)
  'csatScore',
  // storage: U盘, NAS, USB, drive letters and folder examples (E:\\, /Volumes), a backup file name
  'U', 'NAS', 'USB', 'E', 'Volumes', 'IP', 'jimu-20240305-123000-scheduled.db',
  // an English spreadsheet header as an example (close_date)
  'close', 'date',
  // protocols and technical names
  'API', 'REST', 'HTTP', 'http', 'https', 'POST', 'SMTP', 'SSL', 'TLS', 'Webhook', 'Authorization', 'Bearer', 'Cookie', 'application',
  'ID', 'npm', 'better-sqlite3', 'install', 'run', 'serve', 'now', 'admin', 'SEC',
  // keys, formula functions, date tokens, examples
  'Ctrl+Z', 'Ctrl+Shift+Z', 'Enter', 'Esc', 'Delete', 'SUM', 'TODAY', 'YYYY', 'MM', 'DD', 'M', 'D', 'N', 'v', 'HK', 'TA',
  'HT-20260101-001', 'smtp.exmail.qq.com', 'example.com', 'crm', 'title',
  // the office network: what the phone's and PC's own settings screens say (CA 证书), and the file to pick
  'HTTPS', 'SHA-256', 'CA', 'iPhone', 'iPad', 'Safari', 'Android', 'Windows', 'office-ca.crt',
  // DingTalk / WeCom: the names their developer consoles show for what the administrator copies in
  'AppKey', 'AgentId', 'CorpID', 'Secret', 'userid'
])

const zh = messages['zh-CN']
const en = messages.en

/** The words of a message, leaving out {{placeholders}} and addresses. */
function englishWords(text: string): string[] {
  return [...text.replace(/\{\{\w+\}\}/g, ' ').replace(/https?:\/\/\S+/g, ' ').matchAll(/[A-Za-z][A-Za-z0-9.+-]*/g)].map((m) => m[0].replace(/[.-]+$/, ''))
}

describe('each language reads as itself', () => {
  it('English messages hold no Chinese characters or full-width punctuation', () => {
    const found = Object.entries(en).filter(([key, text]) => !EN_OWN_SCRIPT.has(key) && CJK.test(text)).map(([key, text]) => `${key}: ${text}`)
    expect(found).toEqual([])
  })

  it('Chinese messages hold no English words but the allowed names and tokens', () => {
    const found = Object.entries(zh).flatMap(([key, text]) => englishWords(text).filter((w) => !ZH_ALLOWED.has(w)).map((w) => `${key}: ${w}`))
    expect(found).toEqual([])
  })

  it('no message shows a raw message key', () => {
    const keyLike = /(^|[\s(])(error|ui|common|flows|rules|record|views|designer|reports|transfer)\.[a-z]\w*(\.\w+)*($|[\s)])/
    const found = Object.entries({ ...zh, ...Object.fromEntries(Object.entries(en).map(([k, v]) => [`en:${k}`, v])) })
      .filter(([, text]) => keyLike.test(text))
      .map(([key, text]) => `${key}: ${text}`)
    expect(found).toEqual([])
  })

  it('the checks themselves catch what they are for', () => {
    expect(CJK.test('Ifconditions match，then')).toBe(true)
    expect(CJK.test('Customer “A” (Mar 2, 2026)')).toBe(false)
    expect(englishWords('保存 {{name}} 的 record').filter((w) => !ZH_ALLOWED.has(w))).toEqual(['record'])
  })
})
