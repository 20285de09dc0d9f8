// Desktop notifications belong to the person at this PC. Rules write notifications for many users
// (a manager's reminder, a rep's new lead); the desktop shell shows natively only those of the users
// signed in on this PC, and leaves the others unshown (they stay in each user's bell, and that
// user's own desktop shows them when they sign in there).

export interface DesktopNotification {
  id: number
  userId: number
  title: string
  body: string
  formId: number | null
  recordId: number | null
}

/** The core's side: resolve a session, and take (mark shown) the given users' pending desktop notifications. */
export interface NotificationSource {
  resolve(token: string): { user: { id: number } } | null
  takeDesktop(limit: number, userIds: readonly number[]): DesktopNotification[]
}

/** The users signed in on this PC: the sessions the IPC transport holds, still valid. */
export function signedInUserIds(tokens: readonly string[], source: Pick<NotificationSource, 'resolve'>): number[] {
  const ids = new Set<number>()
  for (const token of tokens) {
    const principal = source.resolve(token)
    if (principal) ids.add(principal.user.id)
  }
  return [...ids]
}

/** The notifications to show now; nothing is taken while nobody is signed in. */
export function takeNotificationsForThisPc(tokens: readonly string[], source: NotificationSource, limit = 20): DesktopNotification[] {
  const users = signedInUserIds(tokens, source)
  if (users.length === 0) return []
  return source.takeDesktop(limit, users)
}

/** The in-app route a click on a notification opens (hash routing in the renderer). */
export function notificationRoute(n: Pick<DesktopNotification, 'formId' | 'recordId'>): string | null {
  return n.formId !== null && n.recordId !== null ? `#/forms/${n.formId}/records/${n.recordId}` : null
}
