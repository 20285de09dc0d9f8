import { Group, Text, ThemeIcon } from '@mantine/core'
import { IconCube } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'

export function Logo({ size = 'md' }: { size?: 'md' | 'lg' }) {
  const { t } = useTranslation()
  const large = size === 'lg'
  return (
    <Group gap={large ? 'sm' : 8} wrap="nowrap">
      <ThemeIcon size={large ? 44 : 30} radius="md" variant="gradient" gradient={{ from: 'indigo', to: 'cyan', deg: 135 }}>
        <IconCube size={large ? 26 : 18} />
      </ThemeIcon>
      <Text fw={700} fz={large ? 26 : 18} c="var(--mantine-color-text)" style={{ whiteSpace: 'nowrap' }}>
        {t('app.name')}
      </Text>
    </Group>
  )
}
