import {
  ActionIcon, Button, Divider, Drawer, Group, NumberInput, Paper, Radio, SegmentedControl, Select, Stack, Switch, Table, Text, TextInput, Textarea, Tooltip
} from '@mantine/core'
import { IconPlus, IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FormDto } from '@shared/api/contracts'
import type { ApproverSource, FlowEdge, FlowGraph, FlowNode } from '@shared/api/flows'
import { KeepingFilterPanel } from '../designer/KeepingFilterPanel'
import { UserMultiSelect, UserSelect, type PickableUser } from '../UserPicker'
import { NODE_KINDS } from './node-kinds'

// The settings of one node, in a drawer beside the canvas: who (approver sources), how (mode,
// empty-approver policy), what they may touch (field permissions), when (deadline), and for a
// condition its branches. Every change goes straight into the draft graph.

interface Props {
  graph: FlowGraph
  node: FlowNode | null
  form: FormDto
  forms: FormDto[]
  users: PickableUser[]
  roles: Array<{ id: number; name: string }>
  onChange(graph: FlowGraph): void
  onDelete(nodeId: string): void
  onClose(): void
}

const SOURCE_TYPES = ['users', 'roles', 'manager', 'deptHead', 'field', 'submitter', 'chosen'] as const
const PERMS = ['hidden', 'readonly', 'editable', 'required'] as const

export function NodeConfigDrawer({ graph, node, form, forms, users, roles, onChange, onDelete, onClose }: Props) {
  const { t } = useTranslation()
  if (!node) return <Drawer opened={false} onClose={onClose} />
  const config = node.config as Record<string, unknown>
  const setNode = (patch: Partial<FlowNode>) => onChange({ ...graph, nodes: graph.nodes.map((n) => (n.id === node.id ? { ...n, ...patch } : n)) })
  const set = (patch: Record<string, unknown>) => setNode({ config: { ...config, ...patch } })
  const kind = NODE_KINDS[node.type]
  const Icon = kind.icon
  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size={node.type === 'condition' ? 640 : 520}
      title={
        <Group gap={8}>
          <Icon size={18} />
          <Text fw={600}>{t('flows.config.title', { type: t(`flows.node.${node.type}`) })}</Text>
        </Group>
      }
      withOverlay={false}
      lockScroll={false}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      // Below the app header and the designer's toolbar, so 检查 / 保存 / 发布 stay reachable.
      styles={{ inner: { top: 112, height: 'calc(100% - 112px)' }, content: { borderTopLeftRadius: 'var(--mantine-radius-md)', boxShadow: 'var(--mantine-shadow-lg)' } }}
    >
      <Stack gap="md" data-testid="node-config">
        <TextInput label={t('flows.config.label')} value={node.label} onChange={(e) => setNode({ label: e.currentTarget.value })} data-testid="node-label" />
        {node.type === 'start' && (
          <Select
            label={t('flows.config.trigger')}
            description={t('flows.config.triggerHelp')}
            data={(['manual', 'submit', 'rule'] as const).map((v) => ({ value: v, label: t(`flows.trigger.${v}`) }))}
            value={(config.trigger as string) ?? 'manual'}
            onChange={(v) => v && set({ trigger: v })}
            allowDeselect={false}
          />
        )}
        {(node.type === 'approval' || node.type === 'fillin' || node.type === 'cc') && (
          <SourcesEditor
            label={node.type === 'approval' ? t('flows.config.approvers') : node.type === 'fillin' ? t('flows.config.assignees') : t('flows.config.recipients')}
            value={(config.approvers as ApproverSource[]) ?? []}
            onChange={(approvers) => set({ approvers })}
            form={form}
            users={users}
            roles={roles}
          />
        )}
        {node.type === 'approval' && (
          <Group grow align="flex-end">
            <Select
              label={t('flows.config.mode')}
              data={(['any', 'all', 'sequential', 'ratio'] as const).map((v) => ({ value: v, label: t(`flows.mode.${v}`) }))}
              value={(config.mode as string) ?? 'any'}
              onChange={(v) => v && set({ mode: v })}
              allowDeselect={false}
              data-testid="approval-mode"
            />
            {config.mode === 'ratio' && (
              <NumberInput label={t('flows.config.ratio')} min={1} max={100} suffix="%" value={(config.ratio as number) ?? 50} onChange={(v) => set({ ratio: Number(v) || 50 })} />
            )}
          </Group>
        )}
        {(node.type === 'approval' || node.type === 'fillin') && (
          <>
            <Group grow align="flex-end">
              <Select
                label={t('flows.config.emptyPolicy')}
                data={(['admin', 'pass', 'reject', 'user'] as const).map((v) => ({ value: v, label: t(`flows.empty.${v}`) }))}
                value={(config.emptyPolicy as string) ?? 'admin'}
                onChange={(v) => v && set({ emptyPolicy: v })}
                allowDeselect={false}
              />
              {config.emptyPolicy === 'user' && (
                <UserSelect label={t('flows.config.emptyUser')} users={users} value={(config.emptyUserId as number | null) ?? null} onChange={(id) => set({ emptyUserId: id })} />
              )}
            </Group>
            <Divider label={t('flows.config.fieldPerms')} labelPosition="left" />
            <FieldPerms form={form} value={(config.fieldPerms as Record<string, string>) ?? {}} onChange={(fieldPerms) => set({ fieldPerms })} />
            <Divider label={t('flows.config.deadline')} labelPosition="left" />
            <Deadline form={form} value={(config.deadline as Deadline | null) ?? null} onChange={(deadline) => set({ deadline })} />
          </>
        )}
        {node.type === 'condition' && <Branches graph={graph} node={node} form={form} onChange={onChange} />}
        {node.type === 'action' && <ActionConfig config={config} form={form} forms={forms} set={set} />}
        {node.type === 'end' && (
          <Select
            label={t('flows.config.outcome')}
            data={(['approved', 'rejected'] as const).map((v) => ({ value: v, label: t(`flows.outcome.${v}`) }))}
            value={(config.outcome as string) ?? 'approved'}
            onChange={(v) => v && set({ outcome: v })}
            allowDeselect={false}
          />
        )}
        {node.type !== 'start' && (
          <Group justify="flex-end" mt="md">
            <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => onDelete(node.id)} data-testid="node-delete">
              {t('flows.config.deleteNode')}
            </Button>
          </Group>
        )}
      </Stack>
    </Drawer>
  )
}

