import { lazy, Suspense, useMemo, useState } from 'react'
import {
  Badge, Box, Button, Center, CloseButton, FileButton, Grid, Group, Loader, Modal, Paper, Radio, SegmentedControl, SimpleGrid, Stack, Text, Textarea, Timeline, Title
} from '@mantine/core'
import { IconArrowBackUp, IconBell, IconCheck, IconMessage, IconPaperclip, IconUserPlus, IconUserShare, IconX } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import type { FormDto } from '@shared/api/contracts'
import type { InstanceDto } from '@shared/api/flows'
import { api } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'
import { useLoaded } from '../../lib/use-loaded'
import { LoadState } from '../LoadState'
import { UserMultiSelect, UserSelect } from '../UserPicker'
import type { NodeState } from './FlowCanvas'
import type { Names } from './node-kinds'
import { emitFlowsChanged } from './events'
import { uploadFiles, type FileRef } from './files'
import { fileUrl } from '../../lib/files'
import { rendererOf } from '../../fields/registry'
import { usePhone } from '../../lib/phone'

// The flow diagram (@xyflow) is its own chunk: a to-do or a record's approval panel shows its
// fields and buttons first.
const FlowCanvas = lazy(() => import('./FlowCanvas').then((m) => ({ default: m.FlowCanvas })))

// One approval: the graph with the path taken and the current node, the record, the full
// history with comments and times, and what the caller may do now.

export const STATUS_COLOR: Record<InstanceDto['status'], string> = { running: 'blue', returned: 'yellow', approved: 'teal', rejected: 'red', withdrawn: 'gray' }

type Dialog = null | 'approve' | 'reject' | 'return' | 'transfer' | 'sign' | 'comment'

