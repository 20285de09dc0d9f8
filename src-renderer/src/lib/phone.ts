import { useMediaQuery } from '@mantine/hooks'

/**
 * Below Mantine's `sm` breakpoint (48em, 768 px): a phone, held either way. The shell's
 * navigation collapses into the burger drawer at the same width (AppShell breakpoint 'sm').
 */
export const PHONE_QUERY = '(max-width: 47.99em)'

/**
 * Whether the window is phone-sized. Read synchronously on the first render, so a phone never
 * renders (and fetches for) the desktop table before it switches to cards.
 */
export function usePhone(): boolean {
  return useMediaQuery(PHONE_QUERY, typeof window !== 'undefined' && window.matchMedia(PHONE_QUERY).matches, { getInitialValueInEffect: false })
}