function SourcesEditor({ label, value, onChange, form, users, roles }: { label: string; value: ApproverSource[]; onChange(v: ApproverSource[]): void; form: FormDto; users: PickableUser[]; roles: Array<{ id: number; name: string }> }) {
  const { t } = useTranslation()
  const memberFields = form.fields.filter((f) => f.type === 'member')
  const replace = (i: number, s: ApproverSource) => onChange(value.map((x, j) => (j === i ? s : x)))
  const fresh = (type: ApproverSource['type']): ApproverSource => {
    switch (type) {
      case 'users': return { type, ids: [] }
      case 'roles': return { type, ids: [] }
      case 'manager': return { type, level: 1 }
      case 'deptHead': return { type, level: 1 }
      case 'field': return { type, field: memberFields[0]?.apiKey ?? '' }
      case 'submitter': return { type }
      case 'chosen': return { type }
    }
  }
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>{label}</Text>
      {value.map((s, i) => (
        <Paper key={i} withBorder radius="md" p="xs" data-testid={`source-${i}`}>
          <Group gap="xs" wrap="nowrap" align="flex-start">
            <Select
              w={170}
              data={SOURCE_TYPES.map((v) => ({ value: v, label: t(`flows.source.${v}`) }))}
              value={s.type}
              onChange={(v) => v && replace(i, fresh(v as ApproverSource['type']))}
              allowDeselect={false}
              aria-label={t('flows.config.sourceType')}
            />
            <div style={{ flex: 1 }}>
              {s.type === 'users' && <UserMultiSelect users={users} value={s.ids} onChange={(ids) => replace(i, { ...s, ids })} placeholder={t('flows.config.pickUsers')} data-testid="source-users" />}
              {s.type === 'roles' && (
                <Select
                  searchable
                  data={roles.map((r) => ({ value: String(r.id), label: r.name }))}
                  value={s.ids[0] ? String(s.ids[0]) : null}
                  onChange={(v) => replace(i, { ...s, ids: v ? [Number(v)] : [] })}
                  placeholder={t('flows.config.pickRole')}
                  data-testid="source-role"
                />
              )}
              {(s.type === 'manager' || s.type === 'deptHead') && (
                <NumberInput min={1} max={10} value={s.level} onChange={(v) => replace(i, { ...s, level: Number(v) || 1 })} suffix={t('flows.config.levelSuffix')} />
              )}
              {s.type === 'field' && (
                <Select data={memberFields.map((f) => ({ value: f.apiKey, label: f.label }))} value={s.field || null} onChange={(v) => v && replace(i, { ...s, field: v })} placeholder={t('flows.config.pickMemberField')} />
              )}
              {(s.type === 'submitter' || s.type === 'chosen') && (
                <Text size="xs" c="dimmed" pt={8}>{t(`flows.source.${s.type}Help`)}</Text>
              )}
            </div>
            <ActionIcon variant="subtle" color="gray" mt={4} onClick={() => onChange(value.filter((_, j) => j !== i))} aria-label={t('flows.config.removeSource')}>
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        </Paper>
      ))}
      <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={() => onChange([...value, fresh('users')])} w="fit-content" data-testid="add-source">
        {t('flows.config.addSource')}
      </Button>
    </Stack>
  )
}

