import { useEffect, useState } from 'react'
import { Badge, NavLink } from '@mantine/core'
import { IconChecklist, IconGitBranch } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { api } from '../../api/client'
import { routeHash } from '../../lib/route'
import { onFlowsChanged } from './events'

/** 待办 in the navigation, with the number of tasks waiting for me; refreshed every 30 seconds and after each action. */
export function TodoNavLink({ active, onClick }: { active: boolean; onClick(): void }) {
  const { t } = useTranslation()
  const [count, setCount] = useState(0)
  useEffect(() => {
    let alive = true
    const load = () => void api.flows.counts({}).then((c) => alive && setCount(c.todo)).catch(() => undefined)
    load()
    const timer = setInterval(load, 30_000)
    const off = onFlowsChanged(load)
    return () => {
      alive = false
      clearInterval(timer)
      off()
    }
  }, [])
  return (
    <NavLink
      href={routeHash({ formId: null, recordId: null, section: 'todo' })}
      label={t('flows.nav.todo')}
      leftSection={<IconChecklist size={18} stroke={1.6} />}
      rightSection={count > 0 ? <Badge size="sm" color="red" circle={count < 10} data-testid="todo-badge">{count > 99 ? '99+' : count}</Badge> : undefined}
      active={active}
      variant="light"
      fw={500}
      onClick={onClick}
      data-testid="nav-todo"
    />
  )
}

/** 流程设计 in the administration part of the navigation. */
export function FlowsNavLink({ active, onClick }: { active: boolean; onClick(): void }) {
  const { t } = useTranslation()
  return (
    <NavLink
      href={routeHash({ formId: null, recordId: null, section: 'flows' })}
      label={t('flows.nav.flows')}
      leftSection={<IconGitBranch size={18} stroke={1.6} />}
      active={active}
      variant="light"
      onClick={onClick}
      data-testid="nav-flows"
    />
  )
}
