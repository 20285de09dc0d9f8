import { useEffect, useState } from 'react'
import { Affix, Button } from '@mantine/core'
import { IconMessagePlus } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FormDto } from '@shared/api/contracts'
import { api } from '../../api/client'
import { permitsOf, useFormAccess } from '../../lib/form-access'
import { notifyError } from '../../lib/notify'
import { usePhone } from '../../lib/phone'
import { requestNewRecord } from '../../lib/record-events'
import { useRoute } from '../../lib/route'
import { registerRecordExtension, type RecordExtensionProps } from '../record/extensions'
import { recordTitle } from '../../fields/relation'
import { FOLLOW_UP_FORM, followUpPreset } from './follow-up'

/**
 * The 写跟进 button at the bottom of a phone's screen, on every page but an open record (whose
 * own 写跟进 is in its header): a new follow-up at the current time, linked to the customer whose
 * 360° page is shown; elsewhere the user picks the customer in the form.
 */
export function QuickFollowUp({ forms }: { forms: FormDto[] }) {
  const followUp = forms.find((f) => f.apiKey === FOLLOW_UP_FORM)
  const [route] = useRoute()
  if (!followUp || route.recordId !== null || route.design || route.section === 'todo') return null
  const customers = forms.find((f) => f.apiKey === 'customer')
  const customerId = route.crm?.page === 'customers' ? route.crm.id : null
  return <QuickFollowUpButton followUp={followUp} parent={customers && customerId !== null ? { form: customers, id: customerId } : null} />
}

function QuickFollowUpButton({ followUp, parent }: { followUp: FormDto; parent: { form: FormDto; id: number } | null }) {
  const { t } = useTranslation()
  const allowed = permitsOf(useFormAccess(followUp.id)).create
  const [busy, setBusy] = useState(false)
  if (!allowed) return null
  const start = async () => {
    setBusy(true)
    try {
      const record = parent ? await api.records.get({ form: parent.form.id, id: parent.id }) : null
      requestNewRecord({ formId: followUp.id, preset: followUpPreset(followUp, new Date(), parent && record ? { formKey: parent.form.apiKey, id: record.id, title: recordTitle(record, parent.form), fields: record.fields } : undefined) })
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Affix position={{ bottom: 16, right: 16 }} zIndex={150}>
      <Button radius="xl" size="md" leftSection={<IconMessagePlus size={18} />} loading={busy} onClick={() => void start()} style={{ boxShadow: 'var(--mantine-shadow-md)' }} data-testid="quick-follow-up">
        {t('mobile.followUp.write')}
      </Button>
    </Affix>
  )
}

/**
 * 写跟进 in the header of a customer, opportunity or lead record at phone width, for whoever may
 * create follow-ups (on a computer the related list's 新建 does the same).
 */
function RecordFollowUp(props: RecordExtensionProps) {
  const phone = usePhone()
  const [followUp, setFollowUp] = useState<FormDto | null>(null)
  useEffect(() => {
    if (!phone) return
    let live = true
    api.forms.list().then(
      (forms) => live && setFollowUp(forms.find((f) => f.apiKey === FOLLOW_UP_FORM) ?? null),
      () => undefined
    )
    return () => {
      live = false
    }
  }, [phone])
  if (!phone || !followUp || !props.record) return null
  return <RecordFollowUpButton followUp={followUp} {...props} />
}

function RecordFollowUpButton({ followUp, form, record }: RecordExtensionProps & { followUp: FormDto }) {
  const { t } = useTranslation()
  const allowed = permitsOf(useFormAccess(followUp.id)).create
  if (!allowed || !record) return null
  return (
    <Button
      variant="light"
      size="xs"
      leftSection={<IconMessagePlus size={14} />}
      onClick={() => requestNewRecord({ formId: followUp.id, preset: followUpPreset(followUp, new Date(), { formKey: form.apiKey, id: record.id, title: recordTitle(record, form), fields: record.fields }) })}
      data-testid="record-follow-up"
    >
      {t('mobile.followUp.write')}
    </Button>
  )
}

registerRecordExtension({ key: 'mobile.followUp', forms: ['customer', 'opportunity', 'lead'], Actions: RecordFollowUp })
