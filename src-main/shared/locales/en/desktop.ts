// The desktop shell and the process around the data folder: start-up, the folder lock, links.
export const desktop: Record<string, string> = {
  'desktop.startupFailed.title': 'Jimu CRM could not start',
  'desktop.startupFailed.body': '{{reason}}\n\nDetails were written to the log file: {{log}}',
  'desktop.startupFailed.noLog': '{{reason}}\n\nThe log file could not be written: {{detail}}',
  'desktop.nativeModule': 'The database component better-sqlite3 could not load in {{runtime}} ({{platform}}): {{detail}}. Reinstall Jimu CRM; in a development checkout run npm install.',
  'desktop.openExternal.title': 'Open an external link',
  'desktop.openExternal.message': 'Open this link in your browser or mail program?',
  'desktop.openExternal.open': 'Open',
  'desktop.openExternal.cancel': 'Cancel',
  'desktop.dataLocked.desktop': 'The data folder {{dir}} is in use by another Jimu CRM program: the desktop app (process {{pid}} on {{host}}, since {{since}}). One data folder can be opened by one program at a time: close that program first, or use another data folder.',
  'desktop.dataLocked.serve': 'The data folder {{dir}} is in use by another Jimu CRM program: the browser/LAN server npm run serve (process {{pid}} on {{host}}, since {{since}}). One data folder can be opened by one program at a time: close that program first, or use another data folder.',
  'desktop.dataLocked.cli': 'The data folder {{dir}} is in use by another Jimu CRM program: the backup/restore command (process {{pid}} on {{host}}, since {{since}}). One data folder can be opened by one program at a time: wait for it to finish, or use another data folder.',
  'desktop.dataLocked.unknown': 'The data folder {{dir}} is in use by another Jimu CRM program: an unknown program (process {{pid}} on {{host}}, since {{since}}). One data folder can be opened by one program at a time: close that program first, or use another data folder.'
}
