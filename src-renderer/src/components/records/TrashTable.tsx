import { useCallback, useEffect, useState } from 'react'
import { Button, Center, Checkbox, EmptyState, Group, Loader, Paper, Table, Text } from '@mantine/core'
import { IconRestore, IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FormDto, RecordDto } from '@shared/api/contracts'
import { api } from '../../api/client'
import { rendererOf } from '../../fields/registry'
import { formatInstant } from '../../fields/datetime'
import { notifyError, notifySuccess } from '../../lib/notify'

/** The recycle bin of one form: deleted records, restorable one by one or in bulk. */
export function TrashTable({ form, fields, onRestored }: { form: FormDto; fields: FieldDto[]; onRestored(): void }) {
  const { t } = useTranslation()
  const [records, setRecords] = useState<RecordDto[] | null>(null)
  const [selected, setSelected] = useState<Set<number>>(new Set())
  const [busy, setBusy] = useState(false)
  const shown = fields.slice(0, 6)

  const load = useCallback(async () => {
    try {
      setRecords(await api.records.trash({ form: form.id, limit: 500 }))
    } catch (error) {
      notifyError(error)
      setRecords([])
    }
  }, [form.id])

  useEffect(() => {
    void load()
  }, [load])

  const restore = async (ids: number[]) => {
    setBusy(true)
    try {
      const { restored } = await api.records.restore({ form: form.id, ids })
      notifySuccess(t('records.restored', { count: restored }))
      setSelected(new Set())
      await load()
      onRestored()
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  if (records === null) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    )
  }
  if (records.length === 0) {
    return (
      <Paper withBorder radius="md" py={48}>
        <EmptyState icon={<IconTrash size={32} />} variant="light" color="gray" title={t('records.trashEmpty')} />
      </Paper>
    )
  }
  const allSelected = records.every((r) => selected.has(r.id))
  return (
    <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
      <Group justify="space-between" px="md" py="xs" bg="var(--mantine-color-gray-0)">
        <Text size="sm" c="dimmed">
          {selected.size ? t('records.selected', { count: selected.size }) : t('records.total', { count: records.length })}
        </Text>
        <Button size="xs" leftSection={<IconRestore size={14} />} disabled={selected.size === 0} loading={busy} onClick={() => void restore([...selected])}>
          {t('records.restoreSelected')}
        </Button>
      </Group>
      <Table.ScrollContainer minWidth={600} type="native">
        <Table className="jimu-table" verticalSpacing="sm" horizontalSpacing="md" data-testid="trash-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={44}>
                <Checkbox aria-label={t('records.selectAll')} checked={allSelected} onChange={() => setSelected(allSelected ? new Set() : new Set(records.map((r) => r.id)))} />
              </Table.Th>
              {shown.map((f) => (
                <Table.Th key={f.id} ta={rendererOf(f.type).numeric ? 'right' : undefined}>
                  {f.label}
                </Table.Th>
              ))}
              <Table.Th>{t('records.deletedAt')}</Table.Th>
              <Table.Th w={100} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {records.map((record) => (
              <Table.Tr key={record.id}>
                <Table.Td>
                  <Checkbox
                    aria-label={t('records.selectRow')}
                    checked={selected.has(record.id)}
                    onChange={() => {
                      const next = new Set(selected)
                      if (next.has(record.id)) next.delete(record.id)
                      else next.add(record.id)
                      setSelected(next)
                    }}
                  />
                </Table.Td>
                {shown.map((f) => {
                  const { Cell, numeric } = rendererOf(f.type)
                  return (
                    <Table.Td key={f.id} ta={numeric ? 'right' : undefined}>
                      <Cell field={f} value={record.fields[f.apiKey] ?? null} />
                    </Table.Td>
                  )
                })}
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    {formatInstant(record.deletedAt ?? null)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Button size="compact-sm" variant="light" leftSection={<IconRestore size={14} />} onClick={() => void restore([record.id])} disabled={busy}>
                    {t('records.restore')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  )
}
