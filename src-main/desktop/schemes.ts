// The desktop window's custom schemes, in one place (the protocol handlers, the link guards and
// the Content Security Policy all name them).

/** Attachments: jimu-file://files/<hash> (over HTTP the same files are /files/<hash>). */
export const FILE_SCHEME = 'jimu-file'
