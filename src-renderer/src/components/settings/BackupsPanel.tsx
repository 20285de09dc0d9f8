import { useState } from 'react'
import { Alert, Badge, Button, Card, Group, Modal, NumberInput, Stack, Switch, Table, Text, TextInput, Title, Tooltip } from '@mantine/core'
import { IconAlertTriangle, IconArchive, IconDatabaseExport, IconRestore, IconShieldCheck } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { BackupEntryDto, BackupPreviewDto, BackupSettings } from '@shared/api/settings'
import { RESTORE_CONFIRMATION } from '@shared/api/settings'
import { api, ApiError } from '../../api/client'
import { LoadState } from '../LoadState'
import { notifyError, notifySuccess } from '../../lib/notify'
import { useLoaded } from '../../lib/use-loaded'

const size = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`)
const when = (iso: string) => new Date(iso).toLocaleString()

type Target = { file: string } | { path: string }
interface Task {
  (): Promise<unknown>
}

/**
 * 备份与恢复: the schedule, how many are kept and the second place; the backups with where each
 * was copied; back up now; restore (a backup here or a file on a USB stick) after a preview and a
 * typed confirmation; the whole data folder as one archive.
 */
export function BackupsPanel({ initial, onRestored }: { initial: BackupSettings; onRestored(): void }) {
  const { t } = useTranslation()
  const list = useLoaded(() => api.backups.overview())
  const status = useLoaded(() => api.backups.status())
  const [settings, setSettings] = useState(initial)
  const [errors, setErrors] = useState<Partial<Record<keyof BackupSettings, string>>>({})
  const [busy, setBusy] = useState<string | null>(null)
  const [restoring, setRestoring] = useState<Target | null>(null)
  const [fromPath, setFromPath] = useState('')
  const [exportFolder, setExportFolder] = useState('')

  const reload = () => {
    void list.reload()
    void status.reload()
  }

  const run = async (what: string, fn: Task) => {
    setBusy(what)
    try {
      await fn()
    } catch (e) {
      if (e instanceof ApiError && e.field && e.field in settings) setErrors({ [e.field]: e.message })
      else notifyError(e)
    } finally {
      setBusy(null)
    }
  }

  const save = () =>
    run('save', async () => {
      const saved = await api.settings.updateBackup(settings)
      setSettings(saved)
      setErrors({})
      notifySuccess(t('backup.settingsSaved'))
      reload()
    })

  const backupNow = () =>
    run('now', async () => {
      const entry = await api.backups.run()
      const failed = entry.copies.find((c) => !c.ok)
      if (failed) notifyError(new Error(t('backup.copyFailed', { path: failed.path, error: failed.error ?? '' })))
      notifySuccess(t('backup.done', { file: entry.file }))
      reload()
    })

  const exportArchive = () =>
    run('export', async () => {
      const out = await api.backups.exportArchive({ folder: exportFolder.trim() })
      notifySuccess(t('backup.exported', { path: out.path, size: size(out.size) }))
    })

  const s = status.data
  return (
    <Stack gap="md">
      {s?.overdue && (
        <Alert color="orange" icon={<IconAlertTriangle size={18} />} data-testid="backup-overdue">
          {s.lastGood ? t('backup.overdue', { at: when(s.lastGood.at) }) : t('backup.never')}
        </Alert>
      )}
      {s?.copyFailed && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} data-testid="backup-copy-failed">
          {t('backup.copyFailed', { path: s.copyFailed.path, error: s.copyFailed.error })}
        </Alert>
      )}
      <Card withBorder radius="md" p="md">
        <Stack gap="sm">
          <Title order={5}>{t('backup.schedule')}</Title>
          <Group align="flex-end" gap="md">
            <Switch label={t('backup.scheduled')} checked={settings.scheduled} onChange={(e) => setSettings({ ...settings, scheduled: e.currentTarget.checked })} data-testid="backup-scheduled" />
            <TextInput type="time" label={t('backup.time')} value={settings.time} error={errors.time} disabled={!settings.scheduled} onChange={(e) => setSettings({ ...settings, time: e.currentTarget.value })} w={130} data-testid="backup-time" />
            <NumberInput label={t('backup.keep')} value={settings.keep} min={3} max={14} error={errors.keep} onChange={(v) => setSettings({ ...settings, keep: typeof v === 'number' ? v : settings.keep })} w={150} data-testid="backup-keep" />
          </Group>
          <TextInput
            label={t('backup.copyTo')}
            description={t('backup.copyToHint')}
            placeholder={t('backup.copyToPlaceholder')}
            value={settings.copyTo ?? ''}
            error={errors.copyTo}
            onChange={(e) => setSettings({ ...settings, copyTo: e.currentTarget.value.trim() ? e.currentTarget.value : null })}
            data-testid="backup-copy-to"
          />
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {s?.nextAt ? t('backup.next', { at: when(s.nextAt) }) : t('backup.noSchedule')}
            </Text>
            <Button onClick={() => void save()} loading={busy === 'save'} data-testid="backup-save">
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </Card>

      <Card withBorder radius="md" p="md">
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={5}>{t('backup.list')}</Title>
            <Button leftSection={<IconShieldCheck size={16} />} onClick={() => void backupNow()} loading={busy === 'now'} data-testid="backup-now">
              {busy === 'now' ? t('backup.running') : t('backup.now')}
            </Button>
          </Group>
          {!list.data ? (
            <LoadState failure={list.failure} />
          ) : list.data.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('backup.empty')}
            </Text>
          ) : (
            <Table striped data-testid="backup-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('backup.col.time')}</Table.Th>
                  <Table.Th>{t('backup.col.reason')}</Table.Th>
                  <Table.Th>{t('backup.col.size')}</Table.Th>
                  <Table.Th>{t('backup.col.copies')}</Table.Th>
                  <Table.Th w={110} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.map((b: BackupEntryDto) => (
                  <Table.Tr key={b.file}>
                    <Table.Td>{when(b.createdAt)}</Table.Td>
                    <Table.Td>{t(`backup.reason.${b.reason.replace(/-\d+$/, '')}`, { defaultValue: b.reason })}</Table.Td>
                    <Table.Td>{size(b.size)}</Table.Td>
                    <Table.Td>
                      {b.copies.length === 0 ? (
                        <Text size="xs" c="dimmed">
                          {t('backup.noCopy')}
                        </Text>
                      ) : (
                        b.copies.map((c) => (
                          <Tooltip key={c.path} label={c.ok ? c.path : `${c.path}: ${c.error ?? ''}`}>
                            <Badge color={c.ok ? 'green' : 'red'} variant="light" radius="sm">
                              {c.ok ? t('backup.copyOk') : t('backup.copyBad')}
                            </Badge>
                          </Tooltip>
                        ))
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Button size="xs" variant="subtle" leftSection={<IconRestore size={14} />} onClick={() => setRestoring({ file: b.file })} data-testid={`backup-restore-${b.file}`}>
                        {t('backup.restore')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Group align="flex-end" gap="sm">
            <TextInput label={t('backup.fromPath')} placeholder={t('backup.fromPathPlaceholder')} value={fromPath} onChange={(e) => setFromPath(e.currentTarget.value)} style={{ flex: 1 }} data-testid="backup-from-path" />
            <Button variant="default" leftSection={<IconRestore size={16} />} disabled={!fromPath.trim()} onClick={() => setRestoring({ path: fromPath.trim() })} data-testid="backup-from-path-open">
              {t('backup.restoreFile')}
            </Button>
          </Group>
        </Stack>
      </Card>

      <Card withBorder radius="md" p="md">
        <Stack gap="sm">
          <Group gap="xs">
            <IconArchive size={18} />
            <Title order={5}>{t('backup.archive')}</Title>
          </Group>
          <Text size="sm" c="dimmed">
            {t('backup.archiveHint')}
          </Text>
          <Group align="flex-end" gap="sm">
            <TextInput label={t('backup.archiveFolder')} placeholder={t('backup.copyToPlaceholder')} value={exportFolder} onChange={(e) => setExportFolder(e.currentTarget.value)} style={{ flex: 1 }} data-testid="archive-folder" />
            <Button variant="default" leftSection={<IconDatabaseExport size={16} />} disabled={!exportFolder.trim()} loading={busy === 'export'} onClick={() => void exportArchive()} data-testid="archive-export">
              {t('backup.exportArchive')}
            </Button>
          </Group>
        </Stack>
      </Card>

      {restoring && <RestoreDialog target={restoring} onClose={() => setRestoring(null)} onRestored={onRestored} />}
    </Stack>
  )
}

/** What the backup holds, then a typed confirmation: restoring replaces everything entered since. */
function RestoreDialog({ target, onClose, onRestored }: { target: Target; onClose(): void; onRestored(): void }) {
  const { t } = useTranslation()
  const preview = useLoaded<BackupPreviewDto>(() => api.backups.preview(target))
  const [typed, setTyped] = useState('')
  const [busy, setBusy] = useState(false)
  const restore = async () => {
    setBusy(true)
    try {
      await api.backups.restoreFrom({ ...target, confirm: RESTORE_CONFIRMATION })
      notifySuccess(t('backup.restored'))
      onClose()
      onRestored()
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal opened onClose={onClose} centered size="lg" title={<Text fw={600}>{t('backup.restoreTitle')}</Text>}>
      {!preview.data ? (
        <LoadState failure={preview.failure} />
      ) : (
        <Stack gap="sm" data-testid="restore-preview">
          <Text size="sm">{t('backup.previewWhen', { at: preview.data.createdAt ? when(preview.data.createdAt) : '—', size: size(preview.data.size), users: preview.data.users })}</Text>
          <Table withTableBorder>
            <Table.Tbody>
              {preview.data.forms.map((f) => (
                <Table.Tr key={f.apiKey}>
                  <Table.Td>{f.label}</Table.Td>
                  <Table.Td ta="right">{t('backup.records', { count: f.count })}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Alert color="orange" icon={<IconAlertTriangle size={18} />}>
            {t('backup.restoreWarning')}
          </Alert>
          <TextInput label={t('backup.typeToConfirm', { word: RESTORE_CONFIRMATION })} value={typed} onChange={(e) => setTyped(e.currentTarget.value)} data-testid="restore-confirm" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button color="red" disabled={typed.trim() !== RESTORE_CONFIRMATION} loading={busy} onClick={() => void restore()} data-testid="restore-run">
              {t('backup.restore')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}
