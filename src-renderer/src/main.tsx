import '@mantine/core/styles.css'
import '@mantine/dates/styles.css'
import '@mantine/notifications/styles.css'
import '@mantine/dropzone/styles.css'
import '@mantine/spotlight/styles.css'
import './app/global.css'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { I18nextProvider } from 'react-i18next'
import { localStorageColorSchemeManager, MantineProvider } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import { i18n, i18nReady } from './i18n'
import { theme } from './theme'
import { App } from './app/App'
import { PageErrorBoundary } from './app/PageError'
import { LocaleDates } from './app/LocaleDates'
import { startFirstScreen } from './lib/first-screen'

// Light, dark or the system's choice (the default), remembered on this computer.
const colorSchemeManager = localStorageColorSchemeManager({ key: 'jimu.colorScheme' })

// Applied before the first render, so a dark desktop does not flash white while the app starts.
try {
  const saved = localStorage.getItem('jimu.colorScheme')
  const dark = saved === 'dark' || (saved !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches)
  document.documentElement.setAttribute('data-mantine-color-scheme', dark ? 'dark' : 'light')
} catch {
  // Storage disabled: Mantine applies the system's choice on mount.
}

const root = document.getElementById('root')
if (!root) throw new Error('#root is missing from index.html')

// The first screen's requests (and the shell's chunk) are on their way while React starts.
const status = startFirstScreen()

/** How long the first render waits for system.status and, someone signed in, the shell's chunk (in by then, it draws the right screen at once; else the loading one). */
const STATUS_WAIT_MS = 1000

/**
 * The language's messages did not arrive (the connection dropped as the app started): said in
 * both languages, since neither's messages are here, with a button that loads the page again.
 */
function startFailed(into: HTMLElement): void {
  const box = document.createElement('div')
  box.dataset.testid = 'start-failed'
  box.style.cssText = 'min-height:100vh;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:12px;padding:16px;text-align:center;font-family:system-ui,sans-serif'
  for (const line of ['积木 CRM 没有加载下来，可能是网络刚刚断开了。', 'Jimu CRM did not load: the connection may have dropped.']) {
    const text = document.createElement('p')
    text.textContent = line
    text.style.margin = '0'
    box.append(text)
  }
  const button = document.createElement('button')
  button.type = 'button'
  button.textContent = '重新加载 / Reload'
  button.style.cssText = 'padding:8px 16px;font-size:15px;cursor:pointer'
  button.addEventListener('click', () => window.location.reload())
  box.append(button)
  into.replaceChildren(box)
}

// The language's messages come first (one small chunk), and who is signed in with the shell if that is quick.
Promise.all([i18nReady, Promise.race([status, new Promise((done) => setTimeout(done, STATUS_WAIT_MS))])]).then(
  () =>
    createRoot(root).render(
      <StrictMode>
        <I18nextProvider i18n={i18n}>
          <MantineProvider theme={theme} defaultColorScheme="auto" colorSchemeManager={colorSchemeManager}>
            <LocaleDates>
              <Notifications position="top-center" limit={4} />
              <PageErrorBoundary h="100vh">
                <App />
              </PageErrorBoundary>
            </LocaleDates>
          </MantineProvider>
        </I18nextProvider>
      </StrictMode>
    ),
  (error: unknown) => {
    console.error('The app could not start', error)
    startFailed(root)
  }
)
