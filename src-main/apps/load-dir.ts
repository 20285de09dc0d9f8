import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageFromFiles, type LoadedPackage } from './package'

/** Read an app package folder (forms.json + section files) from disk: scripts and exports. */
export function loadAppDir(dir: string): LoadedPackage {
  const files: Record<string, unknown> = {}
  for (const name of readdirSync(dir)) if (name.endsWith('.json')) files[name] = JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown
  return packageFromFiles(files)
}
