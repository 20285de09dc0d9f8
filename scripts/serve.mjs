// `npm run serve -- --data <dir> --port <n>`: build (renderer + core) then run the headless server.
import { spawnSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'

const args = process.argv.slice(2)
if (!args.includes('--data')) args.push('--data', '.data')
if (!process.env.JIMU_SKIP_BUILD || !existsSync('out/main/serve.js')) {
  const build = spawnSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['electron-vite', 'build'], { stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}
const child = spawn(process.execPath, ['out/main/serve.js', ...args], { stdio: 'inherit' })
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code) => process.exit(code ?? 0))
