import { useCallback, useEffect, useState } from 'react'
import { OfficeBanner } from '../components/lan/OfficeBanner'
import { Button, Center, Loader, Stack, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useTranslation } from 'react-i18next'
import type { MethodOutput } from '@shared/api/contracts'
import { api, errorMessage, onUnauthenticated, takeArrived } from '../api/client'
import { clearCache } from '../lib/cache'
import { notifyError, notifySuccess } from '../lib/notify'
import { LoginPage } from '../pages/LoginPage'
import { LazyPage, preloadShell, PrintPage, SetupPage, Shell } from './lazy-pages'
import { usePrintRoute } from '../pages/print/print-route'

export type User = MethodOutput<'auth.me'>

type Session =
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  | { kind: 'setup'; version: string }
  | { kind: 'login'; version?: string; expired?: boolean }
  | { kind: 'ready'; version?: string; user: User }

function sessionOf(status: MethodOutput<'system.status'>): Session {
  if (status.needsSetup) return { kind: 'setup', version: status.version }
  if (!status.user) return { kind: 'login', version: status.version }
  return { kind: 'ready', version: status.version, user: status.user }
}

/** What the first screen is comes from system.status: first run, login, or the app. */
export function App() {
  const { t } = useTranslation()
  // The answer sent for at start (lib/first-screen.ts), when it is in: the first render is the
  // screen itself, not the loading one.
  const [session, setSession] = useState<Session>(() => {
    const status = takeArrived('system.status')
    return status ? sessionOf(status) : { kind: 'loading' }
  })
  const printRoute = usePrintRoute()

  const load = useCallback(async () => {
    setSession({ kind: 'loading' })
    try {
      setSession(sessionOf(await api.system.status()))
    } catch (error) {
      setSession({ kind: 'failed', message: errorMessage(error) })
    }
  }, [])

  const [startedLoading] = useState(() => session.kind === 'loading')
  useEffect(() => {
    if (startedLoading) void load()
  }, [load, startedLoading])

  // The window's calls now go elsewhere (paired with the office host, disconnected, or the host is back).
  const reloadAfterSwitch = useCallback(() => {
    clearCache()
    notifications.clean()
    void load()
  }, [load])

  // Once the sign-in or first-run page is up, the app behind it loads in the background.
  useEffect(() => {
    if (session.kind === 'login' || session.kind === 'setup') preloadShell()
  }, [session.kind])

  // Any call that finds the session gone (expired, or ended in another window) lands here.
  useEffect(
    () =>
      onUnauthenticated(() => {
        clearCache()
        notifications.clean()
        setSession((s) => (s.kind === 'ready' ? { kind: 'login', version: s.version, expired: true } : s))
      }),
    []
  )

  const signedIn = (user: User, version?: string) => {
    clearCache()
    notifications.clean()
    setSession({ kind: 'ready', user, version })
  }

  const logout = async () => {
    const version = session.kind === 'ready' ? session.version : undefined
    try {
      await api.auth.logout()
      notifySuccess(t('shell.loggedOut'))
    } catch (error) {
      notifyError(error)
    }
    clearCache()
    setSession({ kind: 'login', version })
  }

  // After 退出所有设备 this session is gone too: back to the login screen, saying why.
  const signedOutEverywhere = () => {
    const version = session.kind === 'ready' ? session.version : undefined
    clearCache()
    notifications.clean()
    notifySuccess(t('settings.signedOutEverywhere'))
    setSession({ kind: 'login', version })
  }

  const screen = (() => {
  switch (session.kind) {
    case 'loading':
      return (
        <Center h="100vh">
          <Stack align="center" gap="xs">
            <Loader />
            <Text c="dimmed" size="sm">
              {t('app.loading')}
            </Text>
          </Stack>
        </Center>
      )
    case 'failed':
      return (
        <Center h="100vh">
          <Stack align="center" gap="sm">
            <Text fw={600}>{t('app.startFailed')}</Text>
            <Text c="dimmed" size="sm">
              {session.message}
            </Text>
            <Button variant="light" onClick={() => void load()}>
              {t('app.retry')}
            </Button>
          </Stack>
        </Center>
      )
    case 'setup':
      return (
        <LazyPage h="100vh">
          <SetupPage version={session.version} onDone={(user) => signedIn(user, session.version)} onRestored={() => void load()} />
        </LazyPage>
      )
    case 'login':
      return <LoginPage version={session.version} expired={session.expired} onDone={(user) => signedIn(user, session.version)} />
    case 'ready': {
      // The print view is the sheet alone, outside the shell (the browser prints it, the desktop app makes a PDF of it).
      if (printRoute)
        return (
          <LazyPage h="100vh">
            <PrintPage key={`${printRoute.formId}/${printRoute.recordId}/${printRoute.document?.hash ?? ""}`} route={printRoute} userName={session.user.name} />
          </LazyPage>
        )
      return (
        <LazyPage h="100vh">
          <Shell user={session.user} onLogout={logout} onSignedOutEverywhere={signedOutEverywhere} onRestored={() => void load()} />
        </LazyPage>
      )
    }
  }
  })()
  // A desktop PC connected to the office host: the connection's state, above every screen.
  return (
    <>
      <OfficeBanner onSwitched={reloadAfterSwitch} />
      {screen}
    </>
  )
}
