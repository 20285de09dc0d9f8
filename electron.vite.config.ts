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
              { name: 'shared', test: /src-main[\\/]shared[\\/](api|locales|field-types|errors)/, priority: 10 }
            ]
          }
        }
      }
    }
  }
})
