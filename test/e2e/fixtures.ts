import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test as base, chromium, expect, type Browser, type Page } from '@playwright/test'

// End-to-end tests run the real headless server (`npm run build` first) on a fresh data
// directory per test, and drive Debian's Chromium against it, as a user on the LAN would.

// JIMU_SERVE points at another build (a copy of out/ inside the checkout) when several builds run side by side.
const SERVE = resolve(process.env.JIMU_SERVE ?? 'out/main/serve.js')
const CHROMIUM = process.env.JIMU_CHROMIUM ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update']
const READY = /Jimu CRM serving at (http:\/\/\S+)/

export interface JimuServer {
  url: string
  dataDir: string
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolvePort(port))
    })
  })
}

/** Starts `serve` and resolves with its URL once it prints the ready line. */
function startServer(dataDir: string, port: number): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolveStart, reject) => {
    const child = spawn(process.execPath, [SERVE, '--data', dataDir, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`serve did not start within 30 s:\n${output}`))
    }, 30_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const ready = READY.exec(output)
      if (ready) {
        clearTimeout(timer)
        resolveStart({ url: ready[1], child })
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`serve exited with code ${code} before it was ready:\n${output}`))
    })
  })
}

function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve()
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(force)
      done()
    })
    child.kill('SIGTERM')
  })
}

export const test = base.extend<{ server: JimuServer }, { browser: Browser; sharedServerName: string; sharedServer: JimuServer }>({
  browser: [
    // oxlint-disable-next-line no-empty-pattern -- Playwright fixtures must destructure their first argument
    async ({}, use) => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
      await use(browser)
      await browser.close()
    },
    { scope: 'worker' }
  ],
  // oxlint-disable-next-line no-empty-pattern -- Playwright fixtures must destructure their first argument
  server: async ({}, use) => {
    if (!existsSync(SERVE)) throw new Error(`${SERVE} is missing: run \`npm run build\` before the e2e tests`)
    const dataDir = mkdtempSync(join(tmpdir(), 'jimu-e2e-'))
    const { url, child } = await startServer(dataDir, await freePort())
    try {
      await use({ url, dataDir })
    } finally {
      await stopServer(child)
      rmSync(dataDir, { recursive: true, force: true })
    }
  },
  /**
   * Names the spec's shared server. A worker-scoped option: a spec that sets its own name with
   * `test.use({ sharedServerName })` gets its own worker, so no spec ever sees another spec's data
   * (one worker otherwise keeps its worker fixtures from one spec file to the next).
   */
  sharedServerName: ['', { scope: 'worker', option: true }],
  /** One server for every test of a spec whose tests walk the same data, in order. */
  sharedServer: [
    async ({ sharedServerName }, use) => {
      if (!sharedServerName) throw new Error('a spec that uses sharedServer names it: test.use({ sharedServerName: "<spec>" })')
      if (!existsSync(SERVE)) throw new Error(`${SERVE} is missing: run \`npm run build\` before the e2e tests`)
      const dataDir = mkdtempSync(join(tmpdir(), 'jimu-e2e-'))
      const { url, child } = await startServer(dataDir, await freePort())
      try {
        await use({ url, dataDir })
      } finally {
        await stopServer(child)
        rmSync(dataDir, { recursive: true, force: true })
      }
    },
    { scope: 'worker' }
  ],
  baseURL: async ({ server }, use) => {
    await use(server.url)
  }
})

export { expect }

/**
 * Calls the API with the page's session cookie, for set-up the UI cannot do yet (the form
 * designer comes later). Fails the test with the server's error when the call fails.
 */
export async function rpc<T = unknown>(page: Page, method: string, input: unknown = {}): Promise<T> {
  const response = await page.request.post(`/rpc/${method}`, { data: input })
  const body = (await response.json()) as { ok: boolean; data?: T; error?: unknown }
  expect(body.ok, `${method} failed: ${JSON.stringify(body.error)}`).toBe(true)
  return body.data as T
}

export interface Person {
  name: string
  login: string
  password: string
}

/** Creates the administrator through the first-run call; the page's context holds their session. */
export async function setUpAdmin(page: Page, admin: Person): Promise<void> {
  await rpc(page, 'auth.setup', { name: admin.name, login: admin.login, password: admin.password })
}

/**
 * Creates the administrator and opens the app shell as them. With the sales app it goes through
 * the first-run screen as a user would (its 安装销售应用 box); without, the same call the screen
 * makes (auth.setup) sets the session, which spares each spec a walk through a screen
 * first-run.spec covers (about 3 s a test). The first load may be slow on a busy machine (the
 * bundle is large), hence the longer wait.
 */
export async function createAdmin(page: Page, admin: Person, options: { salesApp?: boolean } = {}): Promise<void> {
  if (!options.salesApp) {
    await setUpAdmin(page, admin)
    await page.goto('/')
    await expect(page.getByTestId('user-menu')).toContainText(admin.name, { timeout: 20_000 })
    return
  }
  await page.goto('/')
  await expect(page.getByRole('heading', { name: '欢迎使用积木 CRM' })).toBeVisible({ timeout: 20_000 })
  await page.getByLabel('姓名').fill(admin.name)
  await page.getByLabel('登录名').fill(admin.login)
  await page.getByLabel('密码', { exact: true }).fill(admin.password)
  await page.getByLabel('确认密码').fill(admin.password)
  await page.getByRole('button', { name: '创建管理员并登录' }).click()
  await expect(page.getByTestId('user-menu')).toContainText(admin.name)
}

/** The administrator and the sales app with its sample data (one user per role, password demo12345), on a shared server. */
export async function sampleOffice(browser: Browser, url: string, admin: Person): Promise<void> {
  const context = await browser.newContext({ baseURL: url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  await createAdmin(page, admin)
  await rpc(page, 'crm.install', { sampleData: true, seed: 11 })
  await context.close()
}

/** Signs in through the sign-in page on this page (its context without a session). */
export async function signInHere(page: Page, who: { login: string; password: string }): Promise<void> {
  await page.goto('/')
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible({ timeout: 20_000 })
  await page.getByLabel('登录名').fill(who.login)
  await page.getByLabel('密码', { exact: true }).fill(who.password)
  await page.getByRole('button', { name: '登录' }).click()
  await expect(page.getByTestId('user-menu')).toBeVisible({ timeout: 20_000 })
}

/** Signs in through the sign-in page, in a browser context of its own (desktop size unless told). */
export async function signInAs(browser: Browser, url: string, who: { login: string; password: string }, viewport = { width: 1440, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ baseURL: url, viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  await signInHere(page, who)
  return page
}
