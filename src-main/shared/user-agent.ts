// A browser's User-Agent header as a person reads it ("Chrome · Windows"), for the audit log's
// sign-in entries: the raw header is a paragraph of version numbers nobody can use. Names only —
// browsers and systems are proper names in every language.

const BROWSERS: Array<[RegExp, string]> = [
  [/\bjimu-crm\b|\bElectron\//i, 'Jimu CRM'],
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bMicroMessenger\//, 'WeChat'],
  [/\bDingTalk\//i, 'DingTalk'],
  [/\b(?:OPR|Opera)\//, 'Opera'],
  [/\bFirefox\//, 'Firefox'],
  [/\b(?:HeadlessChrome|Chrome|CriOS|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari']
]
const SYSTEMS: Array<[RegExp, string]> = [
  [/\bAndroid\b/, 'Android'],
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bLinux\b/, 'Linux']
]

/** "Chrome · Windows"; only what is recognised; the header itself when nothing is (an API client names itself). */
export function describeClient(userAgent: string): string {
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1]
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1]
  const parts = [browser, system].filter((p): p is string => Boolean(p))
  return parts.length ? parts.join(' · ') : userAgent.slice(0, 60)
}
