import type { Locale } from '../shared/locales'

/** Who is calling. Every read and write carries one; the system actor is used by the engine itself. */
export interface Actor {
  id: number
  name: string
  isAdmin: boolean
  locale: Locale
}

export const SYSTEM_ACTOR: Actor = { id: 0, name: 'system', isAdmin: true, locale: 'zh-CN' }
