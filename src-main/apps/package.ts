import { appSection } from './sections'
import { parsePackage } from './installer'
import type { AppPackage } from './definition'

// An app package on disk or in the bundle is a folder of JSON files: `forms.json` holds the app
// definition (app, forms, fields, layouts, views); every other `<section>.json` holds the items of
// the engine section registered under that key (flows.json, rules.json, dashboards.json, …).

export interface LoadedPackage {
  pkg: AppPackage
  /** Files of sections no engine has registered (left out, named so nothing is dropped silently). */
  ignored: string[]
}

/** Build a package from file name → parsed JSON. */
export function packageFromFiles(files: Record<string, unknown>): LoadedPackage {
  const app = files['forms.json']
  const sections: Record<string, unknown> = {}
  const ignored: string[] = []
  for (const [name, content] of Object.entries(files)) {
    if (name === 'forms.json' || !name.endsWith('.json')) continue
    const key = name.slice(0, -'.json'.length)
    if (appSection(key)) sections[key] = Array.isArray(content) ? content : ((content as { items?: unknown })?.items ?? content)
    else ignored.push(name)
  }
  return { pkg: parsePackage({ app, sections }), ignored }
}
