import { useState } from 'react'
import { Alert, Button, Modal } from '@mantine/core'
import { IconNetwork } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { officeBridge, useOffice } from '../../lib/office'
import { OfficeConnect } from './OfficeConnect'

/**
 * 连接到办公室的电脑, beside starting fresh on the first-run screen. In the desktop app it opens the
 * pairing steps (OfficeConnect); in a browser there is nothing to pair, so it explains how to
 * reach the office PC that already shares.
 */
export function ConnectToOffice() {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const desktop = officeBridge() !== null
  const { office, run } = useOffice()
  if (typeof window !== 'undefined' && window.jimu && !desktop) return null
  return (
    <>
      <Button variant="subtle" fullWidth leftSection={<IconNetwork size={16} />} onClick={() => setOpen((v) => !v)} data-testid="setup-connect-office">
        {t('lan.setup.connect')}
      </Button>
      {open && !desktop && (
        <Alert color="blue" data-testid="setup-connect-office-help">
          {t('lan.setup.browserOnly')}
        </Alert>
      )}
      {desktop && office && (
        <Modal opened={open} onClose={() => setOpen(false)} title={t('lan.connect.title')} size="lg" data-testid="office-connect-modal">
          <OfficeConnect office={office} run={run} onClose={() => setOpen(false)} />
        </Modal>
      )}
    </>
  )
}
