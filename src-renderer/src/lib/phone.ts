import { useMediaQuery } from '@mantine/hooks'
import { PHONE_QUERY } from './phone-query'

export { PHONE_QUERY }

/**
 * Whether the window is phone-sized. Read synchronously on the first render, so a phone never
 * renders (and fetches for) the desktop table before it switches to cards.
 */
export function usePhone(): boolean {
  return useMediaQuery(PHONE_QUERY, typeof window !== 'undefined' && window.matchMedia(PHONE_QUERY).matches, { getInitialValueInEffect: false })
}
