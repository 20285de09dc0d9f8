import { Box, Group, Menu, SegmentedControl, Text, UnstyledButton, useMantineColorScheme, type MantineColorScheme } from '@mantine/core'
import { UserAvatar } from '../components/UserAvatar'
import { IconChevronDown, IconCloudCog, IconDeviceDesktop, IconLogout, IconMoon, IconSun, IconUserCog } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { goToSection } from '../lib/route'
import type { User } from './App'
import { roleLine } from './role-line'

const SCHEMES: { value: MantineColorScheme; icon: typeof IconSun }[] = [
  { value: 'light', icon: IconSun },
  { value: 'dark', icon: IconMoon },
  { value: 'auto', icon: IconDeviceDesktop }
]

export function UserMenu({ user, onLogout }: { user: User; onLogout(): void }) {
  const { t } = useTranslation()
  const { colorScheme, setColorScheme } = useMantineColorScheme()
  return (
    <Menu position="bottom-end" width={240} shadow="md" closeOnItemClick>
      <Menu.Target>
        <UnstyledButton data-testid="user-menu" aria-label={user.name}>
          <Group gap={8} wrap="nowrap">
            <UserAvatar size={30} name={user.name} />
            <Box visibleFrom="sm">
              <Text size="sm" fw={500} lh={1.2}>
                {user.name}
              </Text>
              {roleLine(user, t('shell.admin'), t('shell.member'), t('common.listSeparator')) && (
                <Text size="xs" c="dimmed" lh={1.2} data-testid="user-roles">
                  {roleLine(user, t('shell.admin'), t('shell.member'), t('common.listSeparator'))}
                </Text>
              )}
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
        <Menu.Item leftSection={<IconCloudCog size={16} />} onClick={() => goToSection('conflicts')} data-testid="menu-conflicts">
          {t('sync.inbox.title')}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Label>{t('theme.label')}</Menu.Label>
        <Box px={8} pb={6}>
          <SegmentedControl
            fullWidth
            size="xs"
            value={colorScheme}
            onChange={(v) => setColorScheme(v as MantineColorScheme)}
            aria-label={t('theme.label')}
            data-testid="color-scheme"
            data={SCHEMES.map(({ value, icon: Icon }) => ({
              value,
              label: (
                <Group gap={4} wrap="nowrap" justify="center">
                  <Icon size={14} />
                  <span>{t(`theme.${value}`)}</span>
                </Group>
              )
            }))}
          />
        </Box>
        <Menu.Divider />
        <Menu.Item color="red" leftSection={<IconLogout size={16} />} onClick={onLogout}>
          {t('shell.logout')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  )
}

