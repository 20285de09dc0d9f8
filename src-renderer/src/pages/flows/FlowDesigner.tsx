import { useCallback, useEffect, useMemo, useState } from 'react'
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange } from '@xyflow/react'
import {
  ActionIcon, Alert, Anchor, Badge, Box, Button, Group, Paper, Popover, ScrollArea, Select, Stack, Switch, Text, TextInput, ThemeIcon, Tooltip, UnstyledButton
} from '@mantine/core'
import { IconAlertTriangle, IconArrowLeft, IconCheck, IconCloudUpload, IconDeviceFloppy, IconLayoutDistributeHorizontal, IconSettings } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FormDto } from '@shared/api/contracts'
import type { FlowDto, FlowGraph, NodeType, ValidationIssue } from '@shared/api/flows'
import { api } from '../../api/client'
import { FlowCanvas, type NodeState } from '../../components/flows/FlowCanvas'
import { NodeConfigDrawer } from '../../components/flows/NodeConfigDrawer'
import { NODE_KINDS, PALETTE, type Names } from '../../components/flows/node-kinds'
import { autoLayout } from '../../components/flows/layout'
import { LoadState } from '../../components/LoadState'
import { useLeaveGuard } from '../../components/LeaveGuard'
import { notifyError, notifySuccess } from '../../lib/notify'
import { useLoaded } from '../../lib/use-loaded'

// The flow designer: a palette of node types, the canvas (@xyflow/react), a settings drawer per
// node, validation with the offending nodes highlighted, save and publish.

export function FlowDesigner({ flowId, forms }: { flowId: number; forms: FormDto[] }) {
  const { t } = useTranslation()
  const loaded = useLoaded(async () => {
    const [flow, users, roles] = await Promise.all([api.flows.get({ id: flowId }), api.users.list(), api.roles.list()])
    return { flow, users, roles }
  })
  if (!loaded.data) return <LoadState failure={loaded.failure} />
  const form = forms.find((f) => f.id === loaded.data!.flow.formId)
  if (!form) return <LoadState failure={t('shell.formNotFound')} />
  return <Designer initial={loaded.data.flow} users={loaded.data.users} roles={loaded.data.roles} form={form} forms={forms} />
}

let seq = 0
const newId = (type: string) => `${type}${Date.now().toString(36)}${(seq++).toString(36)}`

