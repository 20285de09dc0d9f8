import { memo, useCallback, useEffect, useMemo, useState } from 'react'
import { Background, BaseEdge, Controls, Handle, MarkerType, type EdgeProps, MiniMap, Position, ReactFlow, type Edge, type EdgeChange, type Connection, type Node, type NodeChange, type NodeProps, useReactFlow } from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import { Badge, Group, Paper, Text, ThemeIcon, Tooltip, useComputedColorScheme } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { FlowGraph, FlowNode } from '@shared/api/flows'
import { NODE_KINDS, nodeSummary, type Names } from './node-kinds'

// The flow graph on a canvas (@xyflow/react): the designer edits it, the instance view shows the
// path taken and the current node on the same cards.

export type NodeState = 'idle' | 'visited' | 'active' | 'issue' | 'skipped'

export type CardData = { node: FlowNode; summary: string; state: NodeState; issue?: string; selected?: boolean }
type CardNode = Node<CardData, 'card'>

const STATE_STYLE: Record<NodeState, { border: string; bg?: string }> = {
  idle: { border: 'var(--mantine-color-default-border)' },
  visited: { border: 'var(--mantine-color-teal-5)', bg: 'var(--mantine-color-teal-light)' },
  active: { border: 'var(--mantine-color-orange-5)', bg: 'var(--mantine-color-orange-light)' },
  issue: { border: 'var(--mantine-color-red-6)', bg: 'var(--mantine-color-red-light)' },
  skipped: { border: 'var(--mantine-color-default-border)' }
}

const Card = memo(function Card({ data, selected }: NodeProps<CardNode>) {
  const { t } = useTranslation()
  const kind = NODE_KINDS[data.node.type]
  const Icon = kind.icon
  const style = STATE_STYLE[data.state]
  const body = (
    <Paper
      withBorder
      radius="md"
      px="sm"
      py={8}
      w={220}
      shadow={selected ? 'md' : 'xs'}
      data-testid={`flow-node-${data.node.id}`}
      data-state={data.state}
      style={{
        borderColor: selected ? 'var(--mantine-color-blue-6)' : style.border,
        borderWidth: data.state === 'idle' && !selected ? 1 : 2,
        background: style.bg ?? 'var(--mantine-color-body)',
        opacity: data.state === 'skipped' ? 0.55 : 1
      }}
    >
      {data.node.type !== 'start' && <Handle type="target" position={Position.Top} />}
      <Group gap={8} wrap="nowrap">
        <ThemeIcon size={28} radius="md" variant="light" color={kind.color}>
          <Icon size={16} stroke={1.8} />
        </ThemeIcon>
        <div style={{ minWidth: 0, flex: 1 }}>
          <Group gap={4} wrap="nowrap" justify="space-between">
            <Text size="sm" fw={600} truncate>
              {data.node.label || t(`flows.node.${data.node.type}`)}
            </Text>
            {data.state === 'active' && <Badge size="xs" color="orange" variant="filled">{t('flows.view.current')}</Badge>}
          </Group>
          <Text size="xs" c="dimmed" truncate>
            {data.summary}
          </Text>
        </div>
      </Group>
      {data.node.type !== 'end' && <Handle type="source" position={Position.Bottom} />}
    </Paper>
  )
  return data.issue ? (
    <Tooltip label={data.issue} color="red" withArrow multiline w={260}>
      {body}
    </Tooltip>
  ) : (
    body
  )
})

const nodeTypes = { card: Card }

type LaneData = { lane: number }

/** An edge that skips rows: down a little, across to its lane, down the lane, across and into the target. */
function LaneEdge({ sourceX, sourceY, targetX, targetY, data, markerEnd, style, label, labelStyle, labelBgStyle, labelBgPadding, labelBgBorderRadius }: EdgeProps<Edge<LaneData, 'lane'>>) {
  const lane = data?.lane ?? sourceX
  const y1 = sourceY + 20
  const y2 = targetY - 20
  const path = `M ${sourceX},${sourceY} L ${sourceX},${y1} L ${lane},${y1} L ${lane},${y2} L ${targetX},${y2} L ${targetX},${targetY}`
  return (
    <BaseEdge path={path} markerEnd={markerEnd} style={style} label={label} labelX={lane} labelY={(y1 + y2) / 2} labelStyle={labelStyle}
      labelShowBg labelBgStyle={labelBgStyle} labelBgPadding={labelBgPadding} labelBgBorderRadius={labelBgBorderRadius} />
  )
}

const edgeTypes = { lane: LaneEdge }

/** Fits the graph in view whenever the token changes (the first render is fitted by ReactFlow itself). */
function FitOnChange({ token }: { token: number }) {
  const flow = useReactFlow()
  useEffect(() => {
    if (token === 0) return
    const frame = requestAnimationFrame(() => void flow.fitView({ padding: 0.15, maxZoom: 1, duration: 200 }))
    return () => cancelAnimationFrame(frame)
  }, [token, flow])
  return null
}

