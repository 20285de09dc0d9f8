import { useEffect, useState } from 'react'
import { Alert, Button, Checkbox, Group, Modal, NumberInput, Radio, Stack, Text, TextInput } from '@mantine/core'
import { DateInput } from '@mantine/dates'
import { IconAlertTriangle } from '@tabler/icons-react'
import dayjs from 'dayjs'
import { useTranslation } from 'react-i18next'
import type { RecordDto } from '@shared/api/contracts'
import type { DuplicateMatchDto } from '@shared/api/crm'
import { api } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'
import { DuplicateList } from './DuplicateList'

const str = (v: unknown) => (typeof v === 'string' ? v : '')

/**
 * Convert a lead in one step: a customer (new, or an existing one the duplicate check found),
 * its contact and an opportunity, all linked and filled from the lead — nothing is retyped.
 */
export function ConvertLeadDialog({ lead, opened, onClose, onDone }: { lead: RecordDto; opened: boolean; onClose(): void; onDone(result: { customerId: number; opportunityId: number | null; outOfScope: { message: string } | null }): void }) {
  const { t } = useTranslation()
  const company = str(lead.fields.company) || str(lead.fields.name)
  const [customerName, setCustomerName] = useState(company)
  const [matches, setMatches] = useState<DuplicateMatchDto[]>([])
  const [existing, setExisting] = useState<string>('new')
  const [contact, setContact] = useState(true)
  const [withOpp, setWithOpp] = useState(true)
  const [oppName, setOppName] = useState(t('crm.convert.defaultOpportunity', { company }))
  const [amount, setAmount] = useState<number | string>('')
  const [closeDate, setCloseDate] = useState<string | null>(dayjs().add(1, 'month').format('YYYY-MM-DD'))
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (!opened) return
    let live = true
    api.crm['duplicates.check']({ name: customerName, phone: str(lead.fields.phone) || null }).then(
      (found) => live && setMatches(found),
      (e: unknown) => live && notifyError(e)
    )
    return () => {
      live = false
    }
  }, [opened, customerName, lead.fields.phone])

  const submit = async () => {
    setBusy(true)
    try {
      const result = await api.crm.convertLead({
        leadId: lead.id,
        customerId: existing === 'new' ? undefined : Number(existing),
        customerName: customerName.trim() || undefined,
        createContact: contact,
        opportunity: withOpp ? { name: oppName.trim() || undefined, amount: typeof amount === 'number' ? amount : null, closeDate } : null
      })
      // A rule may have assigned the new customer elsewhere: say so rather than open it.
      notifySuccess(result.outOfScope ? result.outOfScope.message : t('crm.convert.done'))
      onDone(result)
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} centered size="lg" title={<Text fw={600}>{t('crm.convert.title')}</Text>} zIndex={400}>
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          {t('crm.convert.body')}
        </Text>
        <TextInput label={t('crm.convert.customerName')} value={customerName} onChange={(e) => setCustomerName(e.currentTarget.value)} disabled={existing !== 'new'} data-testid="convert-customer-name" />
        {matches.length > 0 && (
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title={t('crm.duplicates.found', { count: matches.length })}>
            <Radio.Group value={existing} onChange={setExisting}>
              <Stack gap={6} mt={4}>
                <Radio value="new" label={t('crm.convert.createNew')} />
                {matches.map((m) => (
                  <Radio key={m.id} value={String(m.id)} label={<DuplicateList matches={[m]} />} />
                ))}
              </Stack>
            </Radio.Group>
          </Alert>
        )}
        <Checkbox checked={contact} onChange={(e) => setContact(e.currentTarget.checked)} label={t('crm.convert.createContact', { name: str(lead.fields.name) })} />
        <Checkbox checked={withOpp} onChange={(e) => setWithOpp(e.currentTarget.checked)} label={t('crm.convert.createOpportunity')} />
        {withOpp && (
          <Stack gap="sm" pl="lg">
            <TextInput label={t('crm.convert.opportunityName')} value={oppName} onChange={(e) => setOppName(e.currentTarget.value)} data-testid="convert-opportunity-name" />
            <Group grow>
              <NumberInput label={t('crm.convert.amount')} value={amount} onChange={setAmount} min={0} thousandSeparator="," prefix="¥" data-testid="convert-amount" />
              <DateInput label={t('crm.convert.closeDate')} value={closeDate} onChange={setCloseDate} valueFormat="YYYY-MM-DD" clearable />
            </Group>
          </Stack>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button loading={busy} onClick={() => void submit()} data-testid="convert-confirm">
            {t('crm.convert.submit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