function Designer({ initial, users, roles, form, forms }: { initial: FlowDto; users: Array<{ id: number; name: string; active: boolean }>; roles: Array<{ id: number; name: string }>; form: FormDto; forms: FormDto[] }) {
  const { t } = useTranslation()
  const [flow, setFlow] = useState(initial)
  const [graph, setGraph] = useState<FlowGraph>(initial.draft)
  const [name, setName] = useState(initial.name)
  const [status, setStatus] = useState(initial.status)
  const [enabled, setEnabled] = useState(initial.enabled)
  const [selected, setSelected] = useState<string | null>(null)
  const [issues, setIssues] = useState<ValidationIssue[] | null>(null)
  const [busy, setBusy] = useState<'save' | 'publish' | null>(null)
  /** Bumped to fit the whole graph in view (after adding a node, after 自动排列). */
  const [fitToken, setFitToken] = useState(0)
  const dirty = JSON.stringify(graph) !== JSON.stringify(flow.draft) || name !== flow.name || JSON.stringify(status) !== JSON.stringify(flow.status) || enabled !== flow.enabled

  const names = useMemo<Names>(() => ({
    users: new Map(users.map((u) => [u.id, u.name])),
    roles: new Map(roles.map((r) => [r.id, r.name])),
    fields: new Map(form.fields.map((f) => [f.apiKey, f.label]))
  }), [users, roles, form])

  // Unsaved changes are not lost by leaving (a navigation link, closing the window) by accident.
  const leaveGuard = useLeaveGuard(dirty, { title: t('flows.designer.leaveTitle'), message: t('flows.designer.leaveBody') })

  const onNodesChange = useCallback((changes: NodeChange[]) => {
    setGraph((g) => {
      const removed = new Set(changes.filter((c) => c.type === 'remove').map((c) => c.id))
      const cards = g.nodes.map((n) => ({ id: n.id, position: n.position, data: {} }))
      const moved = applyNodeChanges(changes.filter((c) => c.type === 'position' || c.type === 'remove'), cards)
      const pos = new Map(moved.map((n) => [n.id, n.position]))
      return {
        nodes: g.nodes.filter((n) => !removed.has(n.id) || n.type === 'start').map((n) => ({ ...n, position: pos.get(n.id) ?? n.position })),
        edges: g.edges.filter((e) => !removed.has(e.source) && !removed.has(e.target))
      }
    })
  }, [])
  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    setGraph((g) => {
      const kept = new Set(applyEdgeChanges(changes, g.edges.map((e) => ({ id: e.id, source: e.source, target: e.target }))).map((e) => e.id))
      return { ...g, edges: g.edges.filter((e) => kept.has(e.id)) }
    })
  }, [])
  const onConnect = useCallback((c: Connection) => {
    if (!c.source || !c.target || c.source === c.target) return
    setGraph((g) => {
      if (g.edges.some((e) => e.source === c.source && e.target === c.target)) return g
      const source = g.nodes.find((n) => n.id === c.source)
      const siblings = g.edges.filter((e) => e.source === c.source).length
      const edge = { id: `e-${c.source}-${c.target}`, source: c.source!, target: c.target!, ...(source?.type === 'condition' ? { order: siblings + 1, isDefault: siblings === 0 ? false : undefined } : {}) }
      return { ...g, edges: [...g.edges, edge] }
    })
  }, [])

  /** A new node goes under the selected one (or the lowest), moved right until it overlaps nothing. */
  const addNode = (type: NodeType) => {
    const anchor = graph.nodes.find((n) => n.id === selected) ?? graph.nodes.reduce((a, b) => (b.position.y > a.position.y ? b : a), graph.nodes[0]!)
    const id = newId(type)
    const position = { x: anchor.position.x, y: anchor.position.y + 120 }
    while (graph.nodes.some((n) => Math.abs(n.position.x - position.x) < 240 && Math.abs(n.position.y - position.y) < 80)) position.x += 270
    const node = { id, type, label: t(`flows.node.${type}`), position, config: structuredClone(NODE_KINDS[type].defaults) }
    setGraph((g) => ({ ...g, nodes: [...g.nodes, node] }))
    setSelected(id)
    setFitToken((v) => v + 1)
  }

  const deleteNode = (id: string) => {
    setGraph((g) => ({ nodes: g.nodes.filter((n) => n.id !== id), edges: g.edges.filter((e) => e.source !== id && e.target !== id) }))
    setSelected(null)
  }

  const save = async (): Promise<FlowDto | null> => {
    setBusy('save')
    try {
      const saved = await api.flows.save({ id: flow.id, name, draft: graph, status, enabled })
      setFlow(saved)
      setGraph(saved.draft)
      return saved
    } catch (e) {
      notifyError(e)
      return null
    } finally {
      setBusy(null)
    }
  }

  const validate = async () => {
    try {
      const found = await api.flows.validate({ id: flow.id, draft: graph })
      setIssues(found)
      return found
    } catch (e) {
      notifyError(e)
      return null
    }
  }

  const publish = async () => {
    const found = await validate()
    if (!found || found.length) return
    const saved = dirty ? await save() : flow
    if (!saved) return
    setBusy('publish')
    try {
      const result = await api.flows.publish({ id: flow.id })
      setFlow(result.flow)
      notifySuccess(t('flows.designer.publishedVersion', { version: result.version }))
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(null)
    }
  }

  // Once checked, the problems follow the edits: they are checked again shortly after each change.
  const checked = issues !== null
  useEffect(() => {
    if (!checked) return
    const timer = setTimeout(() => {
      // A failed background re-check keeps the last list; the 检查 button reports the failure.
      api.flows.validate({ id: initial.id, draft: graph }).then(setIssues).catch(() => undefined)
    }, 400)
    return () => clearTimeout(timer)
  }, [graph, checked, initial.id])

  const issueByNode = useMemo(() => {
    const map: Record<string, string> = {}
    for (const i of issues ?? []) if (i.nodeId && !map[i.nodeId]) map[i.nodeId] = i.message
    return map
  }, [issues])
  const issueEdges = useMemo(() => new Set((issues ?? []).map((i) => i.edgeId).filter((x): x is string => !!x)), [issues])
  const states = useMemo<Record<string, NodeState>>(() => ({}), [])
  const selectedNode = graph.nodes.find((n) => n.id === selected) ?? null
  const selectFields = form.fields.filter((f) => f.type === 'select')
  const statusField = form.fields.find((f) => f.apiKey === status.field)
  const statusOptions = ((statusField?.config as { options?: Array<{ id: string; label: string }> } | undefined)?.options ?? []).map((o) => ({ value: o.id, label: o.label }))

  return (
    <Stack gap="sm" h="calc(100vh - 92px)">
      <Group justify="space-between" wrap="nowrap">
        <Group gap="sm" wrap="nowrap">
          <Tooltip label={t('flows.designer.back')}>
            <ActionIcon variant="subtle" component="a" href="#/flows" aria-label={t('flows.designer.back')}>
              <IconArrowLeft size={18} />
            </ActionIcon>
          </Tooltip>
          <TextInput value={name} onChange={(e) => setName(e.currentTarget.value)} variant="unstyled" fz="lg" fw={700} w={260} aria-label={t('flows.list.name')} styles={{ input: { fontSize: 20, fontWeight: 700 } }} data-testid="designer-name" />
          <Badge variant="light" color="gray">{form.label}</Badge>
          {flow.publishedVersion ? (
            <Badge variant="light" color={flow.dirty || dirty ? 'yellow' : 'teal'}>
              {flow.dirty || dirty ? t('flows.list.unpublishedChanges') : t('flows.list.published', { version: flow.publishedVersion })}
            </Badge>
          ) : (
            <Badge variant="outline" color="gray">{t('flows.list.draft')}</Badge>
          )}
        </Group>
        <Group gap="xs" wrap="nowrap">
          <Popover width={340} position="bottom-end" shadow="md">
            <Popover.Target>
              <Button variant="default" leftSection={<IconSettings size={16} />}>{t('flows.designer.settings')}</Button>
            </Popover.Target>
            <Popover.Dropdown>
              <Stack gap="sm">
                <Switch label={t('flows.designer.enabled')} checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
                <Select
                  label={t('flows.designer.statusField')}
                  description={t('flows.designer.statusFieldHelp')}
                  data={selectFields.map((f) => ({ value: f.apiKey, label: f.label }))}
                  value={status.field}
                  onChange={(v) => setStatus({ ...status, field: v })}
                  clearable
                  comboboxProps={{ withinPortal: false }}
                />
                {status.field && (['pending', 'approved', 'rejected', 'withdrawn'] as const).map((k) => (
                  <Select key={k} size="xs" label={t(`flows.status.${k}`)} data={statusOptions} value={status[k]} onChange={(v) => v && setStatus({ ...status, [k]: v })} comboboxProps={{ withinPortal: false }} />
                ))}
              </Stack>
            </Popover.Dropdown>
          </Popover>
          <Button variant="default" leftSection={<IconLayoutDistributeHorizontal size={16} />} onClick={() => { setGraph((g) => autoLayout(g)); setFitToken((v) => v + 1) }} data-testid="flow-layout">{t('flows.designer.layout')}</Button>
          <Button variant="default" leftSection={<IconCheck size={16} />} onClick={() => void validate()} data-testid="flow-validate">{t('flows.designer.validate')}</Button>
          <Button variant="default" leftSection={<IconDeviceFloppy size={16} />} onClick={() => void save().then((s) => s && notifySuccess(t('common.saved')))} loading={busy === 'save'} disabled={!dirty} data-testid="flow-save">
            {t('common.save')}
          </Button>
          <Button leftSection={<IconCloudUpload size={16} />} onClick={() => void publish()} loading={busy === 'publish'} data-testid="flow-publish">{t('flows.designer.publish')}</Button>
        </Group>
      </Group>
      {issues && issues.length > 0 && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={t('flows.designer.issues', { count: issues.length })} data-testid="flow-issues">
          <Stack gap={2}>
            {issues.map((i, k) => (
              <Anchor key={k} size="sm" c="red.8" onClick={() => i.nodeId && setSelected(i.nodeId)} component="button" ta="left">
                {i.message}
              </Anchor>
            ))}
          </Stack>
        </Alert>
      )}
      {issues && issues.length === 0 && (
        <Alert color="teal" variant="light" icon={<IconCheck size={18} />} withCloseButton onClose={() => setIssues(null)} data-testid="flow-valid">{t('flows.designer.valid')}</Alert>
      )}
      <Group align="stretch" gap="sm" wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
        <Paper withBorder radius="md" p="xs" w={168} style={{ flexShrink: 0 }}>
          <ScrollArea h="100%">
            <Text size="xs" fw={600} c="dimmed" px={4} mb={6}>{t('flows.designer.palette')}</Text>
            <Stack gap={4}>
              {PALETTE.map((type) => {
                const kind = NODE_KINDS[type]
                const Icon = kind.icon
                return (
                  <UnstyledButton key={type} onClick={() => addNode(type)} px={6} py={6} className="jimu-flow-palette" data-testid={`palette-${type}`} style={{ borderRadius: 8 }}>
                    <Group gap={8} wrap="nowrap">
                      <ThemeIcon size={26} radius="md" variant="light" color={kind.color}><Icon size={15} /></ThemeIcon>
                      <Text size="sm">{t(`flows.node.${type}`)}</Text>
                    </Group>
                  </UnstyledButton>
                )
              })}
            </Stack>
            <Text size="xs" c="dimmed" px={4} mt="md">{t('flows.designer.paletteHelp')}</Text>
          </ScrollArea>
        </Paper>
        <Box style={{ flex: 1, minWidth: 0 }}>
          <Paper withBorder radius="md" h="100%" style={{ overflow: 'hidden' }}>
            <FlowCanvas
              graph={graph}
              names={names}
              states={states}
              issues={issueByNode}
              issueEdges={issueEdges}
              selectedNodeId={selected}
              editable
              height="100%"
              fitToken={fitToken}
              onNodesChange={onNodesChange}
              onEdgesChange={onEdgesChange}
              onConnect={onConnect}
              onNodeClick={setSelected}
              onEdgeClick={(id) => {
                const e = graph.edges.find((x) => x.id === id)
                const source = e && graph.nodes.find((n) => n.id === e.source)
                if (source?.type === 'condition') setSelected(source.id)
              }}
              onPaneClick={() => setSelected(null)}
            />
          </Paper>
        </Box>
      </Group>
      {leaveGuard.dialog}
      <NodeConfigDrawer graph={graph} node={selectedNode} form={form} forms={forms} users={users} roles={roles} onChange={setGraph} onDelete={deleteNode} onClose={() => setSelected(null)} />
    </Stack>
  )
}
