// The phone UI (src-renderer/src/components/mobile): record cards, designers left to the computer,
// follow-ups, call and map links.
export const mobile: Record<string, string> = {
  'mobile.cards.loadFailed': 'Could not load the records',
  'mobile.desktopOnly.title': 'Please use a computer for this',
  'mobile.desktopOnly.body': 'The designers need a larger screen and a mouse. On a phone you can view and edit records, handle to-dos, open dashboards and log follow-ups.',
  'mobile.followUp.write': 'Log follow-up',
  'mobile.contact.call': 'Call',
  'mobile.contact.map': 'Map'
}
