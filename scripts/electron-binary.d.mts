// Types of scripts/electron-binary.mjs (plain JavaScript, so `npm start` runs on any supported Node).

export type Located = { found: true; path: string; source: 'override' | 'installed' } | { found: false; reason: 'override-missing' | 'not-installed'; expected: string }

export function platformExecutable(platform: string): string
export function locateElectron(options: {
  electronDir: string
  version: string
  env: Record<string, string | undefined>
  platform: string
  exists: (path: string) => boolean
  readFile: (path: string) => string
}): Located
export function nextStep(located: Located, state: { installTried: boolean }): { action: 'run'; path: string } | { action: 'install' } | { action: 'explain' }
export function localeFromEnv(env: Record<string, string | undefined>): 'zh-CN' | 'en'
export function missingElectronMessage(options: {
  locale: 'zh-CN' | 'en'
  located: Extract<Located, { found: false }>
  version: string
  platform: string
  arch: string
  installError: string | null
}): string
export function installErrorLine(output: string): string | null
