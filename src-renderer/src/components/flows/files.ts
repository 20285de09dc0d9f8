import { api } from '../../api/client'
import { readBase64 } from '../../lib/download'

// Attachments of approval comments: uploaded first (stored once per content hash), then named in
// the action. They are fetched through the instance (fileUrl(hash, { flow: id }), lib/files.ts).

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
