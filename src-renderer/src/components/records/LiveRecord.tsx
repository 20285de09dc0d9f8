import { useEffect, useRef, useState, type ReactNode } from 'react'
import { Alert, Button, Group, Text } from '@mantine/core'
import { IconRefresh } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto, RecordDto } from '@shared/api/contracts'
import { api } from '../../api/client'
import { onLiveRecord, type LiveRecordEvent } from '../../lib/live'
import { notifyError } from '../../lib/notify'

// An open record that someone else changes (lib/live.ts): untouched, it refreshes by itself (an
// approval's 审批中 turns 已通过 on the rep's screen); with unsaved edits it says who changed what
// — "张伟 修改了 金额 刚刚" — and offers 重新加载 (take theirs, drop mine) or 保留我的 (keep my edits
// on top of their version, so saving no longer meets the stale-version refusal and does not undo
// their changes to fields I left alone).

interface Conflict { by: string | null; fields: string[]; at: number }

export interface LiveRecordOptions {
  formId: number
  recordId: number | null
  record: RecordDto | null
  fields: readonly FieldDto[]
  dirty: boolean
  saving: boolean
  /** Show the fresh record: `keepMine` keeps the user's edited fields over it. */
  apply(fresh: RecordDto, keepMine: boolean): void
}

/** Returns a tick that changes whenever the record changed (remount panels that load their own state) and the banner to show. */
export function useLiveRecord(options: LiveRecordOptions): { tick: number; banner: ReactNode } {
  const { t } = useTranslation()
  const [tick, setTick] = useState(0)
  const [conflict, setConflict] = useState<Conflict | null>(null)
  const latest = useRef(options)
  useEffect(() => {
    latest.current = options
  })
  const { formId, recordId } = options

  useEffect(() => setConflict(null), [formId, recordId])

  useEffect(() => {
    if (recordId === null) return
    return onLiveRecord((event: LiveRecordEvent) => {
      if (event.formId !== formId || event.id !== recordId) return
      const now = latest.current
      // Our own save on its way back, or a change already shown.
      if (now.saving) return
      if (event.version != null && now.record && event.version <= now.record.version) return
      if (event.kind === 'flow' || !now.dirty) {
        setTick((n) => n + 1)
        if (now.dirty) return
        void api.records.get({ form: formId, id: recordId }).then((fresh) => latest.current.apply(fresh, false), () => undefined)
        return
      }
      const labels = (event.fields ?? []).map((key) => now.fields.find((f) => f.apiKey === key)?.label).filter((x): x is string => !!x)
      setConflict({ by: event.by?.name ?? null, fields: labels, at: event.at })
    })
  }, [formId, recordId])

  const reload = async (keepMine: boolean) => {
    if (recordId === null) return
    try {
      const fresh = await api.records.get({ form: formId, id: recordId })
      latest.current.apply(fresh, keepMine)
      setConflict(null)
      setTick((n) => n + 1)
    } catch (error) {
      notifyError(error)
    }
  }

  const bannerRef = useRef<HTMLDivElement>(null)
  // On a phone the user is usually scrolled down to the field being edited: bring the news into view.
  useEffect(() => {
    if (conflict) bannerRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' })
  }, [conflict])

  const banner = conflict ? (
    <Alert ref={bannerRef} color="yellow" icon={<IconRefresh size={18} />} data-testid="live-conflict" title={t('live.changedTitle')}>
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Text size="sm">
          {t(conflict.fields.length ? 'live.changedFields' : 'live.changed', {
            who: conflict.by ?? t('live.someone'),
            fields: conflict.fields.join(t('live.separator')),
            when: t('live.justNow')
          })}
        </Text>
        <Group gap="xs">
          <Button size="xs" onClick={() => void reload(false)} data-testid="live-reload">
            {t('live.reload')}
          </Button>
          <Button size="xs" variant="default" onClick={() => void reload(true)} data-testid="live-keep">
            {t('live.keepMine')}
          </Button>
        </Group>
      </Group>
    </Alert>
  ) : null
  return { tick, banner }
}
