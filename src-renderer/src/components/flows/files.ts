import { api } from '../../api/client'

// Attachments of approval comments: uploaded first (stored once per content hash), then named in
// the action. Over HTTP the server serves /files/<hash>; the desktop app answers jimu-file://.

export interface FileRef {
  hash: string
  name: string
}

function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(reader.error ?? new Error(file.name))
    reader.readAsDataURL(file)
  })
}

export async function uploadFiles(files: File[]): Promise<FileRef[]> {
  const out: FileRef[] = []
  for (const file of files) {
    const meta = await api.attachments.upload({ name: file.name, mime: file.type || 'application/octet-stream', data: await toBase64(file) })
    out.push({ hash: meta.hash, name: meta.name })
  }
  return out
}

export const fileUrl = (hash: string): string => (typeof window !== 'undefined' && window.jimu ? `jimu-file://files/${hash}` : `/files/${hash}`)
