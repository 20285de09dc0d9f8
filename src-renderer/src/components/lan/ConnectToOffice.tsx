import { useState } from 'react'
import { Alert, Button } from '@mantine/core'
import { IconNetwork } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'

/**
 * 连接到办公室的电脑, beside starting fresh on the first-run screen. In a browser there is nothing
 * to pair: it explains how to reach the office PC that already shares. The desktop app's pairing
 * screen (src-main/lan/client.ts) is not wired into the Electron shell yet, so the option is
 * shown in browsers only.
 */
export function ConnectToOffice() {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  if (typeof window !== 'undefined' && window.jimu) return null
  return (
    <>
      <Button variant="subtle" fullWidth leftSection={<IconNetwork size={16} />} onClick={() => setOpen((v) => !v)} data-testid="setup-connect-office">
        {t('lan.setup.connect')}
      </Button>
      {open && (
        <Alert color="blue" data-testid="setup-connect-office-help">
          {t('lan.setup.browserOnly')}
        </Alert>
      )}
    </>
  )
}