export function InstanceView({ instanceId, forms, onDone }: { instanceId: number; forms: FormDto[]; onDone?(): void }) {
  const { t } = useTranslation()
  const loaded = useLoaded(async () => {
    const [instance, users] = await Promise.all([api.flows.instance({ id: instanceId }), api.users.list()])
    return { instance, users }
  })
  const [dialog, setDialog] = useState<Dialog>(null)
  // At phone width: the record's fields first, the history, and the actions in a bar at the
  // bottom of the screen, under the thumb; the diagram is left to the computer.
  const phone = usePhone()
  if (!loaded.data) return <LoadState failure={loaded.failure} />
  const { instance: inst, users } = loaded.data
  const form = forms.find((f) => f.id === inst.formId)
  const reload = async () => {
    await loaded.reload()
    emitFlowsChanged()
  }
  const heading = (
        <Stack gap={4}>
          <Group gap="xs">
            <Title order={3} data-testid="instance-title">{inst.title}</Title>
            <Badge color={STATUS_COLOR[inst.status]} variant="light" size="lg" data-testid="instance-status">{t(`flows.istatus.${inst.status}`)}</Badge>
          </Group>
          <Text size="sm" c="dimmed">
            {t('flows.view.meta', { flow: inst.flowName, form: inst.formLabel, submitter: inst.submitter.name, at: fmt(inst.startedAt) })}
          </Text>
          {inst.status === 'running' && inst.currentNodes.length > 0 && (
            <Text size="sm">{t('flows.view.waitingAt', { nodes: inst.currentNodes.join(t('common.listSeparator')) })}</Text>
          )}
        </Stack>
  )
  const actions = (
    <>
          {inst.can.act && (
            <>
              <Button color="teal" leftSection={<IconCheck size={16} />} onClick={() => setDialog('approve')} data-testid="act-approve">
                {t(inst.tasks.find((x) => x.id === inst.myTaskId)?.kind === 'fillin' ? 'flows.act.submit' : 'flows.act.approve')}
              </Button>
              {inst.tasks.find((x) => x.id === inst.myTaskId)?.kind === 'approval' && (
                <Button color="red" variant="light" leftSection={<IconX size={16} />} onClick={() => setDialog('reject')} data-testid="act-reject">{t('flows.act.reject')}</Button>
              )}
              <Button variant="default" leftSection={<IconArrowBackUp size={16} />} onClick={() => setDialog('return')} data-testid="act-return">{t('flows.act.return')}</Button>
              <Button variant="default" leftSection={<IconUserShare size={16} />} onClick={() => setDialog('transfer')}>{t('flows.act.transfer')}</Button>
              {inst.tasks.find((x) => x.id === inst.myTaskId)?.kind === 'approval' && (
                <Button variant="default" leftSection={<IconUserPlus size={16} />} onClick={() => setDialog('sign')}>{t('flows.act.addSigner')}</Button>
              )}
            </>
          )}
          {inst.can.resubmit && <SimpleAction label={t('flows.act.resubmit')} run={() => api.flows.resubmit({ instanceId: inst.id })} done={reload} testId="act-resubmit" />}
          {inst.can.withdraw && <SimpleAction label={t('flows.act.withdraw')} run={() => api.flows.withdraw({ instanceId: inst.id })} done={reload} color="red" testId="act-withdraw" />}
          {inst.can.urge && <SimpleAction label={t('flows.act.urge')} icon={<IconBell size={16} />} run={async () => notifySuccess(t('flows.act.urged', { count: (await api.flows.urge({ instanceId: inst.id })).urged }))} done={reload} testId="act-urge" />}
          <Button variant="subtle" leftSection={<IconMessage size={16} />} onClick={() => setDialog('comment')} data-testid="act-comment">{t('flows.act.comment')}</Button>
    </>
  )
  const history = (
          <Paper withBorder radius="md" p="md" h="100%">
            <Text fw={600} mb="sm">{t('flows.view.history')}</Text>
            <History inst={inst} />
          </Paper>
  )
  const dialogs = <ActionDialog dialog={dialog} inst={inst} form={form} users={users} onClose={() => setDialog(null)} onDone={async () => { setDialog(null); await reload(); onDone?.() }} />
  const recordPaper = inst.record && form && (
        <Paper withBorder radius="md" p="md">
          <Group justify="space-between" mb="sm">
            <Text fw={600}>{t('flows.view.record')}</Text>
            <Button variant="subtle" size="xs" component="a" href={`#/forms/${form.id}/records/${inst.recordId}`}>{t('flows.view.openRecord')}</Button>
          </Group>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="xs">
            {form.fields.filter((f) => f.deletedAt === null && !f.parentFieldId && f.apiKey in inst.record!.fields && f.type !== 'subtable').map((f) => {
              const Cell = rendererOf(f.type).Cell
              return (
                <Stack key={f.id} gap={2}>
                  <Text size="xs" c="dimmed">{f.label}{inst.fieldPerms[f.apiKey] === 'required' ? ' *' : ''}</Text>
                  <Box fz="sm" mih={22}><Cell field={f} value={inst.record!.fields[f.apiKey]} /></Box>
                </Stack>
              )
            })}
          </SimpleGrid>
        </Paper>
  )
  if (phone) {
    return (
      <Stack gap="md" data-testid="instance-view">
        {heading}
        {recordPaper}
        {history}
        <Group gap="xs" wrap="wrap" pos="sticky" bottom={0} py="sm" bg="var(--mantine-color-body)" style={{ borderTop: '1px solid var(--jimu-border)', zIndex: 2 }} data-testid="instance-actions">
          {actions}
        </Group>
        {dialogs}
      </Stack>
    )
  }
  return (
    <Stack gap="md" data-testid="instance-view">
      <Group justify="space-between" align="flex-start">
        {heading}
        <Group gap="xs">
          {actions}
        </Group>
      </Group>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
            <PathGraph inst={inst} form={form} users={users} />
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          {history}
        </Grid.Col>
      </Grid>
      {recordPaper}
      {dialogs}
    </Stack>
  )
}

function SimpleAction({ label, run, done, color, icon, testId }: { label: string; run(): Promise<unknown>; done(): Promise<void>; color?: string; icon?: React.ReactNode; testId: string }) {
  const [busy, setBusy] = useState(false)
  return (
    <Button
      variant="light"
      color={color}
      leftSection={icon}
      loading={busy}
      data-testid={testId}
      onClick={async () => {
        setBusy(true)
        try {
          await run()
          await done()
        } catch (e) {
          notifyError(e)
        } finally {
          setBusy(false)
        }
      }}
    >
      {label}
    </Button>
  )
}

function PathGraph({ inst, form, users }: { inst: InstanceDto; form: FormDto | undefined; users: Array<{ id: number; name: string }> }) {
  const names = useMemo<Names>(() => ({
    users: new Map([...users.map((u) => [u.id, u.name] as const), ...Object.entries(inst.names.users).map(([id, name]) => [Number(id), name] as const)]),
    roles: new Map(Object.entries(inst.names.roles).map(([id, name]) => [Number(id), name])),
    fields: new Map((form?.fields ?? []).filter((f) => !f.parentFieldId).map((f) => [f.apiKey, f.label]))
  }), [users, form, inst])
  const states = useMemo(() => {
    const s: Record<string, NodeState> = {}
    for (const n of inst.graph.nodes) s[n.id] = 'skipped'
    for (const id of inst.visitedNodes) s[id] = 'visited'
    for (const id of inst.activeNodes) s[id] = 'active'
    return s
  }, [inst])
  return (
    <Suspense fallback={<Center h={560}><Loader size="sm" /></Center>}>
      <FlowCanvas graph={inst.graph} names={names} states={states} takenEdges={new Set(inst.takenEdges)} height={560} />
    </Suspense>
  )
}

