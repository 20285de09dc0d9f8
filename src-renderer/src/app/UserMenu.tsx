import { Box, Group, Menu, Text, UnstyledButton } from '@mantine/core'
import { UserAvatar } from '../components/UserAvatar'
import { IconChevronDown, IconLogout, IconUserCog } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { goToSection } from '../lib/route'
import type { User } from './App'

export function UserMenu({ user, onLogout }: { user: User; onLogout(): void }) {
  const { t } = useTranslation()
  return (
    <Menu position="bottom-end" width={200} shadow="md">
      <Menu.Target>
        <UnstyledButton data-testid="user-menu" aria-label={user.name}>
          <Group gap={8} wrap="nowrap">
            <UserAvatar size={30} name={user.name} />
            <Box visibleFrom="sm">
              <Text size="sm" fw={500} lh={1.2}>
                {user.name}
              </Text>
              <Text size="xs" c="dimmed" lh={1.2}>
                {user.isAdmin ? t('shell.admin') : t('shell.member')}
              </Text>
            </Box>
            <IconChevronDown size={14} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{user.login}</Menu.Label>
        <Menu.Item leftSection={<IconUserCog size={16} />} onClick={() => goToSection('settings')} data-testid="menu-settings">
          {t('settings.title')}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item color="red" leftSection={<IconLogout size={16} />} onClick={onLogout}>
          {t('shell.logout')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  )
}
