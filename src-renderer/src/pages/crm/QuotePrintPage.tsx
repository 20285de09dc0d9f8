import { useState } from 'react'
import { Button, Group, Image, Modal, Stack, Table, Text, Title } from '@mantine/core'
import { IconArrowLeft, IconBuildingStore, IconPrinter } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FormDto, RecordDto } from '@shared/api/contracts'
import type { CompanySettings } from '@shared/api/settings'
import { formatAmount, formatPercent } from '@shared/values/format'
import { api } from '../../api/client'
import { LoadState } from '../../components/LoadState'
import { fileUrl } from '../../lib/files'
import { CompanyForm } from '../../components/settings/CompanyForm'
import { routeHash } from '../../lib/route'
import { useLoaded } from '../../lib/use-loaded'
import { chineseAmount } from '../../components/crm/chinese-amount'

// A quote as the customer receives it: the firm's logo, name, tax id and bank from the system settings, the
// quote's lines and total (in figures and in Chinese capitals), printed with the browser's own
// print dialog (window.print(), which also saves as PDF). Everything but the sheet is hidden when
// printing.

const str = (v: unknown) => (typeof v === 'string' ? v : '')
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)

const PRINT_CSS = `
@media print {
  .mantine-AppShell-header, .mantine-AppShell-navbar, .no-print { display: none !important; }
  .mantine-AppShell-main { padding: 0 !important; }
  .quote-sheet { box-shadow: none !important; border: none !important; margin: 0 !important; max-width: none !important; }
  @page { size: A4; margin: 14mm; }
}`

interface Data {
  quote: RecordDto
  company: CompanySettings
}