function History({ inst }: { inst: InstanceDto }) {
  const { t } = useTranslation()
  const pending = inst.tasks.filter((x) => x.status === 'pending' && x.kind !== 'cc')
  return (
    <Timeline bulletSize={22} lineWidth={2} active={inst.history.length - 1} data-testid="instance-history">
      {inst.history.map((h) => (
        <Timeline.Item
          key={h.id}
          color={h.action === 'reject' || (h.action === 'finish' && h.detail?.outcome === 'rejected') ? 'red' : h.action === 'return' || h.action === 'autoReturn' ? 'yellow' : 'teal'}
          title={
            <Group gap={6} wrap="nowrap">
              <Text size="sm" fw={600}>{h.actor?.name ?? t('flows.history.system')}</Text>
              <Text size="sm">{historyText(h, t)}</Text>
              {h.nodeLabel && h.action !== 'submit' && <Badge size="xs" variant="light" color="gray">{h.nodeLabel}</Badge>}
            </Group>
          }
        >
          {h.comment && <Text size="sm" mt={2} style={{ whiteSpace: 'pre-wrap' }}>“{h.comment}”</Text>}
          {h.attachments.map((a) => (
            <Group key={a.hash} gap={4} mt={2}>
              <IconPaperclip size={14} />
              <Text size="xs" component="a" href={fileUrl(a.hash, { flow: inst.id })} target="_blank" rel="noopener">{a.name}</Text>
            </Group>
          ))}
          <Text size="xs" c="dimmed" mt={2}>{fmt(h.at)}</Text>
        </Timeline.Item>
      ))}
      {pending.length > 0 && (
        <Timeline.Item color="orange" title={<Text size="sm" fw={600}>{t('flows.history.waiting', { names: pending.map((x) => x.assignee.name).join(t('common.listSeparator')) })}</Text>}>
          <Text size="xs" c="dimmed">{pending[0]!.nodeLabel}{pending.some((x) => x.dueAt) ? ` · ${t('flows.history.due', { at: fmt(pending.find((x) => x.dueAt)!.dueAt!) })}` : ''}</Text>
        </Timeline.Item>
      )}
    </Timeline>
  )
}

export function historyText(h: InstanceDto['history'][number], t: TFunction): string {
  const d = h.detail ?? {}
  switch (h.action) {
    case 'transfer':
      return t('flows.history.transfer', { name: String(d.toName ?? '') })
    case 'addSigner':
      return t(d.position === 'before' ? 'flows.history.signBefore' : 'flows.history.signAfter', { names: ((d.names as string[]) ?? []).join(t('common.listSeparator')) })
    case 'finish':
      return t(`flows.history.finish_${String(d.outcome)}`)
    case 'escalate':
      return t('flows.history.escalate', { from: String(d.fromName ?? ''), to: String(d.toName ?? '') })
    case 'overdueRemind':
    case 'autoApprove':
    case 'autoReturn':
      return t(`flows.history.${h.action}`, { name: String(d.name ?? '') })
    case 'return':
      return d.toNode ? t('flows.history.returnNode') : t('flows.history.return')
    default:
      return t(`flows.history.${h.action}`)
  }
}

