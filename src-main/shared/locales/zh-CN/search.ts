// Global search (Ctrl+K): the per-form "more" and the line naming the field that matched.
export const search: Record<string, string> = {
  'search.more': '更多{{form}}…',
  'search.matchIn': '{{field}}：'
}
