// Attachments: the content-addressed file store, the content types the server decides, and the
// one decision of who may download a file (used by the HTTP route and the desktop protocol).
export { AttachmentStore, type AttachmentBlob, type StoredFile } from './store'
export { sniffMime, servedInline } from './content-type'
export { answerFileRequest, authorizeDownload, parseFileRef, type FileRef, type FileAnswer, type DownloadDeps } from './downloads'
export { desktopFileResponse } from './desktop'
export { mayAttach, type AttachDeps } from './attach'