function FieldPerms({ form, value, onChange }: { form: FormDto; value: Record<string, string>; onChange(v: Record<string, string>): void }) {
  const { t } = useTranslation()
  const fields = form.fields.filter((f) => f.deletedAt === null && f.type !== 'subtable')
  return (
    <Table withRowBorders={false} verticalSpacing={4}>
      <Table.Tbody>
        {fields.map((f: FieldDto) => (
          <Table.Tr key={f.id}>
            <Table.Td><Text size="sm" truncate maw={140}>{f.label}</Text></Table.Td>
            <Table.Td>
              <SegmentedControl
                size="xs"
                fullWidth
                data={[{ value: '', label: t('flows.perm.default') }, ...PERMS.map((p) => ({ value: p, label: t(`flows.perm.${p}`) }))]}
                value={value[f.apiKey] ?? ''}
                onChange={(v) => {
                  const next = { ...value }
                  if (v) next[f.apiKey] = v
                  else delete next[f.apiKey]
                  onChange(next)
                }}
                data-testid={`perm-${f.apiKey}`}
              />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

interface Deadline { kind: 'duration' | 'field'; hours: number; field?: string; action: 'remind' | 'approve' | 'return' | 'escalate' }

function Deadline({ form, value, onChange }: { form: FormDto; value: Deadline | null; onChange(v: Deadline | null): void }) {
  const { t } = useTranslation()
  const dateFields = form.fields.filter((f) => f.type === 'date' || f.type === 'datetime')
  return (
    <Stack gap="xs">
      <Switch label={t('flows.config.deadlineOn')} checked={!!value} onChange={(e) => onChange(e.currentTarget.checked ? { kind: 'duration', hours: 24, action: 'remind' } : null)} />
      {value && (
        <>
          <Radio.Group value={value.kind} onChange={(v) => onChange({ ...value, kind: v as Deadline['kind'], field: v === 'field' ? dateFields[0]?.apiKey : undefined })}>
            <Group gap="lg">
              <Radio value="duration" label={t('flows.config.deadlineDuration')} />
              <Radio value="field" label={t('flows.config.deadlineField')} disabled={!dateFields.length} />
            </Group>
          </Radio.Group>
          <Group grow>
            {value.kind === 'field' && (
              <Select data={dateFields.map((f) => ({ value: f.apiKey, label: f.label }))} value={value.field ?? null} onChange={(v) => onChange({ ...value, field: v ?? undefined })} />
            )}
            <NumberInput min={0} value={value.hours} onChange={(v) => onChange({ ...value, hours: Number(v) || 0 })} suffix={t('flows.config.hours')} label={value.kind === 'field' ? t('flows.config.afterField') : t('flows.config.within')} />
          </Group>
          <Select
            label={t('flows.config.onDeadline')}
            data={(['remind', 'approve', 'return', 'escalate'] as const).map((v) => ({ value: v, label: t(`flows.deadline.${v}`) }))}
            value={value.action}
            onChange={(v) => v && onChange({ ...value, action: v as Deadline['action'] })}
            allowDeselect={false}
          />
        </>
      )}
    </Stack>
  )
}

function Branches({ graph, node, form, onChange }: { graph: FlowGraph; node: FlowNode; form: FormDto; onChange(g: FlowGraph): void }) {
  const { t } = useTranslation()
  const out = graph.edges.filter((e) => e.source === node.id).sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
  const target = (id: string) => graph.nodes.find((n) => n.id === id)?.label || id
  const setEdge = (id: string, patch: Partial<FlowEdge>) => onChange({ ...graph, edges: graph.edges.map((e) => (e.id === id ? { ...e, ...patch } : e)) })
  const setDefault = (id: string) => onChange({ ...graph, edges: graph.edges.map((e) => (e.source === node.id ? { ...e, isDefault: e.id === id } : e)) })
  if (!out.length) return <Text size="sm" c="dimmed">{t('flows.config.noBranches')}</Text>
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">{t('flows.config.branchesHelp')}</Text>
      {out.map((e, i) => (
        <Paper key={e.id} withBorder radius="md" p="sm" data-testid={`branch-${e.id}`}>
          <Stack gap="xs">
            <Group justify="space-between">
              <Text size="sm" fw={600}>{t('flows.config.branchTo', { n: i + 1, node: target(e.target) })}</Text>
              <Tooltip label={t('flows.config.defaultHelp')}>
                <Radio checked={!!e.isDefault} onChange={() => setDefault(e.id)} label={t('flows.edge.default')} data-testid="branch-default" />
              </Tooltip>
            </Group>
            <TextInput size="xs" label={t('flows.config.branchLabel')} value={e.label ?? ''} onChange={(ev) => setEdge(e.id, { label: ev.currentTarget.value, order: e.order ?? i + 1 })} data-testid="branch-label" />
            {!e.isDefault && <BranchFilter edge={e} form={form} onChange={(patch) => setEdge(e.id, { ...patch, order: e.order ?? i + 1 })} />}
          </Stack>
        </Paper>
      ))}
    </Stack>
  )
}

function BranchFilter({ edge, form, onChange }: { edge: FlowEdge; form: FormDto; onChange(p: Partial<FlowEdge>): void }) {
  const { t } = useTranslation()
  const fields = form.fields.filter((f) => f.deletedAt === null)
  return (
    <Stack gap={6}>
      <KeepingFilterPanel fields={fields} value={edge.filter} onChange={(next) => onChange({ filter: next ?? null })} />
      <Textarea size="xs" autosize minRows={1} label={t('flows.config.formula')} description={t('flows.config.formulaHelp')} value={edge.formula ?? ''} onChange={(ev) => onChange({ formula: ev.currentTarget.value || null })} />
    </Stack>
  )
}

function ActionConfig({ config, form, forms, set }: { config: Record<string, unknown>; form: FormDto; forms: FormDto[]; set(p: Record<string, unknown>): void }) {
  const { t } = useTranslation()
  const kind = (config.kind as string) ?? 'update'
  const target = kind === 'create' ? forms.find((f) => f.apiKey === config.form || String(f.id) === config.form) : form
  const values = (config.values as Array<{ field: string; from: string; value?: unknown }>) ?? []
  const setValues = (v: typeof values) => set({ values: v })
  return (
    <Stack gap="sm">
      <SegmentedControl
        data={[{ value: 'update', label: t('flows.action.update') }, { value: 'create', label: t('flows.action.create') }]}
        value={kind}
        onChange={(v) => set({ kind: v, values: [], form: v === 'create' ? null : null })}
      />
      {kind === 'create' && (
        <Select label={t('flows.action.form')} data={forms.map((f) => ({ value: f.apiKey, label: f.label }))} value={(config.form as string) ?? null} onChange={(v) => set({ form: v, values: [] })} searchable />
      )}
      {target && values.map((v, i) => (
        <Group key={i} gap="xs" wrap="nowrap" align="flex-end">
          <Select
            w={140}
            label={i === 0 ? t('flows.action.field') : undefined}
            data={target.fields.filter((f) => f.deletedAt === null).map((f) => ({ value: f.apiKey, label: f.label }))}
            value={v.field || null}
            onChange={(x) => setValues(values.map((y, j) => (j === i ? { ...y, field: x ?? '' } : y)))}
          />
          <Select
            w={120}
            label={i === 0 ? t('flows.action.from') : undefined}
            data={(['value', 'template', 'field', 'record', 'submitter'] as const).map((x) => ({ value: x, label: t(`flows.action.from_${x}`) }))}
            value={v.from}
            onChange={(x) => setValues(values.map((y, j) => (j === i ? { ...y, from: x ?? 'value' } : y)))}
            allowDeselect={false}
          />
          {v.from === 'field' ? (
            <Select
              style={{ flex: 1 }}
              label={i === 0 ? t('flows.action.value') : undefined}
              data={form.fields.map((f) => ({ value: f.apiKey, label: f.label }))}
              value={(v.value as string) ?? null}
              onChange={(x) => setValues(values.map((y, j) => (j === i ? { ...y, value: x } : y)))}
            />
          ) : (
            <TextInput
              style={{ flex: 1 }}
              label={i === 0 ? t('flows.action.value') : undefined}
              disabled={v.from === 'record' || v.from === 'submitter'}
              value={v.value === undefined || v.value === null ? '' : String(v.value)}
              onChange={(e) => setValues(values.map((y, j) => (j === i ? { ...y, value: e.currentTarget.value } : y)))}
            />
          )}
          <ActionIcon variant="subtle" color="gray" mb={4} onClick={() => setValues(values.filter((_, j) => j !== i))} aria-label={t('flows.config.removeSource')}>
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      {target && (
        <Button variant="light" size="xs" w="fit-content" leftSection={<IconPlus size={14} />} onClick={() => setValues([...values, { field: '', from: 'value', value: '' }])}>
          {t('flows.action.addValue')}
        </Button>
      )}
      <Text size="xs" c="dimmed">{t('flows.action.templateHelp')}</Text>
    </Stack>
  )
}
