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
  // Two spec files at a time: one test keeps a core of this 2-core machine about 85% busy (its
  // server, Chromium and Playwright), and CI must stay well under 20 minutes. Tests of one file
  // run in order in one worker; each test has its own server and data folder, or its spec names
  // its shared one (sharedServerName), so two workers never share data.
  workers: 2,
  reporter: [['list']],
  use: {
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    screenshot: 'only-on-failure'
  }
})
