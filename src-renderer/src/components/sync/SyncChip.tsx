import { useState } from 'react'
import { Badge, Box, Button, Divider, Group, Popover, Stack, Text, UnstyledButton } from '@mantine/core'
import { IconAlertTriangle, IconCloud, IconCloudOff, IconRefresh } from '@tabler/icons-react'
import { useMediaQuery } from '@mantine/hooks'
import { useTranslation } from 'react-i18next'
import dayjs from 'dayjs'
import { CONFLICT_COUNT_LIMIT, useConflictCount } from './conflict-count'
import { chipState, type ChipState } from './sync-link'
import { syncSource, useSyncLink } from './sync-status'
import { routeHash } from '../../lib/route'

const LOOKS: Record<ChipState, { color: string; icon: typeof IconCloud }> = {
  online: { color: 'teal', icon: IconCloud },
  offline: { color: 'gray', icon: IconCloudOff },
  syncing: { color: 'blue', icon: IconRefresh },
  conflicts: { color: 'orange', icon: IconAlertTriangle }
}

/**
 * The header's sync status: 在线 / 离线 · 3 条待同步 / 同步中 / 冲突 2 (components/sync/sync-status.ts
 * says where each comes from). A click opens the details: state, last sync, pending changes, and
 * the way to the 冲突 inbox.
 */
export function SyncChip({ userId }: { userId: number }) {
  const { t } = useTranslation()
  const [opened, setOpened] = useState(false)
  const link = useSyncLink()
  const open = useConflictCount(userId) ?? 0
  const narrow = useMediaQuery('(max-width: 36em)') ?? false
  const state = chipState(link, open)
  const look = LOOKS[state]
  const countText = open >= CONFLICT_COUNT_LIMIT ? `${CONFLICT_COUNT_LIMIT - 1}+` : String(open)
  const label =
    state === 'offline'
      ? link.pending > 0
        ? t('sync.chip.offline', { count: link.pending })
        : t('sync.chip.offlineNone')
      : state === 'conflicts'
        ? t('sync.chip.conflicts', { count: countText })
        : t(`sync.chip.${state}`)
  const Icon = look.icon
  const last = opened ? syncSource().lastSyncAt() : null
  const stateText = link.state === 'offline' ? (link.pending > 0 ? t('sync.chip.offline', { count: link.pending }) : t('sync.chip.offlineNone')) : t(`sync.chip.${link.state}`)

  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={300} shadow="md" withinPortal>
      <Popover.Target>
        <UnstyledButton onClick={() => setOpened((o) => !o)} aria-label={`${t('sync.chip.label')}: ${label}`} data-testid="sync-chip" data-state={state}>
          <Badge
            size="lg"
            radius="xl"
            variant="light"
            color={look.color}
            leftSection={<Icon size={14} stroke={1.8} />}
            styles={{ root: { cursor: 'pointer', textTransform: 'none', fontWeight: 500 }, label: narrow && state === 'online' ? { display: 'none' } : undefined }}
            data-testid="sync-chip-label"
          >
            {narrow && state === 'conflicts' ? countText : label}
          </Badge>
        </UnstyledButton>
      </Popover.Target>
      <Popover.Dropdown data-testid="sync-popover">
        <Stack gap="xs">
          <Text fw={600}>{t('sync.chip.label')}</Text>
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm" c="dimmed">
              {t('sync.chip.state')}
            </Text>
            <Badge variant="light" color={link.state === 'offline' ? 'gray' : link.state === 'syncing' ? 'blue' : 'teal'} styles={{ root: { textTransform: 'none' } }} data-testid="sync-popover-state">
              {stateText}
            </Badge>
          </Group>
          {!link.local && (
            <Group justify="space-between" wrap="nowrap">
              <Text size="sm" c="dimmed">
                {t('sync.chip.lastSync')}
              </Text>
              <Text size="sm" data-testid="sync-popover-last">
                {last ? dayjs(last).format('YYYY-MM-DD HH:mm') : t('sync.chip.never')}
              </Text>
            </Group>
          )}
          <Text size="sm" data-testid="sync-popover-pending">
            {link.pending > 0 ? t('sync.chip.pending', { count: link.pending }) : t('sync.chip.pendingNone')}
          </Text>
          {(link.local || link.state !== 'online') && (
            <Text size="xs" c="dimmed">
              {link.local ? t('sync.chip.localHint') : link.state === 'offline' ? t('sync.chip.offlineHint') : t('sync.chip.syncingHint')}
            </Text>
          )}
          <Divider />
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm" c={open > 0 ? 'orange' : 'dimmed'} fw={open > 0 ? 600 : 400} data-testid="sync-popover-conflicts">
              {open > 0 ? t('sync.chip.conflictsOpen', { count: open }) : t('sync.chip.conflictsNone')}
            </Text>
          </Group>
          <Box>
            <Button component="a" href={routeHash({ formId: null, recordId: null, section: 'conflicts' })} size="xs" variant={open > 0 ? 'filled' : 'light'} color={open > 0 ? 'orange' : undefined} fullWidth onClick={() => setOpened(false)} data-testid="sync-open-inbox">
              {t('sync.chip.openInbox')}
            </Button>
          </Box>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  )
}
