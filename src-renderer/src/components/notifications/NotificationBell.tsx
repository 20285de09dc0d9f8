import { useCallback, useEffect, useState } from 'react'
import { useDesktopCommand } from '../../lib/desktop-commands'
import { ActionIcon, Badge, Box, Button, Center, Divider, Group, Indicator, Popover, ScrollArea, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core'
import { IconBell, IconBellOff, IconChecks } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import dayjs from 'dayjs'
import type { NotificationDto } from '@shared/api/rules'
import { api } from '../../api/client'
import { notifyError } from '../../lib/notify'
import { navigate } from '../../lib/route'

const POLL_MS = 20_000

/**
 * The notification center in the header: a bell with the unread count, a list of the latest
 * notifications; a click opens the record and marks it read. Polls while the app is open.
 */
export function NotificationBell() {
  const { t } = useTranslation()
  const [opened, setOpened] = useState(false)
  const [items, setItems] = useState<NotificationDto[]>([])
  const [unread, setUnread] = useState(0)
  // 通知 in the desktop app's tray menu opens the list.
  useDesktopCommand('openNotifications', () => setOpened(true))

  const load = useCallback(async () => {
    try {
      const result = await api.notifications.list({ unreadOnly: false, limit: 30 })
      setItems(result.items)
      setUnread(result.unread)
    } catch {
      // A failed poll is retried at the next one; the bell keeps what it showed.
    }
  }, [])

  useEffect(() => {
    void load()
    const timer = setInterval(() => void load(), POLL_MS)
    const onFocus = () => void load()
    window.addEventListener('focus', onFocus)
    window.addEventListener('jimu:notifications', onFocus)
    return () => {
      clearInterval(timer)
      window.removeEventListener('focus', onFocus)
      window.removeEventListener('jimu:notifications', onFocus)
    }
  }, [load])

  const markRead = async (ids?: number[]) => {
    try {
      const { unread: left } = await api.notifications.markRead({ ids })
      setUnread(left)
      setItems((list) => list.map((n) => (!ids || ids.includes(n.id) ? { ...n, readAt: n.readAt ?? Date.now() } : n)))
    } catch (e) {
      notifyError(e)
    }
  }

  const open = (n: NotificationDto) => {
    if (!n.readAt) void markRead([n.id])
    if (n.formId !== null && n.recordId !== null) navigate({ formId: n.formId, recordId: n.recordId })
    setOpened(false)
  }

  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={380} shadow="md" withinPortal>
      <Popover.Target>
        <Tooltip label={t('rules.bell.title')} disabled={opened}>
          <Indicator label={unread > 99 ? '99+' : unread} size={18} color="red" offset={4} disabled={unread === 0} data-testid="notification-badge">
            <ActionIcon
              variant="subtle"
              color="gray"
              size="lg"
              aria-label={t('rules.bell.title')}
              data-testid="notification-bell"
              onClick={() => {
                setOpened((o) => !o)
                void load()
              }}
            >
              <IconBell size={20} stroke={1.6} />
            </ActionIcon>
          </Indicator>
        </Tooltip>
      </Popover.Target>
      <Popover.Dropdown p={0} data-testid="notification-center">
        <Group justify="space-between" px="md" py="sm">
          <Group gap={6}>
            <Text fw={600}>{t('rules.bell.title')}</Text>
            {unread > 0 && (
              <Badge size="sm" color="red" variant="light">
                {t('rules.bell.unread', { count: unread })}
              </Badge>
            )}
          </Group>
          <Button size="compact-xs" variant="subtle" leftSection={<IconChecks size={14} />} disabled={unread === 0} onClick={() => void markRead()}>
            {t('rules.bell.markAll')}
          </Button>
        </Group>
        <Divider />
        {items.length === 0 ? (
          <Center py="xl">
            <Stack align="center" gap={4}>
              <IconBellOff size={28} color="var(--mantine-color-gray-5)" />
              <Text size="sm" c="dimmed">
                {t('rules.bell.empty')}
              </Text>
            </Stack>
          </Center>
        ) : (
          <ScrollArea.Autosize mah={420}>
            {items.map((n) => (
              <UnstyledButton key={n.id} onClick={() => open(n)} w="100%" px="md" py="sm" data-testid="notification-item" style={{ borderBottom: '1px solid var(--jimu-border)', background: n.readAt ? undefined : 'var(--mantine-color-blue-light)' }}>
                <Group gap="sm" wrap="nowrap" align="flex-start">
                  <Box mt={6} w={8} h={8} style={{ borderRadius: 4, flexShrink: 0, background: n.readAt ? 'transparent' : 'var(--mantine-color-blue-6)' }} />
                  <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
                    <Text size="sm" fw={n.readAt ? 400 : 600} lineClamp={2}>
                      {n.title}
                    </Text>
                    {n.body && (
                      <Text size="xs" c="dimmed" lineClamp={2}>
                        {n.body}
                      </Text>
                    )}
                    <Text size="xs" c="dimmed">
                      {dayjs(n.createdAt).format('YYYY-MM-DD HH:mm')}
                    </Text>
                  </Stack>
                </Group>
              </UnstyledButton>
            ))}
          </ScrollArea.Autosize>
        )}
      </Popover.Dropdown>
    </Popover>
  )
}
