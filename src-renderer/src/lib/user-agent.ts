// A short name for the device a session was signed in from, from its User-Agent header:
// "Chrome · Windows", "积木 CRM 桌面版 · macOS". The full string stays available as a tooltip.

export interface DeviceName {
  app: string | null
  os: string | null
}

export function describeClient(ua: string | null): DeviceName {
  if (!ua) return { app: null, os: null }
  const app = /Electron\//.test(ua)
    ? 'desktop'
    : /Edg\//.test(ua)
      ? 'Edge'
      : /MicroMessenger/i.test(ua)
        ? 'WeChat'
        : /Firefox\//.test(ua)
          ? 'Firefox'
          : /(Chrome|Chromium|CriOS)\//.test(ua)
            ? 'Chrome'
            : /Safari\//.test(ua)
              ? 'Safari'
              : /curl|python|node|axios|okhttp|Go-http/i.test(ua)
                ? 'script'
                : null
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /iPhone|iPad|iPod/.test(ua)
      ? 'iOS'
      : /Android/.test(ua)
        ? 'Android'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : null
  return { app, os }
}
