import { useEffect, useState } from 'react'
import { ActionIcon, Alert, Button, Popover, Stack, Text, Tooltip } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconAlertTriangle, IconArrowBackUp, IconFileInvoice, IconHandGrab, IconHistory, IconPrinter, IconTransform, IconUserCircle } from '@tabler/icons-react'
import dayjs from 'dayjs'
import { useTranslation } from 'react-i18next'
import type { FormDto } from '@shared/api/contracts'
import type { DuplicateMatchDto } from '@shared/api/crm'
import { api } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'
import { notifyRecordsChanged } from '../../lib/record-events'
import { routeHash } from '../../lib/route'
import { guardedNavigate } from '../../lib/unsaved'
import { registerRecordExtension, type RecordExtensionProps } from '../record/extensions'
import { ConvertLeadDialog } from './ConvertLeadDialog'
import { DuplicateList } from './DuplicateList'
import { ReleaseDialog } from './ReleaseDialog'

// The sales app's additions to the record page, by form API key: claim from / release to the
// public pool (leads, customers), convert a lead, a customer's 360° page, the duplicate warning
// while a customer is entered, and a quote's print view and conversion to a contract.

const str = (v: unknown) => (typeof v === 'string' ? v : '')
const crmRoute = (page: 'customers' | 'quotes', id: number) => ({ formId: null, recordId: null, crm: { page, id } })
const crmHref = (page: 'customers' | 'quotes', id: number) => routeHash(crmRoute(page, id))

/** The label of a select option by its id (labels are what records carry; ids are stable). */
export function optionLabel(form: FormDto, field: string, id: string): string | null {
  const f = form.fields.find((x) => x.apiKey === field && x.parentFieldId === null)
  return (f?.config as { options?: Array<{ id: string; label: string }> } | undefined)?.options?.find((o) => o.id === id)?.label ?? null
}

function PoolActions({ form, record, onRecordChange, close }: RecordExtensionProps) {
  const { t } = useTranslation()
  const [releasing, setReleasing] = useState(false)
  const [busy, setBusy] = useState(false)
  if (!record) return null
  const poolForm = form.apiKey as 'lead' | 'customer'
  const claim = async () => {
    setBusy(true)
    try {
      const result = await api.crm['pool.claim']({ form: poolForm, ids: [record.id] })
      notifyRecordsChanged(form.id)
      const gone = result.outOfScope[0]
      // A rule assigned it elsewhere at once: claimed, and no longer the user's to open.
      if (gone) {
        notifySuccess(gone.message)
        close()
        return
      }
      notifySuccess(t('crm.pool.claimed', { count: 1 }))
      onRecordChange(await api.records.get({ form: form.id, id: record.id }))
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      {record.owner ? (
        <Button size="xs" variant="light" color="orange" leftSection={<IconArrowBackUp size={14} />} onClick={() => setReleasing(true)} data-testid="record-release">
          {t('crm.pool.release')}
        </Button>
      ) : (
        <Button size="xs" variant="light" leftSection={<IconHandGrab size={14} />} loading={busy} onClick={() => void claim()} data-testid="record-claim">
          {t('crm.pool.claim')}
        </Button>
      )}
      <PoolHistory form={poolForm} recordId={record.id} />
      <ReleaseDialog
        form={poolForm}
        ids={[record.id]}
        opened={releasing}
        onClose={() => setReleasing(false)}
        onDone={() => {
          setReleasing(false)
          notifyRecordsChanged(form.id)
          // The record may now be out of a rep's scope (it is in the pool): reload what is visible.
          api.records.get({ form: form.id, id: record.id }).then(onRecordChange, () => close())
        }}
      />
    </>
  )
}

/** Claims from and releases to the pool of one record, with the reasons given. */
function PoolHistory({ form, recordId }: { form: 'lead' | 'customer'; recordId: number }) {
  const { t } = useTranslation()
  const [entries, setEntries] = useState<Array<{ id: number; action: 'claim' | 'release'; reason: string | null; at: string; user: { name: string } | null }> | null>(null)
  const load = () => void api.crm['pool.history']({ form, id: recordId }).then(setEntries, notifyError)
  return (
    <Popover width={320} position="bottom-end" shadow="md" withArrow onOpen={load}>
      <Popover.Target>
        <Tooltip label={t('crm.pool.history')}>
          <ActionIcon variant="subtle" color="gray" aria-label={t('crm.pool.history')} data-testid="pool-history">
            <IconHistory size={18} />
          </ActionIcon>
        </Tooltip>
      </Popover.Target>
      <Popover.Dropdown>
        <Text size="sm" fw={600} mb="xs">
          {t('crm.pool.history')}
        </Text>
        {entries === null ? null : entries.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('crm.pool.historyEmpty')}
          </Text>
        ) : (
          <Stack gap={6}>
            {entries.map((e) => (
              <div key={e.id}>
                <Text size="sm">
                  {t(`crm.pool.historyEntry.${e.action}`, { name: e.user?.name ?? t('history.system') })}
                  {e.reason ? t('crm.pool.historyReason', { reason: e.reason }) : ''}
                </Text>
                <Text size="xs" c="dimmed">
                  {dayjs(e.at).format('YYYY-MM-DD HH:mm')}
                </Text>
              </div>
            ))}
          </Stack>
        )}
      </Popover.Dropdown>
    </Popover>
  )
}

