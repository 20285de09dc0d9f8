import { useEffect, useState } from 'react'
import { Button, Tooltip } from '@mantine/core'
import { IconAlertTriangle } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { BackupStatusDto } from '@shared/api/settings'
import { api } from '../../api/client'
import { routeHash } from '../../lib/route'

const POLL_MS = 5 * 60_000

/**
 * In the header, for administrators: the last good backup is older than the schedule allows, or
 * the second place could not be reached. Polls the status; shows nothing while all is well.
 */
export function BackupWarning() {
  const { t } = useTranslation()
  const [status, setStatus] = useState<BackupStatusDto | null>(null)
  useEffect(() => {
    let live = true
    const poll = () =>
      api.backups.status().then(
        (s) => live && setStatus(s),
        () => undefined
      )
    void poll()
    const timer = setInterval(() => void poll(), POLL_MS)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [])
  if (!status || (!status.overdue && !status.copyFailed)) return null
  const label = status.copyFailed ? t('backup.warn.copy', { path: status.copyFailed.path }) : status.lastGood ? t('backup.overdue', { at: new Date(status.lastGood.at).toLocaleString() }) : t('backup.never')
  return (
    <Tooltip label={label} multiline w={280}>
      <Button component="a" href={routeHash({ formId: null, recordId: null, section: 'backups' })} size="xs" variant="light" color={status.copyFailed ? 'red' : 'orange'} leftSection={<IconAlertTriangle size={14} />} data-testid="backup-warning">
        {status.copyFailed ? t('backup.warn.copyShort') : t('backup.warn.overdueShort')}
      </Button>
    </Tooltip>
  )
}
