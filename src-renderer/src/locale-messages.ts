import type { Locale } from '@shared/locales/locale-list'

// The messages of one language, loaded when it is needed: the first screen fetches only the
// language it shows (a phone on the office Wi-Fi does not download and evaluate the other, about
// half of the message tables), and switching language loads the other first (setLocale awaits it).
// Every namespace file of the language's folder is part of it, the same files the server merges
// in src-main/shared/locales/index.ts (test/unit/renderer/locale-messages.test.ts keeps them equal).
// electron.vite.config.ts puts each language's files into one chunk.

type Namespace = Record<string, Record<string, string>>

// The unit tests' typecheck (tsconfig.node / tsconfig.e2e) knows only the eager form of
// import.meta.glob that src-main/apps/bundled.ts declares; the renderer's (vite/client) knows
// this lazy one. Vite needs the literal call, so the other programs are told to look away.
const NAMESPACES: Record<Locale, Record<string, () => Promise<Namespace>>> = {
  // @ts-ignore -- typed by vite/client in the renderer's build (see above)
  'zh-CN': import.meta.glob<Namespace>('@shared/locales/zh-CN/*.ts'),
  // @ts-ignore -- typed by vite/client in the renderer's build (see above)
  en: import.meta.glob<Namespace>('@shared/locales/en/*.ts')
}

const loaded = new Map<Locale, Promise<Record<string, string>>>()

/** All messages of a language (each namespace's exported table merged), fetched once. */
export function loadMessages(locale: Locale): Promise<Record<string, string>> {
  let promise = loaded.get(locale)
  if (!promise) {
    promise = Promise.all(Object.keys(NAMESPACES[locale]).sort().map((path) => NAMESPACES[locale][path]!())).then((modules) =>
      Object.assign({}, ...modules.flatMap((m) => Object.values(m)))
    )
    // A failed fetch (the host went away for a moment) is tried again next time.
    promise.catch(() => loaded.delete(locale))
    loaded.set(locale, promise)
  }
  return promise
}
