import { createRequire } from 'node:module'

// The app's version, from package.json's "version" — one number for the desktop app, serve mode,
// the API (auth.status, the OpenAPI document) and the installers. The build writes it in
// (electron-vite `define`, electron.vite.config.ts); tests and tsx scripts run from source and read
// package.json instead.

declare const __JIMU_VERSION__: string | undefined

export const VERSION: string =
  typeof __JIMU_VERSION__ === 'string' ? __JIMU_VERSION__ : (createRequire(__filename)('../package.json') as { version: string }).version
