import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { hostAllowed } from '../api/http'
import { pickLocale, translate, type Locale } from '../shared/locales'
import { caDer } from './ca'

// The plain-HTTP page a phone reaches from the QR code, before it trusts the office CA. It serves
// exactly two things: the page explaining how to install the certificate (with its fingerprint
// to compare) and the CA certificate itself. No API, no app, no file: everything else is 404, and
// the Host check of the HTTPS server applies here too.

export interface CertPageOptions {
  caPem: string
  fingerprint: string
  officeName: string
  /** The HTTPS addresses to open once the certificate is installed. */
  appUrls: () => string[]
  publicHosts?: string[]
}

const HEADERS = {
  'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

export function certPageHtml(locale: Locale, options: CertPageOptions): string {
  const t = (key: string, params: Record<string, string> = {}) => escape(translate(locale, key, params))
  const section = (platform: string) => `<h2>${t(`lan.page.${platform}.title`)}</h2><ol>${translate(locale, `lan.page.${platform}.steps`).split('|').map((s) => `<li>${escape(s)}</li>`).join('')}</ol>`
  const urls = options.appUrls().map((u) => `<li><code>${escape(u)}</code></li>`).join('')
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${t('lan.page.title')}</title>
<style>body{font:16px/1.6 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:40rem;margin:0 auto;padding:1rem;color:#222}code{word-break:break-all;background:#f3f3f3;padding:.1rem .3rem;border-radius:4px}a.button{display:inline-block;background:#1c7ed6;color:#fff;padding:.6rem 1rem;border-radius:6px;text-decoration:none}h2{font-size:1.1rem;margin-top:1.5rem}nav{text-align:right}</style></head>
<body><nav><a href="/?lang=${locale === 'en' ? 'zh-CN' : 'en'}">${t('lan.page.otherLanguage')}</a></nav><h1>${t('lan.page.title')}</h1><p>${t('lan.page.intro', { office: options.officeName })}</p>
<p>${t('lan.page.fingerprint')}</p><p><code id="fingerprint">${escape(options.fingerprint)}</code></p>
<p><a class="button" href="/office-ca.crt">${t('lan.page.download')}</a></p>
${section('ios')}${section('android')}${section('windows')}
<p>${t('lan.page.open')}</p><ul>${urls}</ul></body></html>`
}

export function createCertPageServer(options: CertPageOptions): Server {
  const hosts = new Set(options.publicHosts ?? [])
  const der = caDer(options.caPem)
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const plain = (status: number, text: string) => {
      res.writeHead(status, { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' })
      res.end(text)
    }
    if (!hostAllowed(req, 'http', hosts)) return plain(421, 'Misdirected request')
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(405, 'Method not allowed')
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === '/office-ca.crt') {
      res.writeHead(200, { ...HEADERS, 'content-type': 'application/x-x509-ca-cert', 'content-disposition': 'attachment; filename="office-ca.crt"', 'content-length': String(der.length) })
      res.end(req.method === 'HEAD' ? undefined : der)
      return
    }
    if (url.pathname !== '/') return plain(404, 'Not found')
    const lang = url.searchParams.get('lang')
    const locale: Locale = lang === 'en' || lang === 'zh-CN' ? lang : pickLocale(req.headers['accept-language'])
    res.writeHead(200, { ...HEADERS, 'content-type': 'text/html; charset=utf-8' })
    res.end(req.method === 'HEAD' ? undefined : certPageHtml(locale, options))
  })
}
