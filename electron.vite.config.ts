import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import react from '@vitejs/plugin-react'

// One version number: package.json's, written into the main build (desktop app and serve mode
// report it through auth.status and the OpenAPI document; src-main/version.ts).
const { version } = JSON.parse(readFileSync(resolve(__dirname, 'package.json'), 'utf8')) as { version: string }

/**
 * Writes `x.js.br` (brotli 11) and `x.js.gz` beside each text file of the renderer build, once, at
 * build time: the LAN host (serve mode, 局域网共享) then sends them as they are
 * (src-main/api/compression.ts) instead of compressing each file in every server process — a
 * phone's first screen costs the host no CPU, and the best ratio costs nobody a wait.
 */
function precompress(): Plugin {
  const TEXT = /\.(js|css|html|svg|json|txt)$/
  return {
    name: 'jimu-precompress',
    apply: 'build',
    async writeBundle(options) {
      const dir = options.dir
      if (!dir) return
      const files: string[] = []
      const walk = (d: string): void => {
        for (const name of readdirSync(d)) {
          const path = join(d, name)
          if (statSync(path).isDirectory()) walk(path)
          else if (TEXT.test(name) && statSync(path).size >= 1024) files.push(path)
        }
      }
      walk(dir)
      const br = promisify(brotliCompress)
      const gz = promisify(gzip)
      await Promise.all(files.map(async (file) => {
        const body = readFileSync(file)
        const [b, g] = await Promise.all([
          br(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } }),
          gz(body, { level: 9 })
        ])
        writeFileSync(`${file}.br`, b)
        writeFileSync(`${file}.gz`, g)
      }))
    }
  }
}

/**
 * The page's first script (src-renderer/src/early.ts: the first screen's requests by plain fetch)
 * bundled on its own by esbuild as a classic script and put first in index.html, async: it runs
 * as soon as it has arrived. A module script would wait behind the app's modules being compiled
 * (on a phone it ran some 600 ms after it had arrived); it imports the same small modules as the
 * app (the request list, the cards' first request), bundled into it.
 */
function earlyScript(): Plugin {
  const entry = resolve(__dirname, 'src-renderer/src/early.ts')
  let fileName = ''
  return {
    name: 'jimu-early-script',
    apply: 'build',
    async buildStart() {
      const { build } = await import('esbuild')
      const out = await build({
        entryPoints: [entry],
        bundle: true,
        format: 'iife',
        platform: 'browser',
        target: 'es2022',
        minify: true,
        write: false,
        alias: { '@shared': resolve(__dirname, 'src-main/shared') }
      })
      const code = out.outputFiles[0]!.text
      fileName = `assets/early-${createHash('sha256').update(code).digest('hex').slice(0, 10)}.js`
      this.emitFile({ type: 'asset', fileName, source: code })
    },
    transformIndexHtml: {
      order: 'post',
      handler: () => (fileName ? [{ tag: 'script', attrs: { async: true, src: `./${fileName}` }, injectTo: 'head-prepend' }] : [])
    }
  }
}

/**
 * The shell's chunk: every module the shell (src-renderer/src/app/Shell.tsx) imports statically —
 * the form list, the cards, the record drawer, the field renderers — that the entry does not
 * already hold and no library group claims, in one chunk instead of some thirty small ones shared
 * with the lazy pages (each request costs a phone's main thread, and the shell waited for the
 * last of them). The lazy pages, all inside the shell, import from it what they share.
 */
function shellChunk(): { plugin: Plugin; test(id: string): boolean } {
  const SHELL = resolve(__dirname, 'src-renderer/src/app/Shell.tsx')
  const ENTRY = resolve(__dirname, 'src-renderer/src/main.tsx')
  const shell = new Set<string>()
  const entry = new Set<string>()
  return {
    plugin: {
      name: 'jimu-shell-chunk',
      apply: 'build',
      buildEnd() {
        const walk = (from: string, into: Set<string>) => {
          const stack = [from]
          while (stack.length) {
            const id = stack.pop()!
            if (into.has(id)) continue
            into.add(id)
            for (const next of this.getModuleInfo(id)?.importedIds ?? []) stack.push(next)
          }
        }
        walk(ENTRY, entry)
        walk(SHELL, shell)
      }
    },
    test: (id) => shell.has(id) && !entry.has(id)
  }
}
const shell = shellChunk()

// Three builds: the main process (Electron shell + the headless serve entry, which share the
// core), the preload bridge, and the renderer. `out/main/serve.js` runs in plain Node.
export default defineConfig({
  main: {
    define: { __JIMU_VERSION__: JSON.stringify(version) },
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/app/main.ts'),
          serve: resolve(__dirname, 'src-main/serve.ts'),
          cli: resolve(__dirname, 'src-main/cli.ts'),
          // The import worker thread (src-main/transfer/worker-client.ts loads it by this name).
          'transfer-worker': resolve(__dirname, 'src-main/transfer/worker.ts')
        }
      }
    }
  },
  preload: {
    build: {
      externalizeDeps: true,
      rollupOptions: { input: { index: resolve(__dirname, 'src-preload/index.ts') } }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    resolve: { alias: { '@shared': resolve(__dirname, 'src-main/shared') } },
    plugins: [react(), precompress(), shell.plugin, earlyScript()],
    build: {
      // Minified: the same bundle is served to phones and other PCs over the LAN.
      minify: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-renderer/index.html') },
        // Pages and heavy designers are split by route (src-renderer/src/app/lazy-pages.tsx); the
        // libraries every screen needs are kept in a few long-lived chunks rather than a hundred
        // tiny ones (a phone on Wi-Fi pays per request). The heavy libraries (recharts, @xyflow,
        // dnd-kit, react-grid-layout) stay in the chunks of the pages that use them.
        output: {
          codeSplitting: {
            groups: [
              { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|i18next|react-i18next|dayjs)[\\/]/, priority: 30 },
              { name: 'mantine', test: /node_modules[\\/](@mantine[\\/](core|hooks|notifications)|@floating-ui|react-remove-scroll|react-number-format|react-textarea-autosize|clsx|tabbable)/, priority: 20 },
              { name: 'icons', test: /node_modules[\\/]@tabler[\\/]icons-react[\\/]/, priority: 20 },
              // The contracts (every rpc's schemas, built when the chunk is evaluated) only for the
              // pages that validate with them: the first screen imports their types alone; zod (also
              // the field settings' schemas, shared/field-config.ts) goes with the pages that use it.
              { name: 'zod', test: /node_modules[\\/]zod[\\/]/, priority: 20 },
              { name: 'contracts', test: /src-main[\\/]shared[\\/]api[\\/]/, priority: 10 },
              // One chunk per language: the first screen loads the one it shows (src-renderer/src/locale-messages.ts).
              { name: 'locale-zh-CN', test: /src-main[\\/]shared[\\/]locales[\\/]zh-CN[\\/]/, priority: 25 },
              { name: 'locale-en', test: /src-main[\\/]shared[\\/]locales[\\/]en[\\/]/, priority: 25 },
              { name: 'shared', test: /src-main[\\/]shared[\\/](locales[\\/]locale-list|field-types|errors)/, priority: 15 },
              { name: 'shell', test: shell.test, priority: 5, includeDependenciesRecursively: false }
            ]
          }
        }
      }
    }
  }
})
