// Files out of the app: saved through the browser's download (works in Electron's renderer and on
// the LAN alike), and files in: read as base64, the way the API carries them.

const MIME: Record<string, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv;charset=utf-8',
  json: 'application/json',
  png: 'image/png'
}

/** Save a URL (an object URL or a data: URL) under a file name. */
export function downloadUrl(filename: string, url: string): void {
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.style.display = 'none'
  document.body.append(a)
  a.click()
  a.remove()
}

export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  downloadUrl(filename, url)
  // Revoked a moment later: some browsers start the download asynchronously.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export function downloadText(filename: string, text: string, mime: string): void {
  downloadBlob(filename, new Blob([text], { type: mime }))
}

/** Save a file the API returned as base64 (an exported workbook); the type follows the extension unless given. */
export function downloadBase64(filename: string, base64: string, mime?: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
  const ext = filename.slice(filename.lastIndexOf('.') + 1).toLowerCase()
  downloadBlob(filename, new Blob([bytes], { type: mime ?? MIME[ext] ?? 'application/octet-stream' }))
}

/** A chosen file's bytes as base64 (without the data: prefix), for an upload through the API. */
export function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(reader.error ?? new Error(file.name))
    reader.readAsDataURL(file)
  })
}
