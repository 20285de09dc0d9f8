import { useEffect, useState } from 'react'
import { Badge, Button, Group, Menu, Modal, Paper, Stack, Text } from '@mantine/core'
import { IconChevronRight, IconSend } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FormDto } from '@shared/api/contracts'
import { api } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'
import { useLoaded } from '../../lib/use-loaded'
import { UserMultiSelect } from '../UserPicker'
import { emitFlowsChanged } from './events'
import { STATUS_COLOR } from './InstanceView'

/**
 * On the record page: the record's approval (status, where it waits, a link to it) and 提交审批
 * when the form has a published flow and the record is not in one. `onEditable` hears which
 * fields the viewer may change while the record is in the flow (null: not restricted), so the
 * page greys out the rest. 提交审批 shows only to someone who may edit the record (`canSubmit`;
 * flows.start refuses anyone else).
 */
export function RecordFlowPanel({ form, recordId, canSubmit = true, onChanged, onEditable }: { form: FormDto; recordId: number; canSubmit?: boolean; onChanged?(): void; onEditable?(keys: string[] | null): void }) {
  const { t } = useTranslation()
  const loaded = useLoaded(async () => {
    const [status, flows] = await Promise.all([api.flows.recordStatus({ form: form.id, recordId }), api.flows.available({ form: form.id })])
    return { status, flows }
  })
  const [choose, setChoose] = useState<{ flowId: number; nodes: Array<{ id: string; label: string }> } | null>(null)
  const [chosen, setChosen] = useState<Record<string, number[]>>({})
  const users = useLoaded(() => api.users.list())
  const [busy, setBusy] = useState(false)
  const editable = loaded.data?.status?.editable ?? null
  const editableKey = JSON.stringify(editable)
  useEffect(() => {
    onEditable?.(editable)
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key covers the list's content (a reload makes a new array)
  }, [editableKey])
  if (!loaded.data) return null
  const { status } = loaded.data
  const flows = canSubmit ? loaded.data.flows : []
  if (!status && !flows.length) return null
  const open = status && (status.status === 'running' || status.status === 'returned')

  const start = async (flowId: number, picked?: Record<string, number[]>) => {
    setBusy(true)
    try {
      await api.flows.start({ flowId, recordId, chosen: picked })
      notifySuccess(t('flows.record.submitted'))
      setChoose(null)
      await loaded.reload()
      emitFlowsChanged()
      onChanged?.()
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }
  const pick = (f: (typeof flows)[number]) => (f.chooseNodes.length ? setChoose({ flowId: f.id, nodes: f.chooseNodes }) : void start(f.id))

  return (
    <Paper withBorder radius="md" px="md" py="xs" data-testid="record-flow">
      <Group justify="space-between" wrap="nowrap">
        <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
          <Text size="sm" fw={600}>{t('flows.record.approval')}</Text>
          {status ? (
            <>
              <Badge color={STATUS_COLOR[status.status]} variant="light" data-testid="record-flow-status">{t(`flows.istatus.${status.status}`)}</Badge>
              <Text size="sm" c="dimmed" truncate>
                {status.status === 'running' ? t('flows.view.waitingAt', { nodes: status.currentNodes.join(t('common.listSeparator')) }) : status.flowName}
              </Text>
            </>
          ) : (
            <Text size="sm" c="dimmed">{t('flows.record.none')}</Text>
          )}
        </Group>
        <Group gap="xs" wrap="nowrap">
          {status && (
            <Button size="xs" variant="subtle" rightSection={<IconChevronRight size={14} />} component="a" href={`#/todo/instances/${status.id}`} data-testid="record-flow-open">
              {t('flows.record.view')}
            </Button>
          )}
          {!open && flows.length === 1 && (
            <Button size="xs" leftSection={<IconSend size={14} />} loading={busy} onClick={() => pick(flows[0]!)} data-testid="record-submit">{t('flows.record.submit')}</Button>
          )}
          {!open && flows.length > 1 && (
            <Menu position="bottom-end">
              <Menu.Target>
                <Button size="xs" leftSection={<IconSend size={14} />} loading={busy} data-testid="record-submit">{t('flows.record.submit')}</Button>
              </Menu.Target>
              <Menu.Dropdown>
                {flows.map((f) => <Menu.Item key={f.id} onClick={() => pick(f)}>{f.name}</Menu.Item>)}
              </Menu.Dropdown>
            </Menu>
          )}
        </Group>
      </Group>
      {open && (
        <Text size="xs" c="dimmed" mt={4} data-testid="record-flow-locked">
          {editable?.length
            ? t('flows.record.editableHint', { fields: editable.map((k) => form.fields.find((f) => f.apiKey === k && !f.parentFieldId)?.label ?? k).join(t('common.listSeparator')) })
            : t(status.status === 'returned' && editable === null ? 'flows.record.returnedHint' : 'flows.record.lockedHint')}
        </Text>
      )}
      <Modal opened={!!choose} onClose={() => setChoose(null)} title={t('flows.record.chooseTitle')}>
        <Stack>
          {choose?.nodes.map((n) => (
            <UserMultiSelect key={n.id} label={n.label} users={users.data ?? []} value={chosen[n.id] ?? []} onChange={(ids) => setChosen({ ...chosen, [n.id]: ids })} />
          ))}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setChoose(null)}>{t('common.cancel')}</Button>
            <Button loading={busy} onClick={() => choose && void start(choose.flowId, chosen)} disabled={!choose?.nodes.every((n) => (chosen[n.id] ?? []).length)}>{t('flows.record.submit')}</Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  )
}
