// The UI languages, without their messages: the renderer's first screen imports these and then
// loads the one language it shows (src-renderer/src/locale-messages.ts); the server imports
// everything from ./index.
export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'zh-CN'
