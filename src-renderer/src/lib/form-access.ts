import { useEffect, useState } from 'react'
import { api } from '../api/client'
import type { FormAccess } from './permits'

export { maySave, mayChangeField, permitsOf, type FormAccess, type RecordPermits } from './permits'


const NOTHING: FormAccess = { actions: [], readonly: [] }

/** What the signed-in user may do with a form's records (forms.access); null while it loads. */
export function useFormAccess(formId: number): FormAccess | null {
  const [access, setAccess] = useState<FormAccess | null>(null)
  useEffect(() => {
    let live = true
    setAccess(null)
    api.forms.access({ form: formId }).then(
      (a) => live && setAccess(a),
      () => live && setAccess(NOTHING)
    )
    return () => {
      live = false
    }
  }, [formId])
  return access
}
