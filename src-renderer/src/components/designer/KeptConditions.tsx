import { ActionIcon, Alert, Code, Group, Stack, Text, Tooltip } from '@mantine/core'
import { IconLock, IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto, FilterNode } from '@shared/api/contracts'
import { describeFilter } from './filter-model'

interface Props {
  kept: Array<{ key: string; node: FilterNode }>
  fields: FieldDto[]
  onRemove(key: string): void
}

/**
 * The parts of a stored filter the filter builder cannot show (a field it does not offer, an
 * operator without a control, groups nested deeper): read-only, saved exactly as stored, removable.
 */
export function KeptConditions({ kept, fields, onRemove }: Props) {
  const { t } = useTranslation()
  if (!kept.length) return null
  return (
    <Stack gap={6} data-testid="kept-conditions">
      {kept.map((k) => (
        <Alert key={k.key} variant="light" color="gray" p="xs" icon={<IconLock size={16} />} data-testid="kept-condition">
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Stack gap={2} style={{ minWidth: 0 }}>
              <Code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{describeFilter(k.node, fields, t)}</Code>
              <Text size="xs" c="dimmed">
                {t('designer.filter.kept')}
              </Text>
            </Stack>
            <Tooltip label={t('designer.filter.keptRemove')}>
              <ActionIcon variant="subtle" color="gray" aria-label={t('designer.filter.keptRemove')} onClick={() => onRemove(k.key)}>
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
        </Alert>
      ))}
    </Stack>
  )
}
