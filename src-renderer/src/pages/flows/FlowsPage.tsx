import { useState } from 'react'
import { Badge, Button, Card, Group, Modal, Select, SimpleGrid, Stack, Text, TextInput, ThemeIcon } from '@mantine/core'
import { IconGitBranch, IconPlus } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FormDto } from '@shared/api/contracts'
import { api } from '../../api/client'
import { PageHeader } from '../../components/PageHeader'
import { LoadState } from '../../components/LoadState'
import { notifyError } from '../../lib/notify'
import { navigate } from '../../lib/route'
import { useLoaded } from '../../lib/use-loaded'
import { FlowDesigner } from './FlowDesigner'

// 流程设计 (administrators): the flows of every form, and the designer of one (#/flows/<id>).

export function FlowsPage({ flowId, forms }: { flowId: number | null; forms: FormDto[] }) {
  if (flowId !== null) return <FlowDesigner key={flowId} flowId={flowId} forms={forms} />
  return <FlowList forms={forms} />
}

function FlowList({ forms }: { forms: FormDto[] }) {
  const { t } = useTranslation()
  const { data, failure } = useLoaded(() => api.flows.list({}))
  const [creating, setCreating] = useState(false)
  const [name, setName] = useState('')
  const [formId, setFormId] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const create = async () => {
    if (!name.trim() || !formId) return
    setBusy(true)
    try {
      const flow = await api.flows.create({ name: name.trim(), form: Number(formId) })
      navigate({ formId: null, recordId: null, section: 'flows', flowId: flow.id })
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Stack gap="lg" p="xs">
      <PageHeader title={t('flows.nav.flows')} description={t('flows.list.description')}>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="flow-new">
          {t('flows.list.new')}
        </Button>
      </PageHeader>
      {!data ? (
        <LoadState failure={failure} />
      ) : data.length === 0 ? (
        <Card withBorder radius="md" p="xl">
          <Stack align="center" gap="xs">
            <ThemeIcon size={48} radius="xl" variant="light"><IconGitBranch size={26} /></ThemeIcon>
            <Text fw={600}>{t('flows.list.emptyTitle')}</Text>
            <Text size="sm" c="dimmed">{t('flows.list.emptyBody')}</Text>
          </Stack>
        </Card>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {data.map((f) => (
            <Card
              key={f.id}
              withBorder
              radius="md"
              component="a"
              href={`#/flows/${f.id}`}
              data-testid={`flow-card-${f.id}`}
              style={{ textDecoration: 'none', color: 'inherit' }}
            >
              <Group justify="space-between" wrap="nowrap" mb={6}>
                <Group gap={8} wrap="nowrap">
                  <ThemeIcon variant="light" radius="md"><IconGitBranch size={18} /></ThemeIcon>
                  <Text fw={600} truncate>{f.name}</Text>
                </Group>
                {!f.enabled ? (
                  <Badge color="gray" variant="light">{t('flows.list.disabled')}</Badge>
                ) : f.publishedVersion ? (
                  <Badge color={f.dirty ? 'yellow' : 'teal'} variant="light">{f.dirty ? t('flows.list.unpublishedChanges') : t('flows.list.published', { version: f.publishedVersion })}</Badge>
                ) : (
                  <Badge color="gray" variant="outline">{t('flows.list.draft')}</Badge>
                )}
              </Group>
              <Text size="sm" c="dimmed">{t('flows.list.form', { form: f.formLabel })}</Text>
              {f.description && <Text size="sm" mt={4} lineClamp={2}>{f.description}</Text>}
            </Card>
          ))}
        </SimpleGrid>
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('flows.list.new')}>
        <Stack>
          <TextInput label={t('flows.list.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus data-testid="flow-name" />
          <Select label={t('flows.list.formLabel')} data={forms.map((f) => ({ value: String(f.id), label: f.label }))} value={formId} onChange={setFormId} searchable data-testid="flow-form" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setCreating(false)}>{t('common.cancel')}</Button>
            <Button onClick={() => void create()} loading={busy} disabled={!name.trim() || !formId} data-testid="flow-create">{t('flows.list.create')}</Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  )
}
