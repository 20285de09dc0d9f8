import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { addUnsavedGuard } from '../lib/unsaved'
import { ConfirmDialog } from './ConfirmDialog'

/**
 * While `active` (a page holds work not yet saved), leaving it — a link, the back button, closing
 * the window — asks first with a dialog. Returns that dialog, to render, and `release`, for a page
 * that leaves on purpose right after saving (before its state says so).
 */
export function useLeaveGuard(active: boolean, text: { title: string; message: string }) {
  const { t } = useTranslation()
  const [proceed, setProceed] = useState<(() => void) | null>(null)
  const remove = useRef<(() => void) | null>(null)
  useEffect(() => {
    if (!active) return
    const release = addUnsavedGuard((go) => setProceed(() => go))
    remove.current = release
    return () => {
      release()
      remove.current = null
    }
  }, [active])
  const dialog = (
    <ConfirmDialog
      opened={proceed !== null}
      title={text.title}
      message={text.message}
      confirmLabel={t('designer.leave')}
      danger
      onCancel={() => setProceed(null)}
      onConfirm={() => {
        const go = proceed
        setProceed(null)
        go?.()
      }}
    />
  )
  return { dialog, release: () => remove.current?.() }
}
