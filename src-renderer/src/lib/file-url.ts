// Where an uploaded file is shown from: over HTTP the server serves /files/<hash> (signed-in users
// only); inside Electron the main process answers jimu-file://files/<hash>.
const inDesktop = typeof window !== 'undefined' && Boolean(window.jimu)

export const attachmentUrl = (hash: string) => (inDesktop ? `jimu-file://files/${hash}` : `/files/${hash}`)
