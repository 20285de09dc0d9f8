import { useState, type ReactNode } from 'react'
import { NavLink } from '@mantine/core'
import { IconChartArrowsVertical, IconCopy, IconDownload, IconUsersGroup } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FormDto } from '@shared/api/contracts'
import { Customer360Page, DuplicatesPage, ForecastPage, PoolPage, QuotePrintPage } from '../../app/lazy-pages'
import { routeHash, type Route } from '../../lib/route'
import { InstallCrmModal } from './InstallCrmModal'
import './register'
import '../service/register'

// The sales app in the shell: its pages in the navigation (公海, 销售预测, 客户查重) once its forms exist,
// the administrator's "install the sales app" while they do not, and its routes.

const installed = (forms: FormDto[]) => forms.some((f) => f.apiKey === 'customer') && forms.some((f) => f.apiKey === 'lead')

export function CrmNavLinks({ forms, isAdmin, route, onInstalled, onNavigate }: { forms: FormDto[]; isAdmin: boolean; route: Route; onInstalled(): void; onNavigate(): void }) {
  const { t } = useTranslation()
  const [installing, setInstalling] = useState(false)
  if (!installed(forms)) {
    if (!isAdmin) return null
    return (
      <>
        <NavLink label={t('crm.install.nav')} leftSection={<IconDownload size={18} stroke={1.6} />} variant="light" fw={500} onClick={() => setInstalling(true)} data-testid="nav-crm-install" />
        <InstallCrmModal opened={installing} onClose={() => setInstalling(false)} onInstalled={onInstalled} />
      </>
    )
  }
  const link = (page: 'pool' | 'duplicates' | 'forecast', label: string, icon: ReactNode) => (
    <NavLink
      href={routeHash({ formId: null, recordId: null, crm: { page, id: null } })}
      label={label}
      leftSection={icon}
      active={route.crm?.page === page}
      variant="light"
      fw={500}
      onClick={onNavigate}
      data-testid={`nav-crm-${page}`}
    />
  )
  return (
    <>
      {link('pool', t('crm.pool.nav'), <IconUsersGroup size={18} stroke={1.6} />)}
      {link('forecast', t('forecast.nav'), <IconChartArrowsVertical size={18} stroke={1.6} />)}
      {isAdmin && link('duplicates', t('crm.duplicates.nav'), <IconCopy size={18} stroke={1.6} />)}
    </>
  )
}

export function CrmRoute({ route, forms, isAdmin }: { route: NonNullable<Route['crm']>; forms: FormDto[]; isAdmin: boolean }) {
  if (route.page === 'pool') return <PoolPage forms={forms} isAdmin={isAdmin} />
  if (route.page === 'duplicates') return <DuplicatesPage />
  if (route.page === 'forecast') return <ForecastPage />
  if (route.page === 'customers' && route.id) return <Customer360Page key={route.id} forms={forms} customerId={route.id} />
  if (route.page === 'quotes' && route.id) return <QuotePrintPage key={route.id} forms={forms} quoteId={route.id} isAdmin={isAdmin} />
  return null
}
