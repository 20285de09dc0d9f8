// `npm start` / `npm run dev`: make sure the Electron binary is there, then run electron-vite
// (preview: build and run; dev: hot reload) with that binary. Where it cannot be had, say so in
// a few translated lines and exit 1 — see scripts/electron-binary.mjs.
//   node scripts/start.mjs preview|dev [electron-vite options]
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { installErrorLine, locateElectron, localeFromEnv, missingElectronMessage, nextStep } from './electron-binary.mjs'

const require = createRequire(import.meta.url)
const [mode = 'preview', ...rest] = process.argv.slice(2)
const electronDir = dirname(require.resolve('electron/package.json'))
const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'))

const locate = () =>
  locateElectron({ electronDir, version, env: process.env, platform: process.platform, exists: existsSync, readFile: (file) => readFileSync(file, 'utf8') })

let located = locate()
let installError = null
let step = nextStep(located, { installTried: false })
if (step.action === 'install') {
  // The electron package's own install step: downloads (or takes from its cache) the binary for
  // this platform and writes path.txt. It honours ELECTRON_MIRROR and electron_config_cache.
  process.stdout.write(localeFromEnv(process.env) === 'en' ? `Getting Electron ${version}…\n` : `正在获取 Electron ${version}……\n`)
  const install = spawnSync(process.execPath, [join(electronDir, 'install.js')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  if (install.status !== 0) installError = installErrorLine(`${install.stderr}\n${install.stdout}`) ?? `exit ${install.status}`
  located = locate()
  step = nextStep(located, { installTried: true })
}
if (step.action !== 'run') {
  console.error(missingElectronMessage({ locale: localeFromEnv(process.env), located, version, platform: process.platform, arch: process.arch, installError }))
  process.exit(1)
}

const cli = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js')
const child = spawn(process.execPath, [cli, mode, ...rest], { stdio: 'inherit', env: { ...process.env, ELECTRON_EXEC_PATH: step.path } })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
