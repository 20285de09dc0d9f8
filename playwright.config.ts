import { defineConfig } from '@playwright/test'

// End-to-end tests drive Debian's Chromium against `serve` mode (see test/e2e/fixtures.ts).
// Electron smoke tests live in test/electron and skip where the Electron binary is missing.
export default defineConfig({
  testDir: 'test',
  testMatch: ['e2e/**/*.spec.ts', 'electron/**/*.spec.ts'],
  outputDir: 'test-results/playwright',
  timeout: 60_000,
  // Waits are for states, never for time; signing in derives a scrypt key at OWASP cost (about a
  // quarter second alone, several seconds on a machine busy with other work), so a state may take
  // longer than Playwright's default 5 s to arrive.
  expect: { timeout: 15_000 },
  // One worker: a test keeps both cores of this machine busy (its server, Chromium's renderer,
  // GPU and browser processes); two workers made every test about twice as slow (measured), so
  // they gain nothing. Specs that share a server name it (sharedServerName) all the same.
  workers: 1,
  reporter: [['list']],
  use: {
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    screenshot: 'only-on-failure'
  }
})
