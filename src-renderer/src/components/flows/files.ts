import { api } from '../../api/client'
import { readBase64 } from '../../lib/download'

// Attachments of approval comments: uploaded first (stored once per content hash), then named in
// the action. Over HTTP the server serves /files/<hash>; the desktop app answers jimu-file://.

export interface FileRef {
  hash: string
  name: string
}

export async function uploadFiles(files: File[]): Promise<FileRef[]> {
  const out: FileRef[] = []
  for (const file of files) {
    const meta = await api.attachments.upload({ name: file.name, mime: file.type || 'application/octet-stream', data: await readBase64(file) })
    out.push({ hash: meta.hash, name: meta.name })
  }
  return out
}

export const fileUrl = (hash: string): string => (typeof window !== 'undefined' && window.jimu ? `jimu-file://files/${hash}` : `/files/${hash}`)
