import { useState } from 'react'
import { ActionIcon, Badge, Button, Group, Menu, Modal, SegmentedControl, Stack, Switch, Text, TextInput, Tooltip, UnstyledButton } from '@mantine/core'
import { IconCalendar, IconChevronDown, IconCopy, IconDeviceFloppy, IconLayoutKanban, IconLock, IconPencil, IconPlus, IconTable, IconTrash, IconUsers } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { ViewDto } from '@shared/api/contracts'
import { ConfirmDialog } from '../ConfirmDialog'
import type { NewView, ViewsState } from './useViews'

export const VIEW_ICONS: Record<ViewDto['type'], typeof IconTable> = { table: IconTable, kanban: IconLayoutKanban, calendar: IconCalendar }

interface Editing {
  mode: 'create' | 'rename' | 'duplicate'
  view?: ViewDto
  name: string
  type: ViewDto['type']
  shared: boolean
}

/** The saved views of a form as tabs, with create, rename, duplicate, share and delete. */
export function ViewBar({ state }: { state: ViewsState }) {
  const { t } = useTranslation()
  const [editing, setEditing] = useState<Editing | null>(null)
  const [busy, setBusy] = useState(false)
  const [deleting, setDeleting] = useState<ViewDto | null>(null)
  const { list, current } = state
  const saved = current.id !== 0

  const startCreate = (type: ViewDto['type']) => setEditing({ mode: 'create', name: t(`views.type.${type}`), type, shared: false })

  const submit = async () => {
    if (!editing) return
    const name = editing.name.trim()
    if (!name) return
    setBusy(true)
    try {
      if (editing.mode === 'rename' && editing.view) await state.update(editing.view, { name })
      else {
        const view: NewView = { name, type: editing.type, shared: editing.shared }
        // A copy, or the first view saved from 全部记录, keeps the settings on screen.
        if (editing.mode === 'duplicate' || (editing.view && editing.view.id === 0)) view.config = state.config
        await state.create(view)
      }
      setEditing(null)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Group gap={4} wrap="nowrap" data-testid="view-bar" style={{ borderBottom: '1px solid var(--jimu-border)', overflowX: 'auto', overflowY: 'hidden' }}>
      {list.map((view) => {
        const Icon = VIEW_ICONS[view.type]
        const active = view.id === current.id
        return (
          <Group
            key={view.id}
            gap={2}
            wrap="nowrap"
            px={10}
            py={6}
            data-testid="view-tab"
            data-active={active || undefined}
            style={{
              borderBottom: `2px solid ${active ? 'var(--mantine-color-indigo-6)' : 'transparent'}`,
              marginBottom: -1,
              flexShrink: 0
            }}
          >
            <UnstyledButton onClick={() => state.select(view.id)} aria-current={active ? 'page' : undefined}>
              <Group gap={6} wrap="nowrap">
                <Icon size={16} color={active ? 'var(--mantine-color-indigo-6)' : 'var(--mantine-color-gray-6)'} />
                <Text size="sm" fw={active ? 600 : 500} c={active ? undefined : 'dimmed'}>
                  {view.name}
                </Text>
                {view.id !== 0 && (
                  <Tooltip label={view.shared ? t('views.sharedHint') : t('views.personalHint')} withArrow>
                    {view.shared ? <IconUsers size={13} color="var(--mantine-color-gray-5)" /> : <IconLock size={13} color="var(--mantine-color-gray-5)" />}
                  </Tooltip>
                )}
              </Group>
            </UnstyledButton>
            {active && view.id !== 0 && (
              <Menu position="bottom-start" withinPortal shadow="md">
                <Menu.Target>
                  <ActionIcon size="sm" variant="subtle" color="gray" aria-label={t('views.menu')} data-testid="view-menu">
                    <IconChevronDown size={14} />
                  </ActionIcon>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => setEditing({ mode: 'rename', view, name: view.name, type: view.type, shared: view.shared })}>
                    {t('views.rename')}
                  </Menu.Item>
                  <Menu.Item
                    leftSection={<IconCopy size={14} />}
                    onClick={() => setEditing({ mode: 'duplicate', view, name: t('views.copyName', { name: view.name }), type: view.type, shared: false })}
                  >
                    {t('views.duplicate')}
                  </Menu.Item>
                  <Menu.Item leftSection={view.shared ? <IconLock size={14} /> : <IconUsers size={14} />} onClick={() => void state.update(view, { shared: !view.shared })}>
                    {view.shared ? t('views.makePersonal') : t('views.share')}
                  </Menu.Item>
                  <Menu.Divider />
                  <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setDeleting(view)}>
                    {t('views.delete')}
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            )}
          </Group>
        )
      })}

      <Menu position="bottom-start" withinPortal shadow="md">
        <Menu.Target>
          <Button variant="subtle" size="compact-sm" color="gray" leftSection={<IconPlus size={14} />} data-testid="view-new" style={{ flexShrink: 0 }}>
            {t('views.new')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{t('views.newLabel')}</Menu.Label>
          {(['table', 'kanban', 'calendar'] as const).map((type) => {
            const Icon = VIEW_ICONS[type]
            return (
              <Menu.Item key={type} leftSection={<Icon size={16} />} onClick={() => startCreate(type)} data-testid={`view-new-${type}`}>
                <Text size="sm">{t(`views.type.${type}`)}</Text>
                <Text size="xs" c="dimmed">
                  {t(`views.typeHint.${type}`)}
                </Text>
              </Menu.Item>
            )
          })}
        </Menu.Dropdown>
      </Menu>

      {state.dirty && (
        <Group gap="xs" ml="auto" wrap="nowrap" pr={4} style={{ flexShrink: 0 }}>
          <Badge variant="dot" color="orange" tt="none" fw={500} data-testid="view-unsaved">
            {t('views.unsaved')}
          </Badge>
          <Button size="compact-sm" variant="subtle" color="gray" onClick={state.discard}>
            {t('views.discard')}
          </Button>
          {saved ? (
            <Button size="compact-sm" leftSection={<IconDeviceFloppy size={14} />} loading={state.saving} onClick={() => void state.save()} data-testid="view-save">
              {t('views.save')}
            </Button>
          ) : (
            <Button
              size="compact-sm"
              leftSection={<IconDeviceFloppy size={14} />}
              onClick={() => setEditing({ mode: 'create', view: current, name: t('views.myView'), type: current.type, shared: false })}
              data-testid="view-save-as"
            >
              {t('views.saveAs')}
            </Button>
          )}
        </Group>
      )}

      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing ? t(editing.mode === 'rename' ? 'views.renameTitle' : editing.mode === 'duplicate' ? 'views.duplicateTitle' : 'views.createTitle') : ''}
        size="sm"
      >
        {editing && (
          <form
            onSubmit={(e) => {
              e.preventDefault()
              void submit()
            }}
          >
            <Stack gap="md">
              <TextInput
                label={t('views.name')}
                value={editing.name}
                onChange={(e) => setEditing({ ...editing, name: e.currentTarget.value })}
                maxLength={50}
                data-autofocus
                error={editing.name.trim() === '' ? t('views.nameRequired') : undefined}
              />
              {editing.mode === 'create' && (
                <div>
                  <Text size="sm" fw={500} mb={4}>
                    {t('views.typeLabel')}
                  </Text>
                  <SegmentedControl
                    fullWidth
                    value={editing.type}
                    onChange={(type) => setEditing({ ...editing, type: type as ViewDto['type'] })}
                    data={(['table', 'kanban', 'calendar'] as const).map((type) => ({ value: type, label: t(`views.type.${type}`) }))}
                  />
                </div>
              )}
              {editing.mode !== 'rename' && (
                <Switch
                  label={t('views.sharedSwitch')}
                  description={editing.shared ? t('views.sharedHint') : t('views.personalHint')}
                  checked={editing.shared}
                  onChange={(e) => setEditing({ ...editing, shared: e.currentTarget.checked })}
                />
              )}
              <Group justify="flex-end">
                <Button variant="default" onClick={() => setEditing(null)}>
                  {t('common.cancel')}
                </Button>
                <Button type="submit" loading={busy} disabled={editing.name.trim() === ''} data-testid="view-submit">
                  {editing.mode === 'rename' ? t('common.save') : t('views.create')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>

      <ConfirmDialog
        opened={deleting !== null}
        title={t('views.deleteTitle')}
        message={t('views.deleteBody', { name: deleting?.name ?? '' })}
        confirmLabel={t('common.delete')}
        danger
        onCancel={() => setDeleting(null)}
        onConfirm={async () => {
          if (deleting) await state.remove(deleting)
          setDeleting(null)
        }}
      />
    </Group>
  )
}
