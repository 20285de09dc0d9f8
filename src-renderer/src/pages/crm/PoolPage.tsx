import { useCallback, useEffect, useMemo, useState } from 'react'
import { Badge, Button, Group, NumberInput, Paper, Popover, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconAdjustments, IconHandGrab, IconSearch, IconUsersGroup } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { viewConfig, type FilterNode, type FormDto, type ViewConfig } from '@shared/api/contracts'
import { api } from '../../api/client'
import { RecordDrawer } from '../../components/records/RecordDrawer'
import { TableView } from '../../components/views/TableView'
import { ViewEmpty } from '../../components/views/ViewEmpty'
import { LoadState } from '../../components/LoadState'
import { notifyError, notifySuccess } from '../../lib/notify'
import { useLoaded } from '../../lib/use-loaded'

// 公海: leads and customers without an owner. The list is the form's own table view filtered to
// ownerless records (reps see them through the access layer's pool seam); a record opens in the
// ordinary record page, whose header offers 领取. Administrators set the per-rep limit here.

type PoolForm = 'lead' | 'customer'
const POOL_FILTER: FilterNode = { field: 'owner', op: 'empty' }

export function PoolPage({ forms, isAdmin }: { forms: FormDto[]; isAdmin: boolean }) {
  const { t } = useTranslation()
  const [which, setWhich] = useState<PoolForm>('customer')
  const form = forms.find((f) => f.apiKey === which) ?? null
  const status = useLoaded(() => api.crm['pool.status']({ form: which }))
  const [config, setConfig] = useState<ViewConfig>(() => viewConfig.parse({ sort: [{ field: 'updatedAt', dir: 'desc' }] }))
  const [searchText, setSearchText] = useState('')
  const [search] = useDebouncedValue(searchText, 300)
  const [reloadTick, setReloadTick] = useState(0)
  const [total, setTotal] = useState<number | null>(null)
  const [open, setOpen] = useState<number | null>(null)
  const reload = useCallback(() => {
    setReloadTick((n) => n + 1)
    void status.reload()
  }, [status])
  const reloadStatus = status.reload
  useEffect(() => {
    void reloadStatus()
  }, [which, reloadStatus])
  const allFields = useMemo(() => form?.fields.filter((f) => f.deletedAt === null) ?? [], [form])
  const fields = useMemo(() => allFields.filter((f) => f.parentFieldId === null).sort((a, b) => a.position - b.position), [allFields])

  const switchTo = (next: PoolForm) => {
    setWhich(next)
    setOpen(null)
    setTotal(null)
  }

  const claim = async (ids: number[], clear: () => void) => {
    try {
      const result = await api.crm['pool.claim']({ form: which, ids })
      notifySuccess(t('crm.pool.claimed', { count: result.claimed }))
      // Claimed records a rule assigned elsewhere at once: where they went, not an error later.
      for (const message of new Set(result.outOfScope.map((o) => o.message))) notifySuccess(message)
      clear()
      reload()
    } catch (e) {
      notifyError(e)
    }
  }

  if (!form) return <LoadState failure={t('crm.pool.noForms')} />
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={4}>
          <Group gap="xs">
            <IconUsersGroup size={22} stroke={1.6} />
            <Title order={3}>{t('crm.pool.title')}</Title>
            {total !== null && (
              <Badge variant="light" color="gray" data-testid="pool-total">
                {total}
              </Badge>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            {t('crm.pool.subtitle')}
          </Text>
        </Stack>
        <Group gap="sm">
          {status.data && (
            <Text size="sm" c="dimmed" data-testid="pool-quota">
              {status.data.limit === null ? t('crm.pool.ownedNoLimit', { owned: status.data.owned }) : t('crm.pool.owned', { owned: status.data.owned, limit: status.data.limit })}
            </Text>
          )}
          {isAdmin && <LimitSettings form={which} onSaved={() => void status.reload()} />}
        </Group>
      </Group>
      <Group justify="space-between">
        <SegmentedControl
          value={which}
          onChange={(v) => switchTo(v as PoolForm)}
          data={[
            { value: 'customer', label: t('crm.pool.customers') },
            { value: 'lead', label: t('crm.pool.leads') }
          ]}
          data-testid="pool-switch"
        />
        <TextInput leftSection={<IconSearch size={16} />} placeholder={t('crm.pool.search')} value={searchText} onChange={(e) => setSearchText(e.currentTarget.value)} w={260} />
      </Group>
      <TableView
        key={form.id}
        form={form}
        fields={fields}
        allFields={allFields}
        config={config}
        onConfig={(patch) => setConfig((c) => ({ ...c, ...patch }))}
        filter={POOL_FILTER}
        search={search}
        reloadTick={reloadTick}
        reload={reload}
        onOpen={(record) => setOpen(record.id)}
        empty={<ViewEmpty icon={<IconUsersGroup size={32} />} title={t(search ? 'crm.pool.noMatch' : 'crm.pool.empty')} body={search ? undefined : t('crm.pool.emptyBody')} color="gray" />}
        onTotal={setTotal}
        selectionActions={(ids, clear) => (
          <Button size="compact-sm" variant="light" leftSection={<IconHandGrab size={15} />} onClick={() => void claim(ids, clear)} data-testid="pool-claim-selected">
            {t('crm.pool.claimSelected')}
          </Button>
        )}
      />
      <RecordDrawer
        form={form}
        fields={fields}
        allFields={allFields}
        recordId={open}
        opened={open !== null}
        onClose={() => setOpen(null)}
        onSaved={() => {
          setOpen(null)
          reload()
        }}
        onDelete={async (record) => {
          await api.records.delete({ form: form.id, ids: [record.id] })
          setOpen(null)
          reload()
        }}
        onChanged={reload}
      />
    </Stack>
  )
}

/** The administrator's per-rep limit: most records of this form one rep may own. */
function LimitSettings({ form, onSaved }: { form: PoolForm; onSaved(): void }) {
  const { t } = useTranslation()
  const [opened, setOpened] = useState(false)
  const [value, setValue] = useState<number | string>('')
  const [busy, setBusy] = useState(false)
  const openEditor = async () => {
    try {
      const settings = await api.crm.settings()
      setValue(settings.poolLimits[form] ?? '')
      setOpened(true)
    } catch (e) {
      notifyError(e)
    }
  }
  const save = async () => {
    setBusy(true)
    try {
      const settings = await api.crm.settings()
      await api.crm.updateSettings({ poolLimits: { ...settings.poolLimits, [form]: typeof value === 'number' && value > 0 ? value : null } })
      notifySuccess(t('crm.pool.limitSaved'))
      setOpened(false)
      onSaved()
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" withArrow shadow="md">
      <Popover.Target>
        <Button variant="default" size="xs" leftSection={<IconAdjustments size={14} />} onClick={() => void openEditor()} data-testid="pool-limit">
          {t('crm.pool.limitButton')}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Paper w={260}>
          <Stack gap="sm">
            <NumberInput label={t('crm.pool.limitLabel')} description={t('crm.pool.limitHint')} value={value} onChange={setValue} min={1} max={100000} allowDecimal={false} />
            <Group justify="flex-end">
              <Button size="xs" loading={busy} onClick={() => void save()}>
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </Paper>
      </Popover.Dropdown>
    </Popover>
  )
}
