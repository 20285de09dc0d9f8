import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

// One version number: package.json's, written into the main build (desktop app and serve mode
// report it through auth.status and the OpenAPI document; src-main/version.ts).
const { version } = JSON.parse(readFileSync(resolve(__dirname, 'package.json'), 'utf8')) as { version: string }

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
    plugins: [react()],
    build: {
      // Minified: the same bundle is served to phones and other PCs over the LAN.
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } }
    }
  }
})
