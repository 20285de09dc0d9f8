import { createHash } from 'node:crypto'
import { translate, type Locale } from '../shared/locales'
import type { PublicDefinition } from './service'
import type { SurveyDefinition } from './survey'
import { HONEYPOT } from './permission'

// The public page as plain HTML: no script at all (the CSP allows none), one inline style sheet
// allowed by its hash, the form posting to its own URL. It shows only what the definition holds —
// the published fields' labels and options — and works from 320 px up.

const CSS = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f3f5f8;color:#1f2430}
main{max-width:560px;margin:0 auto;padding:24px 16px 40px}
.card{background:#fff;border-radius:12px;padding:24px 20px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.logo{display:block;max-height:56px;max-width:200px;margin:0 0 12px}
h1{font-size:22px;margin:0 0 8px}.intro{color:#555;margin:0 0 16px;white-space:pre-wrap}
label{display:block;font-weight:600;margin:16px 0 6px}.req{color:#e03131;margin-left:4px}
input[type=text],input[type=tel],input[type=email],input[type=number],input[type=date],select,textarea{width:100%;font:inherit;padding:10px 12px;border:1px solid #ced4da;border-radius:8px;background:#fff}
textarea{min-height:96px;resize:vertical}.choice{display:flex;align-items:center;gap:8px;font-weight:400;margin:6px 0}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
button{margin-top:24px;width:100%;font:inherit;font-weight:600;padding:12px;border:0;border-radius:8px;background:#1c7ed6;color:#fff}
.error{background:#fff5f5;border:1px solid #ffc9c9;color:#c92a2a;border-radius:8px;padding:10px 12px;margin:0 0 12px}
.field-error{color:#c92a2a;font-size:14px;margin-top:4px}.done{text-align:center;padding:32px 8px}
footer{text-align:center;color:#999;font-size:12px;margin-top:16px}
.scores{display:flex;gap:8px;flex-wrap:wrap}.scores label{margin:0;font-weight:400;flex:1;min-width:48px}.scores input{position:absolute;opacity:0}.scores span{display:block;text-align:center;padding:10px 0;border:1px solid #ced4da;border-radius:8px;font-size:18px}.scores input:checked+span{background:#1c7ed6;border-color:#1c7ed6;color:#fff}.scores input:focus-visible+span{outline:2px solid #1c7ed6;outline-offset:2px}
`

/** The CSP source for the page's one style sheet. */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(CSS).digest('base64')}'`

export const PAGE_CSP = ["default-src 'none'", `style-src ${STYLE_HASH}`, "img-src 'self'", "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'"].join('; ')

const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

function shell(locale: Locale, title: string, body: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${esc(title)}</title><style>${CSS}</style></head><body><main>${body}<footer>${esc(translate(locale, 'publicforms.poweredBy'))}</footer></main></body></html>`
}

const INPUT_TYPE: Record<string, string> = { phone: 'tel', email: 'email', number: 'number', amount: 'number', date: 'date' }

export interface PageState {
  /** Values the visitor entered (after a refused submission), by field key. */
  values?: Record<string, string[]>
  /** Hidden values from the link's parameters, by field key. */
  hidden: Record<string, string>
  error?: { message: string; field?: string }
  logo: boolean
}

export function formPage(locale: Locale, def: PublicDefinition, state: PageState): string {
  const value = (key: string) => state.values?.[key] ?? []
  const fields = def.fields.map((f) => {
    const id = `f_${esc(f.key)}`
    const name = esc(f.key)
    const req = f.required ? ' required' : ''
    const mark = f.required ? `<span class="req" aria-label="${esc(translate(locale, 'publicforms.required'))}">*</span>` : ''
    const first = value(f.key)[0] ?? ''
    let control: string
    if (f.type === 'select') {
      control = `<select id="${id}" name="${name}"${req}><option value="">${esc(translate(locale, 'publicforms.choose'))}</option>${f.options.map((o) => `<option${o === first ? ' selected' : ''}>${esc(o)}</option>`).join('')}</select>`
    } else if (f.type === 'multiselect') {
      control = f.options.map((o) => `<label class="choice"><input type="checkbox" name="${name}" value="${esc(o)}"${value(f.key).includes(o) ? ' checked' : ''}>${esc(o)}</label>`).join('')
    } else if (f.type === 'textarea') {
      control = `<textarea id="${id}" name="${name}" maxlength="5000"${req}>${esc(first)}</textarea>`
    } else {
      const step = f.type === 'number' || f.type === 'amount' ? ' step="any"' : ''
      control = `<input id="${id}" name="${name}" type="${INPUT_TYPE[f.type] ?? 'text'}" maxlength="500" value="${esc(first)}"${step}${req}>`
    }
    const fieldError = state.error?.field === f.key ? `<div class="field-error" role="alert">${esc(state.error.message)}</div>` : ''
    return `<label for="${id}">${esc(f.label)}${mark}</label>${control}${fieldError}`
  })
  const hidden = def.hidden.map((h) => `<input type="hidden" name="${esc(h.key)}" value="${esc(state.hidden[h.key] ?? '')}">`)
  const honeypot = `<div class="hp" aria-hidden="true"><label for="hp">Website</label><input id="hp" type="text" name="${HONEYPOT}" tabindex="-1" autocomplete="off"></div>`
  const error = state.error ? `<div class="error" role="alert" data-testid="public-form-error">${esc(state.error.message)}</div>` : ''
  const logo = state.logo ? `<img class="logo" src="/p/${esc(def.token)}/logo" alt="">` : ''
  const body = `<div class="card">${logo}<h1>${esc(def.title)}</h1>${def.intro ? `<p class="intro">${esc(def.intro)}</p>` : ''}${error}<form method="post" action="/p/${esc(def.token)}" accept-charset="utf-8">${fields.join('')}${hidden.join('')}${honeypot}<button type="submit">${esc(translate(locale, 'publicforms.submit'))}</button></form></div>`
  return shell(locale, def.title, body)
}

export function thanksPage(locale: Locale, def: PublicDefinition, logo: boolean): string {
  const img = logo ? `<img class="logo" src="/p/${esc(def.token)}/logo" alt="">` : ''
  return shell(locale, def.title, `<div class="card done" data-testid="public-form-thanks">${img}<h1>${esc(def.title)}</h1><p class="intro">${esc(def.thanks)}</p></div>`)
}

/** An unpublished form, an unknown link, or a refusal that has no form to show. */
export function messagePage(locale: Locale, title: string, text: string): string {
  return shell(locale, title, `<div class="card done" data-testid="public-form-message"><h1>${esc(title)}</h1><p class="intro">${esc(text)}</p></div>`)
}

/** 满意度回访: a score from 1 to 5 and a comment, for one record. */
export function surveyPage(locale: Locale, def: SurveyDefinition, error?: string): string {
  const title = translate(locale, 'publicforms.survey.title')
  const scores = [1, 2, 3, 4, 5].map((n) => `<label><input type="radio" name="score" value="${n}" required aria-label="${esc(translate(locale, 'publicforms.survey.scoreN', { n }))}"><span>${n}</span></label>`).join('')
  const comment = def.withComment ? `<label for="comment">${esc(translate(locale, 'publicforms.survey.comment'))}</label><textarea id="comment" name="comment" maxlength="2000"></textarea>` : ''
  const err = error ? `<div class="error" role="alert" data-testid="public-form-error">${esc(error)}</div>` : ''
  const body = `<div class="card"><h1>${esc(title)}</h1><p class="intro">${esc(translate(locale, 'publicforms.survey.intro', { subject: def.subject }))}</p>${err}<form method="post" action="/p/${esc(def.token)}" accept-charset="utf-8"><label>${esc(translate(locale, 'publicforms.survey.score'))}<span class="req">*</span></label><div class="scores">${scores}</div>${comment}<button type="submit">${esc(translate(locale, 'publicforms.submit'))}</button></form></div>`
  return shell(locale, title, body)
}
