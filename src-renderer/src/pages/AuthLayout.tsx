import type { ReactNode } from 'react'
import { Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { Logo } from '../components/Logo'
import { LanguageSwitch } from '../components/LanguageSwitch'

/** The centred card of the first-run and login screens. */
export function AuthLayout({ title, subtitle, version, children }: { title: string; subtitle: string; version?: string; children: ReactNode }) {
  const { t } = useTranslation()
  return (
    <Box className="jimu-auth-bg" pos="relative">
      <Group pos="absolute" top={16} right={16}>
        <LanguageSwitch />
      </Group>
      <Center mih="100vh" p="md">
        <Stack w="100%" maw={440} gap="lg">
          <Center>
            <Stack gap={6} align="center">
              <Logo size="lg" />
              <Text c="dimmed" size="sm">
                {t('app.tagline')}
              </Text>
            </Stack>
          </Center>
          <Paper withBorder shadow="md" radius="lg" p={32}>
            <Stack gap={4} mb="lg">
              <Title order={3}>{title}</Title>
              <Text c="dimmed" size="sm">
                {subtitle}
              </Text>
            </Stack>
            {children}
          </Paper>
          {version && (
            <Text c="dimmed" size="xs" ta="center">
              {t('app.version', { version })}
            </Text>
          )}
        </Stack>
      </Center>
    </Box>
  )
}
