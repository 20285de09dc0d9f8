import { useEffect, useState } from 'react'
import { Alert, Badge, Button, Checkbox, Group, Modal, ScrollArea, Stack, Text } from '@mantine/core'
import { IconInfoCircle } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { AppChangeDto } from '@shared/api/crm'
import { api } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'

/**
 * Install (or complete) the sales app after the first run: what it adds is previewed first;
 * forms and fields the firm already has are kept as they are.
 */
export function InstallCrmModal({ opened, onClose, onInstalled }: { opened: boolean; onClose(): void; onInstalled(): void }) {
  const { t, i18n } = useTranslation()
  const locale = i18n.language === 'en' ? 'en' : 'zh-CN'
  const [changes, setChanges] = useState<AppChangeDto[] | null>(null)
  const [sample, setSample] = useState(false)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    if (!opened) return
    let live = true
    api.crm.preview({ locale }).then((p) => live && setChanges(p.changes), (e: unknown) => live && notifyError(e))
    return () => {
      live = false
    }
  }, [opened, locale])
  const adds = (changes ?? []).filter((c) => c.kind === 'add')
  const forms = adds.filter((c) => c.section === 'form')
  const install = async () => {
    setBusy(true)
    try {
      const result = await api.crm.install({ locale, sampleData: sample })
      notifySuccess(t(result.sample ? 'crm.setup.installedWithData' : 'crm.setup.installed'))
      onInstalled()
      onClose()
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal opened={opened} onClose={onClose} centered size="lg" title={<Text fw={600}>{t('crm.install.title')}</Text>}>
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          {t('crm.setup.installHint')}
        </Text>
        {changes && (
          <Alert variant="light" icon={<IconInfoCircle size={18} />} title={adds.length ? t('crm.install.summary', { forms: forms.length, items: adds.length }) : t('crm.install.nothing')}>
            <ScrollArea.Autosize mah={180}>
              <Group gap={6}>
                {forms.map((f) => (
                  <Badge key={f.key} variant="light">
                    {f.label}
                  </Badge>
                ))}
              </Group>
            </ScrollArea.Autosize>
          </Alert>
        )}
        <Checkbox checked={sample} onChange={(e) => setSample(e.currentTarget.checked)} label={t('crm.setup.sampleLabel')} description={t('crm.setup.sampleHint')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button loading={busy} disabled={!changes || (!adds.length && !sample)} onClick={() => void install()} data-testid="crm-install-confirm">
            {t('crm.install.submit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
