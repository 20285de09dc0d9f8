import { Anchor, Badge, Group, Stack, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { DuplicateMatchDto } from '@shared/api/crm'

/** Customers that look like the one being entered: name, why (same name / same phone), owner. */
export function DuplicateList({ matches, onOpen }: { matches: DuplicateMatchDto[]; onOpen?(id: number): void }) {
  const { t } = useTranslation()
  return (
    <Stack gap={4}>
      {matches.map((m) => (
        <Group key={m.id} gap="xs" wrap="nowrap">
          <Badge size="xs" variant="light" color={m.by === 'name' ? 'orange' : 'grape'}>
            {t(`crm.duplicates.by.${m.by}`)}
          </Badge>
          {onOpen ? (
            <Anchor size="sm" onClick={() => onOpen(m.id)} lineClamp={1}>
              {m.name}
            </Anchor>
          ) : (
            <Text size="sm" lineClamp={1}>
              {m.name}
            </Text>
          )}
          <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
            {m.owner ? t('crm.duplicates.ownedBy', { name: m.owner }) : t('crm.pool.inPool')}
          </Text>
        </Group>
      ))}
    </Stack>
  )
}
