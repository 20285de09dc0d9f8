// Live changes: the event stream and the open record changed by someone else.
export const live: Record<string, string> = {
  'live.changedTitle': 'Someone else just changed this record',
  'live.changedFields': '{{who}} changed {{fields}} {{when}}',
  'live.changed': '{{who}} changed this record {{when}}',
  'live.someone': 'Someone',
  'live.separator': ', ',
  'live.justNow': 'just now',
  'live.reload': 'Reload',
  'live.keepMine': 'Keep mine',
  'live.full': 'The server has no room for more live connections; try again shortly'
}
