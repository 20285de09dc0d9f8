import { Center, EmptyState } from '@mantine/core'
import { IconDeviceDesktop } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { Route } from '../../lib/route'

// The designers (form, flow, rule, role matrix, new form) need a mouse and a wide screen; on a
// phone they say so politely instead of breaking, and their chunks are never fetched there.

/** Whether a route opens a designer that stays on the computer. */
export function desktopOnlyRoute(route: Route): boolean {
  return route.design === true || Boolean(route.newFormAppId) || route.section === 'flows' || route.section === 'rules' || route.section === 'roles'
}

export function DesktopOnly() {
  const { t } = useTranslation()
  return (
    <Center h="60vh" px="md">
      <EmptyState data-testid="desktop-only" icon={<IconDeviceDesktop size={36} />} variant="light" title={t('mobile.desktopOnly.title')} description={t('mobile.desktopOnly.body')} />
    </Center>
  )
}
