import { NotFoundError } from '../shared/errors'
import { packageFromFiles, type LoadedPackage } from './package'

// The apps shipped in `resources/apps/<app>/*.json`, compiled into the main bundle by Vite (and
// read the same way by vitest), so the desktop app and serve mode need no resource path at run
// time. Scripts run by tsx read the folder with `loadAppDir` instead (src-main/apps/load-dir.ts).

declare global {
  interface ImportMeta {
    glob<T = unknown>(pattern: string, options: { eager: true; import: 'default' }): Record<string, T>
  }
}

const FILES = import.meta.glob('../../resources/apps/*/*.json', { eager: true, import: 'default' })

/** API keys (folder names) of the bundled apps. */
export function bundledAppKeys(): string[] {
  return [...new Set(Object.keys(FILES).map((p) => p.split('/').at(-2)!))].sort()
}

/** A bundled app's package; its sections are those of the engines registered now. */
export function bundledApp(key: string): LoadedPackage {
  const files: Record<string, unknown> = {}
  for (const [path, content] of Object.entries(FILES)) {
    const parts = path.split('/')
    if (parts.at(-2) === key) files[parts.at(-1)!] = content
  }
  if (!files['forms.json']) throw new NotFoundError('crm.app.notFound', { app: key })
  return packageFromFiles(files)
}
