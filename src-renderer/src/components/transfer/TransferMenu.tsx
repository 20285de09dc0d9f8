import { lazy, Suspense, useState } from 'react'
import { useDesktopCommand } from '../../lib/desktop-commands'
import { Badge, Button, Group, Menu, Modal, Stack, Table, Text } from '@mantine/core'
import { IconArrowBackUp, IconChevronDown, IconFileSpreadsheet, IconFileTypeCsv, IconHistory, IconTableExport, IconTableImport, IconTemplate } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FilterNode, FormDto, ViewConfig } from '@shared/api/contracts'
import { api } from '../../api/client'
import { ConfirmDialog } from '../ConfirmDialog'
import { notifyError, notifySuccess } from '../../lib/notify'
import { downloadBase64 } from '../../lib/download'
import { useFormAccess } from '../../lib/form-access'

// 导入/导出 on the records page: the import wizard, the import template, export of what the list
// shows (the view's filter, columns and order, the search) to Excel or CSV, and the form's recent
// imports with undo.

interface Props {
  form: FormDto
  fields: FieldDto[]
  /** The saved view on screen (0: all records, not saved). */
  viewId: number
  config: ViewConfig
  filter: FilterNode | undefined
  search: string | undefined
  onChanged: () => void
}

// The wizard (file drop zone, mapping tables) is its own chunk, fetched the first time it opens.
const ImportWizard = lazy(() => import('./ImportWizard').then((m) => ({ default: m.ImportWizard })))

type Batch = Awaited<ReturnType<(typeof api.transfer)['import.batches']>>[number]

/** The columns the table shows, in its order, then the fields it does not list, then 负责人. */
export function visibleColumns(fields: FieldDto[], config: ViewConfig): string[] {
  const listed = new Set(config.columns.map((c) => c.field))
  const keys = config.columns.filter((c) => !c.hidden).map((c) => c.field)
  for (const f of fields) if (!listed.has(f.apiKey)) keys.push(f.apiKey)
  if (!listed.has('owner')) keys.push('owner')
  return keys
}

function useWizardUsed(opened: boolean): boolean {
  const [used, setUsed] = useState(opened)
  if (opened && !used) setUsed(true)
  return used
}

