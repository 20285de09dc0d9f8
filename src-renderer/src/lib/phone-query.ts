/**
 * Below Mantine's `sm` breakpoint (48em, 768 px): a phone, held either way. The shell's
 * navigation collapses into the burger drawer at the same width (AppShell breakpoint 'sm').
 * A module of its own: the page's first script (src/early.ts) reads it without Mantine.
 */
export const PHONE_QUERY = '(max-width: 47.99em)'
