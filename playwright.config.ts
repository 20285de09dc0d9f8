import { defineConfig } from '@playwright/test'

// End-to-end tests drive Debian's Chromium against `serve` mode (see test/e2e/fixtures.ts).
// Electron smoke tests live in test/electron and skip where the Electron binary is missing.
export default defineConfig({
  testDir: 'test',
  testMatch: ['e2e/**/*.spec.ts', 'electron/**/*.spec.ts'],
  outputDir: 'test-results/playwright',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  use: {
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    screenshot: 'only-on-failure'
  }
})
