import { useCallback, useEffect, useMemo, useState } from 'react'
import { AppShell, Box, Burger, Center, EmptyState, Group, Loader, NavLink, ScrollArea, Stack, Text } from '@mantine/core'
import { useDisclosure, useHotkeys, useMediaQuery } from '@mantine/hooks'
import { spotlight } from '@mantine/spotlight'
import { IconApps, IconChartPie, IconDatabase, IconFileSearch, IconHome, IconPackages, IconSettings, IconLayoutGrid, IconLock, IconMoodEmpty, IconPlus, IconRobot, IconShieldCheck, IconSitemap, IconTable } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FormDto, MethodOutput } from '@shared/api/contracts'
import { api, takeArrived } from '../api/client'
import { Logo } from '../components/Logo'
import { LanguageSwitch } from '../components/LanguageSwitch'
import { notifyError } from '../lib/notify'
import { ADMIN_SECTIONS, parseRoute, routeHash, useRoute, type Section } from '../lib/route'
import { RecordsPage } from '../pages/RecordsPage'
import { BackupWarning } from '../components/settings/BackupWarning'
import { FlowsNavLink, TodoNavLink } from '../components/flows/TodoNavLink'
import { NotificationBell } from '../components/notifications/NotificationBell'
import { NewRecordHost } from '../components/record/NewRecordHost'
import { CrmNavLinks, CrmRoute } from '../components/crm/CrmNav'
import { installUnsavedLinkGuard } from '../lib/unsaved'
import { useDesktopCommand } from '../lib/desktop-commands'
import { useLiveEvents } from '../lib/live'
import { requestNewRecord } from '../lib/record-events'
import { CommandPalette, GlobalSearch } from './GlobalSearch'
import { AppTransferPage, AuditPage, ConflictsPage, DashboardsPage, DesignerPage, FlowsPage, LazyPage, NewFormPage, OrganizationPage, RolesPage, RulesPage, SettingsPage, SystemPage, TodoPage, WorkbenchPage } from './lazy-pages'
import { UserMenu } from './UserMenu'
import { SyncChip } from '../components/sync/SyncChip'
import { DesktopOnly, desktopOnlyRoute } from '../components/mobile/DesktopOnly'
import { QuickFollowUp } from '../components/mobile/QuickFollowUp'
import { usePhone } from '../lib/phone'
import { useAfterFirstScreen } from '../lib/first-paint'
import type { User } from './App'

type AppDto = MethodOutput<'apps.list'>[number]

interface Catalog {
  apps: AppDto[]
  forms: FormDto[]
}

const ADMIN_NAV: { section: Section; icon: typeof IconSitemap }[] = [
  { section: 'organization', icon: IconSitemap },
  { section: 'roles', icon: IconShieldCheck },
  { section: 'audit', icon: IconFileSearch },
  { section: 'rules', icon: IconRobot },
  { section: 'apps', icon: IconPackages },
  { section: 'system', icon: IconSettings },
  { section: 'backups', icon: IconDatabase }
]

const sortCatalog = (apps: AppDto[], forms: FormDto[]): Catalog => ({
  apps: [...apps].sort((a, b) => a.position - b.position),
  forms: [...forms].sort((a, b) => a.position - b.position)
})

function arrivedCatalog(): Catalog | null {
  const apps = takeArrived('apps.list')
  const forms = takeArrived('forms.list')
  return apps && forms ? sortCatalog(apps, forms) : null
}

