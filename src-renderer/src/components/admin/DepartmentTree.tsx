import { useState } from 'react'
import { ActionIcon, Box, Group, Menu, Text, UnstyledButton } from '@mantine/core'
import { IconBuilding, IconChevronDown, IconChevronRight, IconDots, IconEdit, IconPlus, IconTrash, IconUserQuestion, IconUsers } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { DepartmentNode, Department } from '../../lib/org'

/** What the member list shows: everyone, one department's direct members, or those without a department. */
export type DepartmentFilter = 'all' | 'none' | number

export type DepartmentAction = 'addChild' | 'edit' | 'delete'

interface Props {
  tree: DepartmentNode[]
  /** Direct members per department id; `null` counts users without a department. */
  counts: Map<number | null, number>
  total: number
  selected: DepartmentFilter
  onSelect(filter: DepartmentFilter): void
  onAction(action: DepartmentAction, department: Department): void
}

function Row({
  label,
  icon,
  count,
  depth,
  active,
  onClick,
  toggle,
  menu,
  testId
}: {
  label: string
  icon: React.ReactNode
  count: number
  depth: number
  active: boolean
  onClick(): void
  toggle?: React.ReactNode
  menu?: React.ReactNode
  testId: string
}) {
  return (
    <Group
      gap={4}
      wrap="nowrap"
      className="jimu-tree-row"
      data-active={active || undefined}
      pl={8 + depth * 18}
      pr={4}
      data-testid={testId}
    >
      <Box w={20} style={{ flexShrink: 0, display: 'flex', justifyContent: 'center' }}>
        {toggle}
      </Box>
      <UnstyledButton onClick={onClick} style={{ flex: 1, minWidth: 0 }} py={7} aria-current={active || undefined}>
        <Group gap={8} wrap="nowrap">
          {icon}
          <Text size="sm" fw={active ? 600 : 400} truncate style={{ flex: 1 }}>
            {label}
          </Text>
          <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
            {count}
          </Text>
        </Group>
      </UnstyledButton>
      <Box w={28} style={{ flexShrink: 0 }}>
        {menu}
      </Box>
    </Group>
  )
}

/** The department tree with everyone at the top; each department has a menu for its own changes. */
export function DepartmentTree({ tree, counts, total, selected, onSelect, onAction }: Props) {
  const { t } = useTranslation()
  const [collapsed, setCollapsed] = useState<Set<number>>(new Set())

  const toggle = (id: number) =>
    setCollapsed((prev) => {
      const next = new Set(prev)
      if (next.has(id)) next.delete(id)
      else next.add(id)
      return next
    })

  const renderNode = (node: DepartmentNode): React.ReactNode => {
    const d = node.department
    const open = !collapsed.has(d.id)
    return (
      <Box key={d.id}>
        <Row
          label={d.name}
          icon={<IconBuilding size={16} stroke={1.6} color="var(--mantine-color-indigo-6)" style={{ flexShrink: 0 }} />}
          count={counts.get(d.id) ?? 0}
          depth={node.depth}
          active={selected === d.id}
          onClick={() => onSelect(d.id)}
          testId={`dept-node-${d.id}`}
          toggle={
            node.children.length > 0 ? (
              <ActionIcon variant="subtle" color="gray" size="sm" onClick={() => toggle(d.id)} aria-label={t(open ? 'org.collapse' : 'org.expand', { name: d.name })}>
                {open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
              </ActionIcon>
            ) : null
          }
          menu={
            <Menu position="bottom-end" withinPortal shadow="md" width={170}>
              <Menu.Target>
                <ActionIcon variant="subtle" color="gray" size="sm" className="jimu-tree-menu" aria-label={t('org.deptActions', { name: d.name })}>
                  <IconDots size={14} />
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item leftSection={<IconPlus size={14} />} onClick={() => onAction('addChild', d)}>
                  {t('org.addChild')}
                </Menu.Item>
                <Menu.Item leftSection={<IconEdit size={14} />} onClick={() => onAction('edit', d)}>
                  {t('org.editDept')}
                </Menu.Item>
                <Menu.Divider />
                <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => onAction('delete', d)}>
                  {t('org.deleteDept')}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          }
        />
        {open && node.children.map(renderNode)}
      </Box>
    )
  }

  const unassigned = counts.get(null) ?? 0
  return (
    <Box data-testid="dept-tree">
      <Row
        label={t('org.allMembers')}
        icon={<IconUsers size={16} stroke={1.6} style={{ flexShrink: 0 }} />}
        count={total}
        depth={0}
        active={selected === 'all'}
        onClick={() => onSelect('all')}
        testId="dept-node-all"
      />
      {tree.map(renderNode)}
      {unassigned > 0 && (
        <Row
          label={t('org.unassigned')}
          icon={<IconUserQuestion size={16} stroke={1.6} color="var(--mantine-color-gray-6)" style={{ flexShrink: 0 }} />}
          count={unassigned}
          depth={0}
          active={selected === 'none'}
          onClick={() => onSelect('none')}
          testId="dept-node-none"
        />
      )}
    </Box>
  )
}
