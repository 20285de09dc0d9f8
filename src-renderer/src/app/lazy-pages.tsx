import { createElement, lazy, Suspense, type ComponentProps, type ReactNode } from 'react'
import { Center, Loader } from '@mantine/core'
import { PageErrorBoundary } from './PageError'

// Every page but the first screen (the sign-in page and a form's list) is its own chunk, fetched
// when its route opens: a phone on the office Wi-Fi downloads the flow canvas (@xyflow), the
// charts (recharts), the form and widget designers (dnd-kit, react-grid-layout) and the
// administration pages only when someone opens them. The budget is asserted by
// test/e2e/phone.spec.ts (JavaScript fetched before the first screen).

type ShellModule = typeof import('./Shell')
let shellModule: ShellModule | null = null
const loadShell = () => import('./Shell').then((m) => (shellModule = m))
const LazyShell = lazy(() => loadShell().then((m) => ({ default: m.Shell })))
/** Fetches the shell's chunks while the sign-in page is shown, so signing in does not wait for them; resolves when they are evaluated. */
export const preloadShell = (): Promise<unknown> => loadShell().catch(() => undefined)
let shellChoice: ShellModule['Shell'] | typeof LazyShell | null = null
/**
 * The shell's component: the shell itself when its chunk was evaluated before it is first drawn
 * (someone signed in; main.tsx waits a moment for it), so the first screen is one ordinary render
 * — through React.lazy it would suspend once and be drawn as a retry, which React renders in
 * time slices (on a phone at 4× slowdown that spread one render over most of a second). Else the
 * lazy one. Chosen once: the same component type for the page's life (no remount).
 */
function shellComponent(): ShellModule['Shell'] | typeof LazyShell {
  return (shellChoice ??= shellModule?.Shell ?? LazyShell)
}
/** The shell (`shellComponent`), inside a LazyPage. */
export function Shell(props: ComponentProps<ShellModule['Shell']>) {
  return createElement(shellComponent(), props)
}
export const SetupPage = lazy(() => import('../pages/SetupPage').then((m) => ({ default: m.SetupPage })))

export const DesignerPage = lazy(() => import('../pages/DesignerPage').then((m) => ({ default: m.DesignerPage })))
export const NewFormPage = lazy(() => import('../pages/NewFormPage').then((m) => ({ default: m.NewFormPage })))
export const SettingsPage = lazy(() => import('../pages/SettingsPage').then((m) => ({ default: m.SettingsPage })))
export const AuditPage = lazy(() => import('../pages/admin/AuditPage').then((m) => ({ default: m.AuditPage })))
export const OrganizationPage = lazy(() => import('../pages/admin/OrganizationPage').then((m) => ({ default: m.OrganizationPage })))
export const RolesPage = lazy(() => import('../pages/admin/RolesPage').then((m) => ({ default: m.RolesPage })))
export const SystemPage = lazy(() => import('../pages/admin/SystemPage').then((m) => ({ default: m.SystemPage })))
export const FlowsPage = lazy(() => import('../pages/flows/FlowsPage').then((m) => ({ default: m.FlowsPage })))
export const TodoPage = lazy(() => import('../pages/flows/TodoPage').then((m) => ({ default: m.TodoPage })))
export const RulesPage = lazy(() => import('../pages/rules/RulesPage').then((m) => ({ default: m.RulesPage })))
export const AppTransferPage = lazy(() => import('../components/transfer/AppTransferPage').then((m) => ({ default: m.AppTransferPage })))
export const WorkbenchPage = lazy(() => import('../pages/workbench/WorkbenchPage').then((m) => ({ default: m.WorkbenchPage })))
export const ConflictsPage = lazy(() => import('../pages/sync/ConflictsPage').then((m) => ({ default: m.ConflictsPage })))
export const DashboardsPage = lazy(() => import('../pages/reports/DashboardsPage').then((m) => ({ default: m.DashboardsPage })))

export const Customer360Page = lazy(() => import('../pages/crm/Customer360Page').then((m) => ({ default: m.Customer360Page })))
export const DuplicatesPage = lazy(() => import('../pages/crm/DuplicatesPage').then((m) => ({ default: m.DuplicatesPage })))
export const ForecastPage = lazy(() => import('../pages/crm/ForecastPage').then((m) => ({ default: m.ForecastPage })))
export const PoolPage = lazy(() => import('../pages/crm/PoolPage').then((m) => ({ default: m.PoolPage })))
export const PrintPage = lazy(() => import('../pages/print/PrintPage').then((m) => ({ default: m.PrintPage })))
export const QuotePrintPage = lazy(() => import('../pages/crm/QuotePrintPage').then((m) => ({ default: m.QuotePrintPage })))

/** Shown while a page's chunk arrives (a moment on the LAN; longer on a phone on weak Wi-Fi). */
export function PageLoading({ h = '60vh' }: { h?: string }) {
  return (
    <Center h={h} data-testid="page-loading">
      <Loader />
    </Center>
  )
}

/** A page drawn when its chunk is in; one that cannot be (its code did not arrive, or it failed) says so in its place (PageError.tsx). */
export function LazyPage({ children, h }: { children: ReactNode; h?: string }) {
  return (
    <PageErrorBoundary h={h}>
      <Suspense fallback={<PageLoading h={h} />}>{children}</Suspense>
    </PageErrorBoundary>
  )
}