function LeadActions(props: RecordExtensionProps) {
  const { t } = useTranslation()
  const [converting, setConverting] = useState(false)
  const { record, form, onRecordChange } = props
  if (!record) return null
  const converted = !!record.fields.convertedCustomer || str(record.fields.status) === optionLabel(form, 'status', 'converted')
  return (
    <>
      <PoolActions {...props} />
      {!converted && (
        <Button size="xs" leftSection={<IconTransform size={14} />} onClick={() => setConverting(true)} data-testid="record-convert">
          {t('crm.convert.action')}
        </Button>
      )}
      {converting && (
        <ConvertLeadDialog
          lead={record}
          opened={converting}
          onClose={() => setConverting(false)}
          onDone={(result) => {
            setConverting(false)
            void api.records.get({ form: form.id, id: record.id }).then(onRecordChange, () => props.close())
            // A customer out of the user's sight is not opened (the dialog said where it went).
            if (!result.outOfScope) guardedNavigate(crmRoute('customers', result.customerId))
          }}
        />
      )}
    </>
  )
}

function CustomerActions(props: RecordExtensionProps) {
  const { t } = useTranslation()
  if (!props.record) return null
  return (
    <>
      <PoolActions {...props} />
      <Button size="xs" variant="default" component="a" href={crmHref('customers', props.record.id)} leftSection={<IconUserCircle size={14} />} data-testid="record-360">
        {t('crm.customer360.open')}
      </Button>
    </>
  )
}

/** While a customer is entered or renamed: customers that look like it, found by the server's normalisation. */
function DuplicateNotice({ record, values }: RecordExtensionProps) {
  const { t } = useTranslation()
  const [name] = useDebouncedValue(str(values.name), 400)
  const [phone] = useDebouncedValue(str(values.phone), 400)
  const [matches, setMatches] = useState<DuplicateMatchDto[]>([])
  const unchanged = record && name === str(record.fields.name) && phone === str(record.fields.phone)
  useEffect(() => {
    if (unchanged || (!name.trim() && phone.replace(/\D/g, '').length < 7)) {
      setMatches([])
      return
    }
    let live = true
    api.crm['duplicates.check']({ name: name || null, phone: phone || null, excludeId: record?.id }).then(
      (found) => live && setMatches(found),
      () => live && setMatches([])
    )
    return () => {
      live = false
    }
  }, [name, phone, record?.id, unchanged])
  if (!matches.length) return null
  return (
    <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title={t('crm.duplicates.found', { count: matches.length })} data-testid="duplicate-warning">
      <DuplicateList matches={matches} onOpen={(id) => guardedNavigate(crmRoute('customers', id))} />
    </Alert>
  )
}

function QuoteActions({ record, form, onRecordChange, close }: RecordExtensionProps) {
  const { t } = useTranslation()
  const [busy, setBusy] = useState(false)
  if (!record) return null
  const accepted = str(record.fields.status) === optionLabel(form, 'status', 'accepted')
  const toContract = async () => {
    setBusy(true)
    try {
      const result = await api.crm.quoteToContract({ quoteId: record.id })
      notifySuccess(result.outOfScope ? result.outOfScope.message : t('crm.quote.converted'))
      await api.records.get({ form: form.id, id: record.id }).then(onRecordChange, () => close())
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <Button size="xs" variant="default" component="a" href={crmHref('quotes', record.id)} leftSection={<IconPrinter size={14} />} data-testid="record-print">
        {t('crm.quote.print')}
      </Button>
      {!record.fields.contract && (
        <Tooltip label={t('crm.quote.toContractHint')} disabled={accepted}>
          <Button size="xs" leftSection={<IconFileInvoice size={14} />} disabled={!accepted} loading={busy} onClick={() => void toContract()} data-testid="record-to-contract">
            {t('crm.quote.toContract')}
          </Button>
        </Tooltip>
      )}
    </>
  )
}

registerRecordExtension({ key: 'crm.lead', forms: ['lead'], Actions: LeadActions })
registerRecordExtension({ key: 'crm.customer', forms: ['customer'], Actions: CustomerActions, Notice: DuplicateNotice })
registerRecordExtension({ key: 'crm.quote', forms: ['quote'], Actions: QuoteActions })