function ActionDialog({ dialog, inst, form, users, onClose, onDone }: { dialog: Dialog; inst: InstanceDto; form: FormDto | undefined; users: Array<{ id: number; name: string; login?: string; active?: boolean }>; onClose(): void; onDone(): Promise<void> }) {
  const { t } = useTranslation()
  const [comment, setComment] = useState('')
  const [toNode, setToNode] = useState<string>('')
  const [user, setUser] = useState<number | null>(null)
  const [signers, setSigners] = useState<number[]>([])
  const [position, setPosition] = useState<'before' | 'after'>('before')
  const [fields, setFields] = useState<Record<string, unknown>>({})
  const [files, setFiles] = useState<FileRef[]>([])
  const [uploading, setUploading] = useState(false)
  const [busy, setBusy] = useState(false)
  const addFiles = async (picked: File[]) => {
    if (!picked.length) return
    setUploading(true)
    try {
      const added = await uploadFiles(picked)
      setFiles((prev) => [...prev, ...added])
    } catch (e) {
      notifyError(e)
    } finally {
      setUploading(false)
    }
  }
  const taskId = inst.myTaskId ?? 0
  const editable = Object.entries(inst.fieldPerms).filter(([, p]) => p === 'editable' || p === 'required').map(([k, p]) => ({ key: k, required: p === 'required', field: form?.fields.find((f) => f.apiKey === k && !f.parentFieldId) }))
  const submit = async () => {
    setBusy(true)
    try {
      const base = { taskId, comment: comment || undefined, attachments: files }
      if (dialog === 'approve') {
        const given: Record<string, unknown> = {}
        for (const [key, value] of Object.entries(fields)) {
          const field = form?.fields.find((f) => f.apiKey === key && !f.parentFieldId)
          if (!field) continue
          const write = rendererOf(field.type).toWrite(value, field, { fields: form!.fields })
          if (write !== undefined) given[key] = write
        }
        await api.flows.approve({ ...base, fields: Object.keys(given).length ? given : undefined })
      } else if (dialog === 'reject') await api.flows.reject(base)
      else if (dialog === 'return') await api.flows.return({ ...base, toNode: toNode || null })
      else if (dialog === 'transfer' && user) await api.flows.transfer({ ...base, toUserId: user })
      else if (dialog === 'sign') await api.flows.addSigner({ ...base, userIds: signers, position })
      else if (dialog === 'comment') await api.flows.comment({ instanceId: inst.id, comment, attachments: files })
      setComment('')
      setFiles([])
      await onDone()
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }
  const titles: Record<Exclude<Dialog, null>, string> = {
    approve: t('flows.act.approve'), reject: t('flows.act.reject'), return: t('flows.act.return'), transfer: t('flows.act.transfer'), sign: t('flows.act.addSigner'), comment: t('flows.act.comment')
  }
  return (
    <Modal opened={dialog !== null} onClose={onClose} title={dialog ? titles[dialog] : ''} size="md">
      <Stack>
        {dialog === 'approve' && editable.map(({ key, required, field }) => {
          if (!field) return null
          const Input = rendererOf(field.type).Input
          return (
            <Box key={key} data-testid={`fill-${key}`}>
              <Text size="sm" fw={500} mb={4}>{field.label}{required && <Text span c="red"> *</Text>}</Text>
              <Input field={field} value={key in fields ? fields[key] : (inst.record?.fields[key] ?? rendererOf(field.type).empty(field))} onChange={(v) => setFields({ ...fields, [key]: v })} compact />
            </Box>
          )
        })}
        {dialog === 'return' && (
          <Radio.Group value={toNode} onChange={setToNode} label={t('flows.act.returnTo')}>
            <Stack gap={6} mt={6}>
              <Radio value="" label={t('flows.act.returnSubmitter', { name: inst.submitter.name })} />
              {inst.returnTargets.map((n) => <Radio key={n.id} value={n.id} label={n.label} />)}
            </Stack>
          </Radio.Group>
        )}
        {dialog === 'transfer' && <UserSelect label={t('flows.act.transferTo')} users={users} value={user} onChange={setUser} exclude={[inst.submitter.id]} />}
        {dialog === 'sign' && (
          <>
            <SegmentedControl value={position} onChange={(v) => setPosition(v as 'before' | 'after')} data={[{ value: 'before', label: t('flows.act.signBefore') }, { value: 'after', label: t('flows.act.signAfter') }]} />
            <UserMultiSelect label={t('flows.act.signers')} users={users} value={signers} onChange={setSigners} />
          </>
        )}
        <Textarea label={t('flows.act.commentLabel')} autosize minRows={2} value={comment} onChange={(e) => setComment(e.currentTarget.value)} data-testid="act-comment-text" data-autofocus />
        {dialog !== 'transfer' && dialog !== 'sign' && (
          <Group gap="xs">
            <FileButton onChange={(picked) => void addFiles(picked)} multiple>
              {(props) => <Button {...props} variant="subtle" size="xs" leftSection={<IconPaperclip size={14} />} loading={uploading} data-testid="act-attach">{t('flows.act.attach')}</Button>}
            </FileButton>
            {files.map((f) => (
              <Badge key={f.hash} variant="light" color="gray" rightSection={<CloseButton size="xs" aria-label={t('flows.act.removeFile', { name: f.name })} onClick={() => setFiles(files.filter((x) => x.hash !== f.hash))} />}>
                {f.name}
              </Badge>
            ))}
          </Group>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            onClick={() => void submit()}
            loading={busy}
            color={dialog === 'reject' ? 'red' : dialog === 'approve' ? 'teal' : undefined}
            disabled={(dialog === 'transfer' && !user) || (dialog === 'sign' && !signers.length) || (dialog === 'comment' && !comment.trim())}
            data-testid="act-confirm"
          >
            {t('flows.act.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

export function fmt(iso: string): string {
  const d = new Date(iso)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}