export interface CanvasProps {
  graph: FlowGraph
  names: Names
  /** Per node id: how to draw it. */
  states?: Record<string, NodeState>
  issues?: Record<string, string>
  /** Edges drawn as taken (the path of an instance), and edges with a problem. */
  takenEdges?: Set<string>
  issueEdges?: Set<string>
  selectedNodeId?: string | null
  editable?: boolean
  height?: number | string
  /** Change it to fit the whole graph in view. */
  fitToken?: number
  onNodesChange?(changes: NodeChange<CardNode>[]): void
  onEdgesChange?(changes: EdgeChange[]): void
  onConnect?(connection: Connection): void
  onNodeClick?(id: string): void
  onEdgeClick?(id: string): void
  onPaneClick?(): void
}

export function FlowCanvas(props: CanvasProps) {
  const scheme = useComputedColorScheme('light')
  const { t } = useTranslation()
  const { graph, names, states = {}, issues = {}, takenEdges, issueEdges, editable = false, onNodesChange } = props
  // The nodes are rebuilt from the graph on every change, so their measured sizes (which React
  // Flow needs before it shows a node) are kept here.
  const [sizes, setSizes] = useState<Record<string, { width: number; height: number }>>({})
  const handleNodesChange = useCallback((changes: NodeChange<CardNode>[]) => {
    const measured = changes.flatMap((c) => (c.type === 'dimensions' && c.dimensions ? [[c.id, c.dimensions] as const] : []))
    if (measured.length) setSizes((prev) => ({ ...prev, ...Object.fromEntries(measured) }))
    onNodesChange?.(changes)
  }, [onNodesChange])
  const nodes = useMemo<CardNode[]>(() => graph.nodes.map((n) => ({
    id: n.id,
    type: 'card',
    position: n.position,
    selected: props.selectedNodeId === n.id,
    deletable: editable && n.type !== 'start',
    measured: sizes[n.id],
    data: { node: n, summary: nodeSummary(n, t, names), state: issues[n.id] ? 'issue' : (states[n.id] ?? 'idle'), issue: issues[n.id] }
  })), [graph.nodes, names, states, issues, props.selectedNodeId, editable, t, sizes])
  const edges = useMemo<Edge[]>(() => graph.edges.map((e) => {
    const taken = takenEdges?.has(e.id)
    const bad = issueEdges?.has(e.id)
    const color = bad ? 'var(--mantine-color-red-6)' : taken ? 'var(--mantine-color-teal-6)' : 'var(--mantine-color-gray-5)'
    const label = e.isDefault ? `${e.label ? `${e.label} · ` : ''}${t('flows.edge.default')}` : e.label
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      label,
      type: typeof e.lane === 'number' ? 'lane' : 'smoothstep',
      data: typeof e.lane === 'number' ? { lane: e.lane } : undefined,
      animated: !!taken && !editable && states[e.target] === 'active',
      markerEnd: { type: MarkerType.ArrowClosed, color },
      style: { stroke: color, strokeWidth: taken || bad ? 2.5 : 1.5 },
      labelStyle: { fontSize: 12, fill: 'var(--mantine-color-text)' },
      labelBgStyle: { fill: 'var(--mantine-color-body)' },
      labelBgPadding: [6, 3] as [number, number],
      labelBgBorderRadius: 4
    }
  }), [graph.edges, takenEdges, issueEdges, editable, states, t])

  return (
    <div style={{ height: props.height ?? 560, width: '100%' }} data-testid="flow-canvas">
      <ReactFlow
        // The canvas, controls and minimap follow the app's light or dark scheme.
        colorMode={scheme}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
        minZoom={0.3}
        nodesDraggable={editable}
        nodesConnectable={editable}
        elementsSelectable
        deleteKeyCode={editable ? ['Backspace', 'Delete'] : null}
        onNodesChange={handleNodesChange}
        onEdgesChange={props.onEdgesChange}
        onConnect={props.onConnect}
        onNodeClick={(e, n) => {
          // A click on a handle starts or ends a connection; it does not open the node's settings.
          if ((e.target as HTMLElement).closest('.react-flow__handle')) return
          props.onNodeClick?.(n.id)
        }}
        onEdgeClick={(_e, edge) => props.onEdgeClick?.(edge.id)}
        onPaneClick={() => props.onPaneClick?.()}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
        {editable && <MiniMap pannable zoomable position="top-right" style={{ height: 90, width: 140 }} />}
        <FitOnChange token={props.fitToken ?? 0} />
      </ReactFlow>
    </div>
  )
}