export function QuotePrintPage({ forms, quoteId, isAdmin }: { forms: FormDto[]; quoteId: number; isAdmin: boolean }) {
  const { t } = useTranslation()
  const quoteForm = forms.find((f) => f.apiKey === 'quote')
  const loaded = useLoaded<Data>(async () => {
    const [quote, company] = await Promise.all([api.records.get({ form: 'quote', id: quoteId }), api.settings.company()])
    return { quote, company }
  })
  const [editing, setEditing] = useState(false)
  if (!quoteForm) return <LoadState failure={t('crm.quote.noForm')} />
  if (!loaded.data) return <LoadState failure={loaded.failure} />
  const { quote, company } = loaded.data
  const q = quote.fields
  const lines = (Array.isArray(q.lines) ? q.lines : []) as Array<Record<string, unknown>>
  const total = num(q.total)
  const customer = q.customer as { title?: string } | null

  return (
    <Stack gap="md" align="center">
      <style>{PRINT_CSS}</style>
      <Group justify="space-between" w="100%" maw={860} className="no-print">
        <Button variant="subtle" component="a" href={routeHash({ formId: quoteForm.id, recordId: quote.id })} leftSection={<IconArrowLeft size={16} />}>
          {t('crm.quote.backToQuote')}
        </Button>
        <Group gap="sm">
          {isAdmin && (
            <Button variant="default" leftSection={<IconBuildingStore size={16} />} onClick={() => setEditing(true)} data-testid="company-settings">
              {t('crm.company.edit')}
            </Button>
          )}
          <Button leftSection={<IconPrinter size={16} />} onClick={() => window.print()} data-testid="print-quote">
            {t('crm.quote.printNow')}
          </Button>
        </Group>
      </Group>
      <div className="quote-sheet" data-testid="quote-sheet" style={{ width: '100%', maxWidth: 860, background: 'white', color: '#1a1b1e', border: '1px solid var(--jimu-border)', borderRadius: 8, boxShadow: '0 4px 24px rgba(0,0,0,0.06)', padding: '40px 48px' }}>
        <Group justify="space-between" align="flex-start" mb="lg">
          <Group gap="md" wrap="nowrap">
            {company.logo && <Image src={fileUrl(company.logo.hash, { company: 'logo' })} h={56} w="auto" fit="contain" alt="" />}
            <Stack gap={2}>
              <Text fw={700} size="xl">
                {company.name || t('crm.company.unnamed')}
              </Text>
              <Text size="xs" c="gray.7">
                {[company.address, company.phone].filter(Boolean).join('  ·  ')}
              </Text>
            </Stack>
          </Group>
          <Stack gap={2} align="flex-end">
            <Title order={2} style={{ letterSpacing: 8 }}>
              {t('crm.quote.sheetTitle')}
            </Title>
            <Text size="sm">{t('crm.quote.no', { code: str(q.code) })}</Text>
          </Stack>
        </Group>
        <Group justify="space-between" mb="md" style={{ borderTop: '2px solid #1a1b1e', paddingTop: 12 }}>
          <Stack gap={4}>
            <Text size="sm">
              {t('crm.quote.to')}
              <b>{customer?.title ?? ''}</b>
            </Text>
            {str(q.title) && <Text size="sm">{t('crm.quote.subject', { title: str(q.title) })}</Text>}
          </Stack>
          <Stack gap={4} align="flex-end">
            <Text size="sm">{t('crm.quote.date', { date: str(q.quotedOn) })}</Text>
            {str(q.validUntil) && <Text size="sm">{t('crm.quote.validUntil', { date: str(q.validUntil) })}</Text>}
          </Stack>
        </Group>
        <Table withTableBorder withColumnBorders verticalSpacing={6} fz="sm" data-testid="quote-lines">
          <Table.Thead style={{ background: '#f1f3f5' }}>
            <Table.Tr>
              <Table.Th w={60}>{t('crm.quote.col.no')}</Table.Th>
              <Table.Th>{t('crm.quote.col.product')}</Table.Th>
              <Table.Th ta="right">{t('crm.quote.col.quantity')}</Table.Th>
              <Table.Th ta="right">{t('crm.quote.col.unitPrice')}</Table.Th>
              <Table.Th ta="right">{t('crm.quote.col.discount')}</Table.Th>
              <Table.Th ta="right">{t('crm.quote.col.lineTotal')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {lines.map((l, i) => (
              <Table.Tr key={i}>
                <Table.Td>{i + 1}</Table.Td>
                <Table.Td>{(l.product as { title?: string } | null)?.title ?? ''}</Table.Td>
                <Table.Td ta="right">{num(l.quantity)}</Table.Td>
                <Table.Td ta="right">{formatAmount(num(l.unitPrice))}</Table.Td>
                <Table.Td ta="right">{num(l.discount) ? formatPercent(num(l.discount)) : '—'}</Table.Td>
                <Table.Td ta="right">{formatAmount(num(l.lineTotal))}</Table.Td>
              </Table.Tr>
            ))}
            <Table.Tr>
              <Table.Td colSpan={5} ta="right" fw={700}>
                {t('crm.quote.total')}
              </Table.Td>
              <Table.Td ta="right" fw={700} data-testid="quote-total">
                {formatAmount(total)}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td colSpan={6}>
                {t('crm.quote.totalInWords')}
                <b>{chineseAmount(total)}</b>
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        {str(q.terms) && (
          <Stack gap={4} mt="md">
            <Text size="sm" fw={600}>
              {t('crm.quote.terms')}
            </Text>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {str(q.terms)}
            </Text>
          </Stack>
        )}
        {(company.taxId || company.bankName || company.bankAccount) && (
          <Stack gap={2} mt="md" data-testid="quote-company-bank">
            {company.taxId && <Text size="sm">{t('crm.quote.taxId', { value: company.taxId })}</Text>}
            {(company.bankName || company.bankAccount) && <Text size="sm">{t('crm.quote.bank', { name: company.bankName, account: company.bankAccount })}</Text>}
          </Stack>
        )}
        <Group justify="space-between" mt={48}>
          <Text size="sm">{t('crm.quote.salesRep', { name: quote.owner?.name ?? '' })}</Text>
          <Text size="sm">{t('crm.quote.seal')}</Text>
        </Group>
      </div>
      {editing && <CompanyModal company={company} onClose={() => setEditing(false)} onSaved={() => void loaded.reload()} />}
    </Stack>
  )
}

/** The firm printed on quotes: the system settings' company (设置 → 系统), edited here too. */
function CompanyModal({ company, onClose, onSaved }: { company: CompanySettings; onClose(): void; onSaved(): void }) {
  const { t } = useTranslation()
  return (
    <Modal opened onClose={onClose} centered size="lg" title={<Text fw={600}>{t('crm.company.title')}</Text>}>
      <CompanyForm
        initial={company}
        onCancel={onClose}
        onSaved={() => {
          onSaved()
          onClose()
        }}
      />
    </Modal>
  )
}
