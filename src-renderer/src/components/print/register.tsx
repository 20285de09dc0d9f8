import { useState } from 'react'
import { Button, Tooltip } from '@mantine/core'
import { IconFileTypePdf, IconPrinter } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { api } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'
import { notifyRecordsChanged } from '../../lib/record-events'
import { openPrintView, printHash } from '../../pages/print/print-route'
import { registerRecordExtension, type RecordExtensionProps } from '../record/extensions'

// 打印 / 导出 PDF on every record. In a browser 打印 opens the print view in a new tab, which opens
// the print dialog itself (另存为 PDF is there). The desktop app opens no second window: 打印 shows
// the print view in this one, and 导出 PDF has the app print the view to a PDF stored on the record.

const inDesktop = () => typeof window !== 'undefined' && Boolean(window.jimu?.invoke)

function PrintActions({ form, record, onRecordChange }: RecordExtensionProps) {
  const { t } = useTranslation()
  const [busy, setBusy] = useState(false)
  if (!record) return null
  const open = () => {
    openPrintView(printHash(form.id, record.id, true))
  }
  const savePdf = async () => {
    setBusy(true)
    try {
      const out = await api.print.savePdf({ form: form.id, record: record.id })
      notifySuccess(t('print.saved', { name: out.file.name }))
      onRecordChange(out.record)
      notifyRecordsChanged(form.id)
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <Tooltip label={t('print.openHint')} openDelay={400}>
        <Button size="xs" variant="default" leftSection={<IconPrinter size={14} />} onClick={open} data-testid="record-print-view">
          {t('print.open')}
        </Button>
      </Tooltip>
      {inDesktop() && (
        <Tooltip label={t('print.savePdfHint')} openDelay={400}>
          <Button size="xs" variant="default" leftSection={<IconFileTypePdf size={14} />} loading={busy} onClick={() => void savePdf()} data-testid="record-save-pdf">
            {t('print.savePdf')}
          </Button>
        </Tooltip>
      )}
    </>
  )
}

registerRecordExtension({ key: 'print', forms: '*', Actions: PrintActions })
