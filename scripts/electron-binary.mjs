// Where the Electron binary is, and what `npm start` says when it is not there. Plain Node with no
// side effects: scripts/start.mjs does the spawning; test/unit/desktop/start-script.test.ts checks
// these decisions.
//
// Since Electron 42 the `electron` package no longer downloads its binary at `npm install`: its
// own bin (cli.js → index.js) runs install.js on first use. electron-vite does not go through that
// bin — it reads node_modules/electron/path.txt and fails with "Electron uninstall" when the file
// is missing. So `npm start` finds (or installs) the binary first and hands electron-vite its path
// in ELECTRON_EXEC_PATH, which electron-vite honours.

import { join } from 'node:path'

/** The executable inside an unpacked Electron, as the electron package's install.js names it. */
export function platformExecutable(platform) {
  switch (platform) {
    case 'darwin':
    case 'mas':
      return 'Electron.app/Contents/MacOS/Electron'
    case 'win32':
      return 'electron.exe'
    default:
      return 'electron'
  }
}

/**
 * Find the binary. ELECTRON_OVERRIDE_DIST_PATH (an unpacked Electron folder) wins, as it does for
 * the electron package itself; otherwise node_modules/electron/dist, when path.txt names it and
 * dist/version is the package's version.
 */
export function locateElectron({ electronDir, version, env, platform, exists, readFile }) {
  const executable = platformExecutable(platform)
  const override = env.ELECTRON_OVERRIDE_DIST_PATH
  if (override) {
    const path = join(override, executable)
    return exists(path) ? { found: true, path, source: 'override' } : { found: false, reason: 'override-missing', expected: path }
  }
  const expected = join(electronDir, 'dist', executable)
  const read = (file) => {
    try {
      return readFile(join(electronDir, file)).trim()
    } catch {
      return null
    }
  }
  const named = read('path.txt')
  const installedVersion = read(join('dist', 'version'))
  if (named !== null && exists(join(electronDir, 'dist', named)) && (installedVersion === null || installedVersion.replace(/^v/, '') === version)) {
    return { found: true, path: join(electronDir, 'dist', named), source: 'installed' }
  }
  return { found: false, reason: 'not-installed', expected }
}

/** What to do next: run it, try the electron package's own install step, or explain and stop. */
export function nextStep(located, { installTried }) {
  if (located.found) return { action: 'run', path: located.path }
  // A folder the user pointed at is not replaced by a download.
  if (located.reason === 'override-missing' || installTried) return { action: 'explain' }
  return { action: 'install' }
}

/** zh-CN unless the environment's language is English (LC_ALL, LC_MESSAGES, LANG, as gettext reads them). */
export function localeFromEnv(env) {
  const lang = env.LC_ALL || env.LC_MESSAGES || env.LANG || ''
  return /^en/i.test(lang) ? 'en' : 'zh-CN'
}

/** The short message `npm start` prints when the binary cannot be had: what, how to get it, the alternative. */
export function missingElectronMessage({ locale, located, version, platform, arch, installError }) {
  const zip = `electron-v${version}-${platform}-${arch}.zip`
  const mirror = 'ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/'
  if (locale === 'en') {
    return [
      `Cannot start the desktop app: the Electron ${version} program is missing (${located.expected}).`,
      located.reason === 'override-missing'
        ? `ELECTRON_OVERRIDE_DIST_PATH points at a folder without it.`
        : `Electron is downloaded on first start, and the download failed here${installError ? ` (${installError})` : ''}.`,
      'To get it:',
      `  - with network access, run npm start again (a mirror can be set, e.g. ${mirror});`,
      `  - or unpack ${zip} and set ELECTRON_OVERRIDE_DIST_PATH to that folder, then run npm start.`,
      'The same app runs in a browser without Electron: npm run serve (then open http://127.0.0.1:5170).'
    ].join('\n')
  }
  return [
    `无法启动桌面应用：缺少 Electron ${version} 程序（${located.expected}）。`,
    located.reason === 'override-missing'
      ? 'ELECTRON_OVERRIDE_DIST_PATH 指向的文件夹里没有这个程序。'
      : `Electron 在第一次启动时从网络下载，这台电脑下载失败${installError ? `（${installError}）` : ''}。`,
    '获取方法：',
    `  - 联网后重新运行 npm start（可使用镜像，例如 ${mirror}）；`,
    `  - 或解压 ${zip}，把 ELECTRON_OVERRIDE_DIST_PATH 设为解压后的文件夹，再运行 npm start。`,
    '不用 Electron，同一个应用也可以在浏览器中运行：npm run serve（然后打开 http://127.0.0.1:5170）。'
  ].join('\n')
}

/** The one line worth showing from a failed install.js run (it prints a whole stack). */
export function installErrorLine(output) {
  const lines = String(output).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at ') && !/^Downloading/i.test(l))
  return lines.length > 0 ? lines[0].slice(0, 200) : null
}
