import { useState } from 'react'
import { Alert, Badge, Box, Button, Card, Group, ScrollArea, Select, SimpleGrid, Stack, Table, Text, ThemeIcon, Title } from '@mantine/core'
import { Dropzone } from '@mantine/dropzone'
import { IconAlertTriangle, IconPackageExport, IconPackageImport, IconUpload } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { appPreviewDto } from '@shared/api/transfer'
import type { z } from 'zod'
import { api } from '../../api/client'
import { useAttempt } from '../../lib/use-attempt'
import { notifySuccess } from '../../lib/notify'
import { downloadBase64, readBase64 } from '../../lib/download'

// 应用导入/导出 (administration): an app's definition — forms, views and the engines' sections
// (flows, rules, dashboards) — saved as one file, and such a file installed on this PC after a
// preview of what it adds or changes.

type Preview = z.infer<typeof appPreviewDto>
const CHANGE_COLOR: Record<string, string> = { add: 'teal', change: 'blue', same: 'gray', conflict: 'orange' }

export function AppTransferPage({ apps, onInstalled }: { apps: Array<{ id: number; label: string }>; onInstalled: () => void }) {
  const { t } = useTranslation()
  const [chosen, setAppId] = useState<string | null>(null)
  const appId = chosen && apps.some((a) => String(a.id) === chosen) ? chosen : apps[0] ? String(apps[0].id) : null
  const { busy, error, attempt: run } = useAttempt()
  const [file, setFile] = useState<{ name: string; data: string } | null>(null)
  const [preview, setPreview] = useState<Preview | null>(null)


  const exportApp = () => run(async () => {
    const out = await api.transfer['app.export']({ app: Number(appId) })
    downloadBase64(out.name, out.data)
  })

  const pick = (files: File[]) => run(async () => {
    const f = files[0]
    if (!f) return
    const data = await readBase64(f)
    setPreview(null)
    setFile({ name: f.name, data })
    setPreview(await api.transfer['app.preview']({ name: f.name, data }))
  })

  const install = () => run(async () => {
    await api.transfer['app.import']({ name: file!.name, data: file!.data })
    notifySuccess(t('transfer.app.installed', { app: preview!.app.label }))
    setFile(null)
    setPreview(null)
    onInstalled()
  })

  const counts = (kind: string) => (preview?.sections ?? []).reduce((n, s) => n + s.items.filter((i) => i.change === kind).length, 0)

  return (
    <Stack gap="lg" maw={1100}>
      <Stack gap={4}>
        <Title order={3}>{t('transfer.app.title')}</Title>
        <Text c="dimmed" size="sm">{t('transfer.app.intro')}</Text>
      </Stack>
      {error && <Alert color="red" icon={<IconAlertTriangle size={18} />} data-testid="app-transfer-error">{error}</Alert>}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Card withBorder radius="md" padding="lg">
          <Stack gap="md">
            <Group gap="sm">
              <ThemeIcon variant="light" size={36} radius="md"><IconPackageExport size={20} /></ThemeIcon>
              <Box><Text fw={600}>{t('transfer.app.exportTitle')}</Text><Text size="xs" c="dimmed">{t('transfer.app.exportBody')}</Text></Box>
            </Group>
            <Select label={t('transfer.app.app')} data={apps.map((a) => ({ value: String(a.id), label: a.label }))} value={appId} onChange={setAppId} allowDeselect={false} />
            <Group justify="flex-end"><Button leftSection={<IconPackageExport size={16} />} onClick={() => void exportApp()} disabled={!appId} loading={busy && !file} data-testid="app-export">{t('transfer.app.export')}</Button></Group>
          </Stack>
        </Card>
        <Card withBorder radius="md" padding="lg">
          <Stack gap="md">
            <Group gap="sm">
              <ThemeIcon variant="light" color="teal" size={36} radius="md"><IconPackageImport size={20} /></ThemeIcon>
              <Box><Text fw={600}>{t('transfer.app.importTitle')}</Text><Text size="xs" c="dimmed">{t('transfer.app.importBody')}</Text></Box>
            </Group>
            <Dropzone onDrop={(f) => void pick(f)} multiple={false} maxSize={20 * 1024 * 1024} accept={{ 'application/json': ['.json'] }} loading={busy && !preview} data-testid="app-dropzone">
              <Group justify="center" gap="sm" mih={72} style={{ pointerEvents: 'none' }}>
                <IconUpload size={22} color="var(--mantine-color-dimmed)" />
                <Text size="sm" c="dimmed">{file ? file.name : t('transfer.app.drop')}</Text>
              </Group>
            </Dropzone>
          </Stack>
        </Card>
      </SimpleGrid>
      {preview && (
        <Card withBorder radius="md" padding="lg" data-testid="app-preview">
          <Stack gap="md">
            <Group justify="space-between">
              <Box>
                <Text fw={700}>{t(preview.app.exists ? 'transfer.app.previewExisting' : 'transfer.app.previewNew', { app: preview.app.label })}</Text>
                <Group gap={6} mt={6}>
                  <Badge variant="light" color="teal" radius="sm">{t('transfer.app.countAdd', { count: counts('add') })}</Badge>
                  <Badge variant="light" color="blue" radius="sm">{t('transfer.app.countChange', { count: counts('change') })}</Badge>
                  <Badge variant="light" color="gray" radius="sm">{t('transfer.app.countSame', { count: counts('same') })}</Badge>
                  {counts('conflict') > 0 && <Badge variant="light" color="orange" radius="sm">{t('transfer.app.countConflict', { count: counts('conflict') })}</Badge>}
                </Group>
              </Box>
              <Group gap="sm">
                <Button variant="default" onClick={() => { setPreview(null); setFile(null) }}>{t('common.cancel')}</Button>
                <Button leftSection={<IconPackageImport size={16} />} onClick={() => void install()} loading={busy} disabled={counts('add') + counts('change') === 0} data-testid="app-install">{t('transfer.app.install')}</Button>
              </Group>
            </Group>
            {counts('add') + counts('change') + counts('conflict') === 0 && <Text size="sm" c="dimmed">{t('transfer.app.nothing')}</Text>}
            <ScrollArea.Autosize mah={420}>
              <Table fz="sm" verticalSpacing={4}>
                <Table.Tbody>
                  {preview.sections.flatMap((s) => s.items.filter((i) => i.change !== 'same').map((i) => (
                    <Table.Tr key={`${s.section}:${i.key}`}>
                      <Table.Td w={110}><Text size="xs" c="dimmed">{t(`transfer.app.section.${s.section}`, { defaultValue: s.section })}</Text></Table.Td>
                      <Table.Td>{i.label}{i.detail && <Text span size="xs" c="dimmed"> · {i.detail}</Text>}</Table.Td>
                      <Table.Td w={90}><Badge variant="light" radius="sm" color={CHANGE_COLOR[i.change]}>{t(`transfer.app.change.${i.change}`)}</Badge></Table.Td>
                    </Table.Tr>
                  )))}
                </Table.Tbody>
              </Table>
            </ScrollArea.Autosize>
          </Stack>
        </Card>
      )}
    </Stack>
  )
}
