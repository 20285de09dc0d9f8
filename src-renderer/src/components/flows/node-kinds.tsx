import { IconArrowsSplit, IconArrowsJoin, IconBolt, IconFlag, IconGitBranch, IconPencil, IconPlayerPlay, IconSend, IconUserCheck } from '@tabler/icons-react'
import type { TFunction } from 'i18next'
import type { ApproverSource, FlowNode, NodeType } from '@shared/api/flows'

// The designer's side of the node registry: per node type its icon, colour, palette entry and the
// one-line summary shown on the canvas card. The engine's side is src-main/flows/nodes/.

export interface NodeKind {
  type: NodeType
  icon: typeof IconPlayerPlay
  color: string
  /** Offered in the palette (start and end come with every flow; more ends can be added). */
  palette: boolean
  defaults: Record<string, unknown>
}

export const NODE_KINDS: Record<NodeType, NodeKind> = {
  start: { type: 'start', icon: IconPlayerPlay, color: 'teal', palette: false, defaults: { trigger: 'manual' } },
  approval: { type: 'approval', icon: IconUserCheck, color: 'orange', palette: true, defaults: { approvers: [], mode: 'any', ratio: 50, emptyPolicy: 'admin', emptyUserId: null, fieldPerms: {}, deadline: null } },
  fillin: { type: 'fillin', icon: IconPencil, color: 'grape', palette: true, defaults: { approvers: [{ type: 'submitter' }], emptyPolicy: 'admin', emptyUserId: null, fieldPerms: {}, deadline: null } },
  condition: { type: 'condition', icon: IconGitBranch, color: 'blue', palette: true, defaults: {} },
  parallel: { type: 'parallel', icon: IconArrowsSplit, color: 'cyan', palette: true, defaults: {} },
  join: { type: 'join', icon: IconArrowsJoin, color: 'cyan', palette: true, defaults: {} },
  cc: { type: 'cc', icon: IconSend, color: 'indigo', palette: true, defaults: { approvers: [] } },
  action: { type: 'action', icon: IconBolt, color: 'yellow', palette: true, defaults: { kind: 'update', form: null, values: [] } },
  end: { type: 'end', icon: IconFlag, color: 'gray', palette: true, defaults: { outcome: 'approved' } }
}

export const PALETTE: NodeType[] = ['approval', 'fillin', 'cc', 'condition', 'parallel', 'join', 'action', 'end']

export interface Names {
  users: Map<number, string>
  roles: Map<number, string>
  fields: Map<string, string>
}

export function sourceText(s: ApproverSource, t: TFunction, names: Names): string {
  switch (s.type) {
    case 'users':
      return s.ids.map((id) => names.users.get(id) ?? `#${id}`).join(t('common.listSeparator')) || t('flows.source.users')
    case 'roles':
      return s.ids.map((id) => names.roles.get(id) ?? `#${id}`).join(t('common.listSeparator')) || t('flows.source.roles')
    case 'manager':
      return t('flows.source.managerN', { level: s.level })
    case 'deptHead':
      return s.level === 1 ? t('flows.source.deptHead') : t('flows.source.deptHeadN', { level: s.level })
    case 'field':
      return t('flows.source.fieldOf', { field: names.fields.get(s.field) ?? s.field })
    case 'submitter':
      return t('flows.source.submitter')
    case 'chosen':
      return t('flows.source.chosen')
  }
}

/** The card's second line: who, how, or what. */
export function nodeSummary(node: FlowNode, t: TFunction, names: Names): string {
  const c = node.config as Record<string, unknown>
  switch (node.type) {
    case 'start':
      return t(`flows.trigger.${(c.trigger as string) ?? 'manual'}`)
    case 'approval':
    case 'fillin':
    case 'cc': {
      const sources = (c.approvers as ApproverSource[] | undefined) ?? []
      if (!sources.length) return t('flows.summary.noPeople')
      const who = sources.map((s) => sourceText(s, t, names)).join(t('common.listSeparator'))
      return node.type === 'approval' ? `${who} · ${t(`flows.mode.${(c.mode as string) ?? 'any'}`)}` : who
    }
    case 'condition':
      return t('flows.summary.condition')
    case 'parallel':
      return t('flows.summary.parallel')
    case 'join':
      return t('flows.summary.join')
    case 'action':
      return c.kind === 'create' ? t('flows.summary.create') : t('flows.summary.update', { count: ((c.values as unknown[]) ?? []).length })
    case 'end':
      return t(`flows.outcome.${(c.outcome as string) ?? 'approved'}`)
  }
}

