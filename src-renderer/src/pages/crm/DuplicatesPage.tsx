import { useState } from 'react'
import { Anchor, Badge, Button, Card, EmptyState, Group, Radio, Stack, Table, Text, Title } from '@mantine/core'
import { IconCopy, IconGitMerge } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { api } from '../../api/client'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { LoadState } from '../../components/LoadState'
import { notifySuccess } from '../../lib/notify'
import { routeHash } from '../../lib/route'
import { useLoaded } from '../../lib/use-loaded'

// Customers that look like one company (same name once 有限公司, spaces, full-width characters
// and brackets are set aside, or the same phone), listed for merging: choose the one to keep;
// everything linked to the others moves to it and they go to the recycle bin.

export function DuplicatesPage() {
  const { t } = useTranslation()
  const groups = useLoaded(() => api.crm['duplicates.groups']())
  const [keep, setKeep] = useState<Record<string, string>>({})
  const [merging, setMerging] = useState<{ key: string; keepId: number; mergeIds: number[]; name: string } | null>(null)
  if (!groups.data) return <LoadState failure={groups.failure} />
  return (
    <Stack gap="md">
      <Stack gap={4}>
        <Group gap="xs">
          <IconCopy size={22} stroke={1.6} />
          <Title order={3}>{t('crm.duplicates.title')}</Title>
          <Badge variant="light" color="gray">
            {groups.data.length}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          {t('crm.duplicates.subtitle')}
        </Text>
      </Stack>
      {groups.data.length === 0 ? (
        <Card withBorder radius="md" py={48}>
          <EmptyState icon={<IconCopy size={32} />} variant="light" color="gray" title={t('crm.duplicates.none')} description={t('crm.duplicates.noneBody')} />
        </Card>
      ) : (
        groups.data.map((g) => {
          const groupKey = `${g.by}:${g.key}`
          const chosen = keep[groupKey] ?? String(g.records[0]!.id)
          return (
            <Card key={groupKey} withBorder radius="md" padding="md" data-testid="duplicate-group">
              <Group justify="space-between" mb="sm">
                <Group gap="xs">
                  <Badge variant="light" color={g.by === 'name' ? 'orange' : 'grape'}>
                    {t(`crm.duplicates.by.${g.by}`)}
                  </Badge>
                  <Text size="sm" c="dimmed">
                    {t('crm.duplicates.count', { count: g.records.length })}
                  </Text>
                </Group>
                <Button
                  size="xs"
                  leftSection={<IconGitMerge size={14} />}
                  onClick={() => {
                    const keepId = Number(chosen)
                    setMerging({ key: groupKey, keepId, mergeIds: g.records.map((r) => r.id).filter((id) => id !== keepId), name: g.records.find((r) => r.id === keepId)?.name ?? '' })
                  }}
                  data-testid="duplicate-merge"
                >
                  {t('crm.duplicates.merge')}
                </Button>
              </Group>
              <Radio.Group value={chosen} onChange={(v) => setKeep({ ...keep, [groupKey]: v })}>
                <Table verticalSpacing={6} fz="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={70}>{t('crm.duplicates.keep')}</Table.Th>
                      <Table.Th>{t('crm.duplicates.name')}</Table.Th>
                      <Table.Th>{t('crm.duplicates.phone')}</Table.Th>
                      <Table.Th>{t('crm.duplicates.owner')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {g.records.map((r) => (
                      <Table.Tr key={r.id}>
                        <Table.Td>
                          <Radio value={String(r.id)} aria-label={t('crm.duplicates.keep')} />
                        </Table.Td>
                        <Table.Td>
                          <Anchor href={routeHash({ formId: null, recordId: null, crm: { page: 'customers', id: r.id } })}>{r.name}</Anchor>
                        </Table.Td>
                        <Table.Td>{r.phone ?? '—'}</Table.Td>
                        <Table.Td>{r.owner ?? t('crm.pool.inPool')}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Radio.Group>
            </Card>
          )
        })
      )}
      <ConfirmDialog
        opened={merging !== null}
        title={t('crm.duplicates.confirmTitle')}
        message={t('crm.duplicates.confirmBody', { name: merging?.name ?? '', count: merging?.mergeIds.length ?? 0 })}
        confirmLabel={t('crm.duplicates.merge')}
        onCancel={() => setMerging(null)}
        onConfirm={async () => {
          if (!merging) return
          const result = await api.crm.merge({ keepId: merging.keepId, mergeIds: merging.mergeIds })
          notifySuccess(t('crm.duplicates.merged', { merged: result.merged, relinked: result.relinked }))
          setMerging(null)
          await groups.reload()
        }}
      />
    </Stack>
  )
}