export function Shell({ user, onLogout, onSignedOutEverywhere, onRestored }: { user: User; onLogout(): void; onSignedOutEverywhere(): void; onRestored(): void }) {
  const { t } = useTranslation()
  const [navOpened, { toggle: toggleNav, close: closeNav }] = useDisclosure(false)
  // The apps and forms sent for at start (lib/first-screen.ts), if both are in: the first render draws the page, not a loader.
  const [catalog, setCatalog] = useState<Catalog | null>(arrivedCatalog)
  const [route, go] = useRoute()
  // On a phone the search box moves from the header into the navigation drawer.
  const narrow = useMediaQuery('(max-width: 36em)') ?? false
  const phone = usePhone()
  // On a phone the navigation drawer and the command palette are drawn once the first rows are
  // painted (or when the drawer is opened first): nothing of them is on the first screen.
  const afterFirstScreen = useAfterFirstScreen()
  const drawNav = !phone || navOpened || afterFirstScreen
  // Ctrl+K before the palette is drawn (a narrow window's first seconds): draw it, opened.
  const [paletteAsked, setPaletteAsked] = useState(false)
  const drawPalette = !phone || afterFirstScreen || paletteAsked
  useHotkeys(drawPalette ? [] : [['mod+K', () => {
    setPaletteAsked(true)
    spotlight.open()
  }]])

  const loadCatalog = useCallback(async () => {
    try {
      const [apps, forms] = await Promise.all([api.apps.list(), api.forms.list()])
      setCatalog(sortCatalog(apps, forms))
    } catch (error) {
      notifyError(error)
      setCatalog({ apps: [], forms: [] })
    }
  }, [])

  const [catalogArrived] = useState(() => catalog !== null)
  useEffect(() => {
    if (!catalogArrived) void loadCatalog()
  }, [loadCatalog, catalogArrived])

  // Changes by colleagues arrive live (lib/live.ts).
  useLiveEvents(user.id)
  // 文件 → 新建记录 in the desktop app's menu: a new record of the form shown, like Ctrl+N.
  useDesktopCommand('newRecord', () => {
    if (route.formId !== null && !route.section) requestNewRecord({ formId: route.formId })
  })

  // Leaving a record with unsaved edits (a navigation link, closing the window) asks first.
  useEffect(() => installUnsavedLinkGuard(), [])

  const form = useMemo(() => catalog?.forms.find((f) => f.id === route.formId) ?? null, [catalog, route.formId])

  const section = route.section ?? null

  // The designers stay on the computer (DesktopOnly). One opened in a wide window stays mounted,
  // hidden behind that notice, while the window is phone-narrow (dragged narrow, a tablet turned,
  // a full-page capture): its unsaved work is there again when the window widens.
  const designer = desktopOnlyRoute(route)
  const here = routeHash(route)
  const [designerOpenedWide, setDesignerOpenedWide] = useState<string | null>(null)
  if (designer && !phone && designerOpenedWide !== here) setDesignerOpenedWide(here)

  // Without a form or page in the URL, open 我的工作台: each person lands on their day.
  // The address is read again when the effect runs: it may have changed since the render (a link
  // followed while the forms were loading), and that place must win.
  const onCrmPage = route.crm !== undefined && route.crm !== null
  useEffect(() => {
    if (!catalog || catalog.forms.length === 0 || section !== null || route.formId !== null || route.newFormAppId || onCrmPage) return
    const current = parseRoute(window.location.hash)
    if (current.section || current.formId !== null || current.newFormAppId || current.crm) return
    go({ formId: null, recordId: null, section: 'home' })
  }, [catalog, section, route.formId, route.newFormAppId, onCrmPage, go])

  useEffect(() => {
    const page = section === 'home' ? t('workbench.nav') : section === 'dashboards' ? t('reports.nav') : section === 'rules' ? t('rules.nav') : section === 'apps' ? t('transfer.app.nav') : section === 'todo' || section === 'flows' ? t(`flows.nav.${section}`) : section ? t(`nav.${section}`) : form?.label
    document.title = page ? `${page} - ${t('app.name')}` : t('app.name')
  }, [form, section, t])

  const sectionPage = (current: Section) => {
    if (ADMIN_SECTIONS.has(current) && !user.isAdmin) {
      return (
        <Center h="70vh">
          <EmptyState icon={<IconLock size={36} />} variant="light" color="gray" title={t('admin.onlyAdmins')} description={t('admin.onlyAdminsBody')} />
        </Center>
      )
    }
    if (current === 'conflicts') return <ConflictsPage />
    if (current === 'settings') return <SettingsPage user={user} onSignedOutEverywhere={onSignedOutEverywhere} />
    if (current === 'system' || current === 'backups') return <SystemPage key={current} tab={current === 'backups' ? 'backups' : 'company'} onRestored={onRestored} />
    if (!catalog) {
      return (
        <Center h="60vh">
          <Loader />
        </Center>
      )
    }
    if (current === 'home') return <WorkbenchPage user={user} />
    if (current === 'dashboards') return <DashboardsPage dashboardId={route.dashboardId ?? null} forms={catalog.forms} user={user} />
    if (current === 'rules') return <RulesPage forms={catalog.forms} />
    if (current === 'todo') return <TodoPage instanceId={route.instanceId ?? null} forms={catalog.forms} />
    if (current === 'flows') return user.isAdmin ? <FlowsPage flowId={route.flowId ?? null} forms={catalog.forms} /> : null
    if (current === 'organization') return <OrganizationPage forms={catalog.forms} me={user.id} />
    if (current === 'roles') return <RolesPage apps={catalog.apps} forms={catalog.forms} />
    if (current === 'apps') return <AppTransferPage apps={catalog.apps} onInstalled={() => void loadCatalog()} />
    return <AuditPage forms={catalog.forms} />
  }

  const main = () => {
    if (section) return sectionPage(section)
    if (!catalog) {
      return (
        <Center h="60vh">
          <Loader />
        </Center>
      )
    }
    if (route.crm) return <CrmRoute route={route.crm} forms={catalog.forms} isAdmin={user.isAdmin} />
    if (route.newFormAppId) return <NewFormPage key={route.newFormAppId} appId={route.newFormAppId} onCreated={() => void loadCatalog()} />
    if (catalog.apps.length === 0 || catalog.forms.length === 0) {
      // A member sees only the forms their roles may open: apps with none are not empty, only closed to them.
      const noAccess = !user.isAdmin && catalog.apps.length > 0
      return (
        <Center h="70vh">
          <EmptyState
            data-testid="no-apps"
            icon={<IconLayoutGrid size={36} />}
            variant="light"
            size="lg"
            title={noAccess ? t('shell.noFormAccessTitle') : t('shell.noAppsTitle')}
            description={<Box maw={420}>{noAccess ? t('shell.noFormAccessBody') : user.isAdmin ? t('shell.noAppsBody') : t('shell.noAppsBodyMember')}</Box>}
          />
        </Center>
      )
    }
    if (route.formId !== null && !form) {
      return (
        <Center h="70vh">
          <EmptyState icon={<IconMoodEmpty size={36} />} variant="light" title={t('shell.formNotFound')} />
        </Center>
      )
    }
    if (!form) return null
    if (route.design) return <DesignerPage key={form.id} formId={form.id} onFormsChanged={() => void loadCatalog()} />
    return <RecordsPage key={`${form.id}:${route.drill ?? ''}`} form={form} recordId={route.recordId} drill={route.drill ?? null} />
  }

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !navOpened, desktop: route.design === true } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" gap="md" wrap="nowrap" justify="space-between">
          <Group gap="sm" wrap="nowrap" style={{ flexShrink: 0 }}>
            <Burger opened={navOpened} onClick={toggleNav} hiddenFrom="sm" size="sm" aria-label={t('shell.toggleNav')} />
            <Logo />
          </Group>
          {!narrow && (
            <Group style={{ flex: 1 }} justify="center">
              <GlobalSearch />
            </Group>
          )}
          <Group gap="md" wrap="nowrap" style={{ flexShrink: 0 }}>
            {user.isAdmin && <BackupWarning />}
            {!narrow && <LanguageSwitch />}
            <SyncChip userId={user.id} />
            <NotificationBell />
            <UserMenu user={user} onLogout={onLogout} />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs">
        {drawNav && (
        <>
        {narrow && (
          <AppShell.Section mb="xs">
            <Stack gap="xs">
              <GlobalSearch />
              <LanguageSwitch />
            </Stack>
          </AppShell.Section>
        )}
        <NavLink
          href={routeHash({ formId: null, recordId: null, section: 'home' })}
          label={t('workbench.nav')}
          leftSection={<IconHome size={18} stroke={1.6} />}
          active={section === 'home'}
          variant="light"
          fw={500}
          onClick={closeNav}
          data-testid="nav-home"
        />
        <NavLink
          href={routeHash({ formId: null, recordId: null, section: 'dashboards' })}
          label={t('reports.nav')}
          leftSection={<IconChartPie size={18} stroke={1.6} />}
          active={section === 'dashboards'}
          variant="light"
          fw={500}
          onClick={closeNav}
          data-testid="nav-dashboards"
        />
        <CrmNavLinks forms={catalog?.forms ?? []} isAdmin={user.isAdmin} route={route} onInstalled={() => void loadCatalog()} onNavigate={closeNav} />
        <TodoNavLink active={section === 'todo'} onClick={closeNav} />
        {catalog && catalog.apps.length > 0 && (
          <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" py={6}>
            {t('shell.apps')}
          </Text>
        )}
        <AppShell.Section grow component={ScrollArea}>
          {catalog?.apps.map((app) => {
            const forms = catalog.forms.filter((f) => f.appId === app.id)
            return (
              <NavLink
                key={app.id}
                label={app.label}
                leftSection={<IconApps size={18} stroke={1.6} />}
                defaultOpened
                childrenOffset={18}
                fw={500}
                data-testid={`nav-app-${app.id}`}
              >
                {forms.length === 0 ? (
                  <Text size="xs" c="dimmed" px="sm" py={6}>
                    {user.isAdmin ? t('shell.noForms') : t('shell.noFormAccess')}
                  </Text>
                ) : (
                  forms.map((f) => (
                    <NavLink
                      key={f.id}
                      href={`#/forms/${f.id}`}
                      label={f.label}
                      leftSection={<IconTable size={16} stroke={1.6} />}
                      active={section === null && f.id === route.formId}
                      variant="light"
                      onClick={closeNav}
                      data-testid={`nav-form-${f.id}`}
                    />
                  ))
                )}
                {user.isAdmin && (
                  <NavLink
                    href={`#/apps/${app.id}/new-form`}
                    label={t('designer.newFormNav')}
                    leftSection={<IconPlus size={16} stroke={1.6} />}
                    active={route.newFormAppId === app.id}
                    variant="light"
                    c="dimmed"
                    onClick={closeNav}
                    data-testid={`nav-new-form-${app.id}`}
                  />
                )}
              </NavLink>
            )
          })}
        </AppShell.Section>
        {user.isAdmin && (
          <AppShell.Section pt="xs" style={{ borderTop: '1px solid var(--jimu-border)' }} data-testid="nav-admin">
            <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" py={6}>
              {t('nav.admin')}
            </Text>
            {ADMIN_NAV.map(({ section: s, icon: Icon }) => (
              <NavLink
                key={s}
                href={routeHash({ formId: null, recordId: null, section: s })}
                label={s === 'rules' ? t('rules.nav') : s === 'apps' ? t('transfer.app.nav') : t(`nav.${s}`)}
                leftSection={<Icon size={18} stroke={1.6} />}
                active={section === s}
                variant="light"
                onClick={closeNav}
                data-testid={`nav-${s}`}
              />
            ))}
            <FlowsNavLink active={section === 'flows'} onClick={closeNav} />
          </AppShell.Section>
        )}
        </>
        )}
      </AppShell.Navbar>

      <AppShell.Main>
        <LazyPage>
          {designer ? (
            <>
              {phone && <DesktopOnly />}
              {(!phone || designerOpenedWide === here) && (
                <div key="designer" style={{ display: phone ? 'none' : 'contents' }} data-testid="designer-page">
                  {main()}
                </div>
              )}
            </>
          ) : (
            main()
          )}
        </LazyPage>
      </AppShell.Main>
      {drawPalette && <CommandPalette forms={catalog?.forms ?? []} isAdmin={user.isAdmin} onLogout={onLogout} />}
      <NewRecordHost forms={catalog?.forms ?? []} />
      {phone && <QuickFollowUp forms={catalog?.forms ?? []} />}
    </AppShell>
  )
}
