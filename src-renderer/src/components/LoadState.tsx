import { Center, Loader, Paper, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'

/** What a page shows before its data arrives: a spinner, or why loading failed. */
export function LoadState({ failure }: { failure: string | null }) {
  const { t } = useTranslation()
  if (!failure) {
    return (
      <Center h="60vh">
        <Loader />
      </Center>
    )
  }
  return (
    <Paper withBorder radius="md" p="lg">
      <Text c="red" fw={600}>
        {t('admin.loadFailed')}
      </Text>
      <Text size="sm" c="dimmed">
        {failure}
      </Text>
    </Paper>
  )
}