export function TransferMenu({ form, fields, viewId, config, filter, search, onChanged }: Props) {
  const { t } = useTranslation()
  const [wizard, setWizard] = useState(false)
  // Mounted from its first opening on, so closing it never drops an import that is still running.
  const wizardUsed = useWizardUsed(wizard)
  const [exporting, setExporting] = useState(false)
  const [history, setHistory] = useState<Batch[] | null>(null)
  const [undoing, setUndoing] = useState<Batch | null>(null)
  // What the caller's roles allow here: the import part needs 导入, the export part 导出.
  const access = useFormAccess(form.id)
  const canImport = access?.actions.includes('import') ?? false
  const canExport = access?.actions.includes('export') ?? false
  // 文件 → 导入 Excel… in the desktop app's menu opens this form's import.
  useDesktopCommand('import', () => setWizard(true), canImport)

  const exportAs = async (format: 'xlsx' | 'csv') => {
    setExporting(true)
    try {
      const file = await api.transfer.export({
        form: form.id, format, filter, search: search || undefined,
        ...(viewId ? { view: viewId } : {}),
        sort: config.sort.length ? config.sort : undefined,
        columns: visibleColumns(fields, config)
      })
      downloadBase64(file.name, file.data)
      notifySuccess(t('transfer.ui.exported', { count: file.rows }))
    } catch (e) {
      notifyError(e)
    } finally {
      setExporting(false)
    }
  }

  const template = async () => {
    try {
      const file = await api.transfer.template({ form: form.id })
      downloadBase64(file.name, file.data)
    } catch (e) {
      notifyError(e)
    }
  }

  const openHistory = async () => {
    try {
      setHistory(await api.transfer['import.batches']({ form: form.id }))
    } catch (e) {
      notifyError(e)
    }
  }

  if (!canImport && !canExport) return null
  return (
    <>
      <Menu position="bottom-end" shadow="md" width={220}>
        <Menu.Target>
          <Button variant="default" rightSection={<IconChevronDown size={14} />} leftSection={<IconTableImport size={16} />} loading={exporting} data-testid="transfer-menu">
            {t('transfer.ui.menu')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {canImport && (
            <>
              <Menu.Label>{t('transfer.ui.importGroup')}</Menu.Label>
              <Menu.Item leftSection={<IconTableImport size={16} />} onClick={() => setWizard(true)} data-testid="transfer-import">{t('transfer.ui.import')}</Menu.Item>
              <Menu.Item leftSection={<IconTemplate size={16} />} onClick={() => void template()}>{t('transfer.ui.templateDownload')}</Menu.Item>
              <Menu.Item leftSection={<IconHistory size={16} />} onClick={() => void openHistory()} data-testid="transfer-history">{t('transfer.ui.history')}</Menu.Item>
            </>
          )}
          {canImport && canExport && <Menu.Divider />}
          {canExport && (
            <>
              <Menu.Label>{t('transfer.ui.exportGroup')}</Menu.Label>
              <Menu.Item leftSection={<IconFileSpreadsheet size={16} />} onClick={() => void exportAs('xlsx')} data-testid="transfer-export-xlsx">{t('transfer.ui.exportXlsx')}</Menu.Item>
              <Menu.Item leftSection={<IconFileTypeCsv size={16} />} onClick={() => void exportAs('csv')} data-testid="transfer-export-csv">{t('transfer.ui.exportCsv')}</Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>

      {wizardUsed && (
        <Suspense fallback={null}>
          <ImportWizard form={form} opened={wizard} onClose={() => setWizard(false)} onImported={onChanged} />
        </Suspense>
      )}

      <Modal opened={history !== null} onClose={() => setHistory(null)} size="lg" title={<Group gap="xs"><IconTableExport size={18} /><Text fw={700}>{t('transfer.ui.history')}</Text></Group>}>
        {history && history.length === 0 && <Text c="dimmed" size="sm">{t('transfer.ui.historyEmpty')}</Text>}
        {history && history.length > 0 && (
          <Table fz="sm" verticalSpacing={6} data-testid="import-history">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('transfer.ui.historyFile')}</Table.Th>
                <Table.Th>{t('transfer.ui.historyWhen')}</Table.Th>
                <Table.Th>{t('transfer.ui.historyResult')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {history.map((b) => (
                <Table.Tr key={b.id}>
                  <Table.Td><Stack gap={0}><Text size="sm" fw={600}>{b.fileName}</Text><Text size="xs" c="dimmed">{b.actor?.name ?? ''}</Text></Stack></Table.Td>
                  <Table.Td><Text size="xs">{new Date(b.startedAt).toLocaleString()}</Text></Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <Badge variant="light" radius="sm" color={b.undoneAt ? 'gray' : b.status === 'done' ? 'teal' : 'red'}>{t(`transfer.ui.batch.${b.undoneAt ? 'undone' : b.status}`)}</Badge>
                      <Text size="xs" c="dimmed">{t('transfer.ui.summary', { created: b.created, updated: b.updated, failed: b.failed })}</Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {(b.status === 'done' || b.status === 'interrupted') && !b.undoneAt && b.created + b.updated > 0 && (
                      <Button size="compact-xs" variant="subtle" color="red" leftSection={<IconArrowBackUp size={14} />} onClick={() => setUndoing(b)}>{t('transfer.ui.undo')}</Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Modal>

      <ConfirmDialog
        opened={undoing !== null}
        title={t('transfer.ui.undoTitle')}
        message={undoing ? t('transfer.ui.undoBody', { file: undoing.fileName, created: undoing.created, updated: undoing.updated }) : ''}
        confirmLabel={t('transfer.ui.undo')}
        danger
        onCancel={() => setUndoing(null)}
        onConfirm={async () => {
          await api.transfer['import.undo']({ batchId: undoing!.id })
          setUndoing(null)
          onChanged()
          await openHistory()
        }}
      />
    </>
  )
}
