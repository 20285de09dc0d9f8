import { useState } from 'react'
import { Card, Code, Group, Stack, Tabs, Text } from '@mantine/core'
import { IconBuildingStore, IconDatabase, IconInfoCircle, IconMail, IconMessages, IconNetwork } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { api } from '../../api/client'
import { LoadState } from '../../components/LoadState'
import { PageHeader } from '../../components/PageHeader'
import { BackupsPanel } from '../../components/settings/BackupsPanel'
import { CompanyForm } from '../../components/settings/CompanyForm'
import { PublicAddressForm } from '../../components/settings/PublicAddressForm'
import { NotifySettingsPanel } from '../../components/rules/NotifySettingsPanel'
import { LanSharePanel } from '../../components/lan/LanSharePanel'
import { ImSettingsPanel } from '../../components/im/ImSettingsPanel'
import { useLoaded } from '../../lib/use-loaded'

const TABS = ['company', 'mail', 'backups', 'lan', 'im', 'about'] as const
export type SystemTab = (typeof TABS)[number]

/** 设置 → 系统 (administrators): the company, mail, backups and the data folder, about. */
export function SystemPage({ tab: initialTab, onRestored }: { tab: SystemTab; onRestored(): void }) {
  const { t } = useTranslation()
  const [tab, setTab] = useState<string | null>(initialTab)
  const settings = useLoaded(() => api.settings.get())
  if (!settings.data) return <LoadState failure={settings.failure} />
  const { company, backup, access, about } = settings.data
  return (
    <Stack gap="md" maw={1100}>
      <PageHeader title={t('system.title')} description={t('system.subtitle')} />
      <Card withBorder radius="md" p="md">
        <Tabs value={tab} onChange={setTab} keepMounted={false}>
          <Tabs.List mb="md">
            <Tabs.Tab value="company" leftSection={<IconBuildingStore size={16} />} data-testid="system-tab-company">
              {t('system.tab.company')}
            </Tabs.Tab>
            <Tabs.Tab value="mail" leftSection={<IconMail size={16} />} data-testid="system-tab-mail">
              {t('system.tab.mail')}
            </Tabs.Tab>
            <Tabs.Tab value="backups" leftSection={<IconDatabase size={16} />} data-testid="system-tab-backups">
              {t('system.tab.backups')}
            </Tabs.Tab>
            <Tabs.Tab value="lan" leftSection={<IconNetwork size={16} />} data-testid="system-tab-lan">
              {t('lan.ui.tab')}
            </Tabs.Tab>
            <Tabs.Tab value="im" leftSection={<IconMessages size={16} />} data-testid="system-tab-im">
              {t('im.tab')}
            </Tabs.Tab>
            <Tabs.Tab value="about" leftSection={<IconInfoCircle size={16} />} data-testid="system-tab-about">
              {t('system.tab.about')}
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="company">
            <CompanyForm initial={company} onSaved={() => void settings.reload()} />
          </Tabs.Panel>
          <Tabs.Panel value="mail">
            <NotifySettingsPanel />
          </Tabs.Panel>
          <Tabs.Panel value="backups">
            <BackupsPanel initial={backup} onRestored={onRestored} />
          </Tabs.Panel>
          <Tabs.Panel value="lan">
            <Stack gap="xl">
              <LanSharePanel />
              <PublicAddressForm initial={access} onSaved={() => void settings.reload()} />
            </Stack>
          </Tabs.Panel>
          <Tabs.Panel value="im">
            <ImSettingsPanel />
          </Tabs.Panel>
          <Tabs.Panel value="about">
            <Stack gap="xs" data-testid="system-about">
              <Group gap="xs">
                <Text size="sm" c="dimmed" w={120}>
                  {t('system.about.version')}
                </Text>
                <Text size="sm">{about.version}</Text>
              </Group>
              <Group gap="xs" wrap="nowrap">
                <Text size="sm" c="dimmed" w={120}>
                  {t('system.about.dataDir')}
                </Text>
                <Code>{about.dataDir}</Code>
              </Group>
              <Group gap="xs">
                <Text size="sm" c="dimmed" w={120}>
                  {t('system.about.databaseSize')}
                </Text>
                <Text size="sm">{`${(about.databaseSize / 1024 / 1024).toFixed(1)} MB`}</Text>
              </Group>
              <Text size="xs" c="dimmed">
                {t('system.about.dataDirHint')}
              </Text>
            </Stack>
          </Tabs.Panel>
        </Tabs>
      </Card>
    </Stack>
  )
}
