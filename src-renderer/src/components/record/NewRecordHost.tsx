import { Suspense, useEffect, useMemo, useState } from 'react'
import type { FormDto } from '@shared/api/contracts'
import { api } from '../../api/client'
import { notifyError } from '../../lib/notify'
import { notifyRecordsChanged, setNewRecordFallback, type NewRecordRequest } from '../../lib/record-events'
import { navigate } from '../../lib/route'
import { RecordDrawer } from '../views/lazy-views'
import { savedOutOfScope } from '../records/saved'

/**
 * Opens a new-record drawer for requests no form page claimed (Ctrl+N or 新建记录 from the
 * command palette). The saved record is then opened in its form, and lists of it reload.
 */
export function NewRecordHost({ forms }: { forms: FormDto[] }) {
  const [request, setRequest] = useState<NewRecordRequest | null>(null)
  const form = forms.find((f) => f.id === request?.formId) ?? null
  const allFields = useMemo(() => form?.fields.filter((f) => f.deletedAt === null) ?? [], [form])
  const fields = useMemo(() => allFields.filter((f) => f.parentFieldId === null).sort((a, b) => a.position - b.position), [allFields])

  useEffect(() => {
    setNewRecordFallback((next) => {
      if (!forms.some((f) => f.id === next.formId)) return false
      setRequest(next)
      return true
    })
    return () => setNewRecordFallback(null)
  }, [forms])

  if (!form) return null
  return (
    <Suspense fallback={null}>
    <RecordDrawer
      form={form}
      fields={fields}
      allFields={allFields}
      recordId={null}
      opened={request !== null}
      preset={request?.preset}
      onClose={() => setRequest(null)}
      onSaved={(saved) => {
        setRequest(null)
        notifyRecordsChanged(form.id)
        // A record saved out of the user's sight cannot be opened: the drawer has said so.
        if (!savedOutOfScope(saved)) navigate({ formId: form.id, recordId: saved.id })
      }}
      onDelete={async (record) => {
        try {
          await api.records.delete({ form: form.id, ids: [record.id] })
        } catch (error) {
          notifyError(error)
        }
        setRequest(null)
      }}
    />
    </Suspense>
  )
}
