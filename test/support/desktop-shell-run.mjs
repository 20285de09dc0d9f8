// Loads test/support/desktop-shell.ts through Vite's SSR loader: the core uses import.meta.glob
// (bundled apps), which only Vite resolves. Used by test/e2e/lan.spec.ts.
import { readFileSync } from 'node:fs'
import { createServer } from 'vite'

// The sources assume CommonJS's __filename (version.ts) where the build defines the version instead.
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
const vite = await createServer({ define: { __JIMU_VERSION__: JSON.stringify(pkg.version) }, server: { middlewareMode: true, hmr: false, ws: false }, appType: 'custom', configFile: false, logLevel: 'error', resolve: { alias: { '@shared': new URL('../../src-main/shared', import.meta.url).pathname } } })
const shell = await vite.ssrLoadModule('/test/support/desktop-shell.ts')
await shell.main()
