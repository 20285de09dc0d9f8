import { useEffect, useState } from 'react'
import { Button } from '@mantine/core'
import { IconLayoutDashboard } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { api } from '../../api/client'
import { navigate } from '../../lib/route'

// 设计表单 in the header of a form's records page, for those who may change the form's design.
// The API refuses schema changes to everyone else anyway; the button only spares them a dead end.

let isAdmin: Promise<boolean> | null = null
function mayDesign(): Promise<boolean> {
  isAdmin ??= api.auth.me().then(
    (user) => user.isAdmin,
    () => {
      isAdmin = null
      return false
    }
  )
  return isAdmin
}

export function DesignButton({ formId }: { formId: number }) {
  const { t } = useTranslation()
  const [allowed, setAllowed] = useState(false)
  useEffect(() => {
    let live = true
    void mayDesign().then((yes) => live && setAllowed(yes))
    return () => {
      live = false
    }
  }, [])
  if (!allowed) return null
  return (
    <Button variant="default" leftSection={<IconLayoutDashboard size={16} />} onClick={() => navigate({ formId, recordId: null, design: true })} data-testid="design-form">
      {t('designer.open')}
    </Button>
  )
}
