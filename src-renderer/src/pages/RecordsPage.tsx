import { useEffect, useMemo, useState } from 'react'
import { Badge, Button, Center, Collapse, EmptyState, Group, Loader, LoadingOverlay, Paper, Stack, Text, TextInput, Title } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconArrowLeft, IconArrowsExchange, IconChevronLeft, IconChevronRight, IconFilter, IconPlus, IconSearch, IconTable, IconTrash, IconX } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FilterNode, FormDto, MethodOutput, RecordDto } from '@shared/api/contracts'
import { api, errorMessage } from '../api/client'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { FilterPanel } from '../components/records/FilterPanel'
import { EMPTY_FILTER, isComplete, toFilterNode, type FilterState } from '../components/records/filter'
import { RecordDrawer } from '../components/records/RecordDrawer'
import { RecordsTable, type SortState } from '../components/records/RecordsTable'
import { TransferModal } from '../components/records/TransferModal'
import { TrashTable } from '../components/records/TrashTable'
import { notifyDeletedWithUndo } from '../components/records/undo'
import { rendererOf } from '../fields/registry'
import { systemFields } from '../fields/system'
import { notifyError } from '../lib/notify'
import { navigate } from '../lib/route'

const PAGE_SIZE = 50

type Page = MethodOutput<'records.list'>

/** Keyset paging: the cursor of every page we went through, so 上一页 can go back. */
interface Pager {
  queryKey: string
  cursors: (string | null)[]
}

export function RecordsPage({ form, recordId }: { form: FormDto; recordId: number | null }) {
  const { t } = useTranslation()
  const allFields = useMemo(() => form.fields.filter((f) => f.deletedAt === null), [form.fields])
  const fields = useMemo(() => allFields.filter((f) => f.parentFieldId === null).sort((a, b) => a.position - b.position), [allFields])
  const totalsKeys = useMemo(() => fields.filter((f) => rendererOf(f.type).summable).map((f) => f.apiKey), [fields])

  const [searchText, setSearchText] = useState('')
  const [search] = useDebouncedValue(searchText.trim(), 300)
  const [filter, setFilter] = useState<FilterState>(EMPTY_FILTER)
  const [filterOpen, setFilterOpen] = useState(false)
  const [sort, setSort] = useState<SortState | null>(null)
  const [trash, setTrash] = useState(false)
  const [creating, setCreating] = useState(false)
  const [selected, setSelected] = useState<Set<number>>(new Set())
  /** Records waiting for the bulk-delete confirmation (kept, so the dialog's text does not change while it closes). */
  const [pendingDelete, setPendingDelete] = useState<number[] | null>(null)
  const [deleting, setDeleting] = useState(false)
  /** Records waiting for the 转交 dialog. */
  const [pendingTransfer, setPendingTransfer] = useState<number[] | null>(null)
  const [reloadTick, setReloadTick] = useState(0)
  const [page, setPage] = useState<Page | null>(null)
  const [loading, setLoading] = useState(true)
  const [failure, setFailure] = useState<string | null>(null)

  const filterFields = useMemo(() => [...fields, ...systemFields(form.id, t).filter((f) => f.apiKey !== 'id')], [fields, form.id, t])
  const filterNode = toFilterNode(filter, filterFields)
  const queryKey = JSON.stringify({ search, filterNode, sort })
  const query = useMemo(() => JSON.parse(queryKey) as { search: string; filterNode?: FilterNode; sort: SortState | null }, [queryKey])
  const [pager, setPager] = useState<Pager>({ queryKey, cursors: [null] })
  // A new search, filter or sort starts again from the first page.
  const cursors = pager.queryKey === queryKey ? pager.cursors : [null]
  const cursor = cursors[cursors.length - 1]
  const reload = () => setReloadTick((n) => n + 1)

  useEffect(() => {
    let live = true
    setLoading(true)
    api.records
      .list({
        form: form.id,
        search: query.search || undefined,
        filter: query.filterNode,
        sort: query.sort ? [query.sort] : undefined,
        limit: PAGE_SIZE,
        cursor: cursor ?? undefined,
        withTotal: true,
        totals: totalsKeys.length ? totalsKeys : undefined
      })
      .then(
        (result) => {
          if (!live) return
          setPage(result)
          setFailure(null)
          setSelected(new Set())
        },
        (error: unknown) => live && setFailure(errorMessage(error))
      )
      .finally(() => live && setLoading(false))
    return () => {
      live = false
    }
  }, [form.id, query, cursor, reloadTick, totalsKeys])

  const openRecord = (record: RecordDto) => navigate({ formId: form.id, recordId: record.id })
  const closeDrawer = () => {
    setCreating(false)
    if (recordId !== null) navigate({ formId: form.id, recordId: null })
  }

  const deleteRecords = async (ids: number[]) => {
    try {
      const { deleted } = await api.records.delete({ form: form.id, ids })
      setSelected(new Set())
      reload()
      if (deleted > 0) notifyDeletedWithUndo(form.id, ids, reload)
    } catch (error) {
      notifyError(error)
      throw error
    }
  }

  const activeConditions = filter.conditions.filter(isComplete).length
  const querying = Boolean(search) || activeConditions > 0
  const pageIndex = cursors.length - 1

  const header = (
    <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
      <Stack gap={2}>
        <Group gap="sm" align="center">
          <Title order={3}>{form.label}</Title>
          {!trash && page?.total !== undefined && (
            <Badge variant="light" color="gray" radius="sm" tt="none" fw={500} data-testid="records-total">
              {t('records.total', { count: page.total })}
            </Badge>
          )}
        </Group>
        {form.description && (
          <Text size="sm" c="dimmed">
            {form.description}
          </Text>
        )}
      </Stack>
      <Group gap="sm">
        <Button
          variant={trash ? 'light' : 'default'}
          color={trash ? 'indigo' : 'gray'}
          leftSection={trash ? <IconArrowLeft size={16} /> : <IconTrash size={16} />}
          onClick={() => setTrash((v) => !v)}
          data-testid="trash-toggle"
        >
          {trash ? t('records.backToList') : t('records.trash')}
        </Button>
        {!trash && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} disabled={fields.length === 0}>
            {t('records.new')}
          </Button>
        )}
      </Group>
    </Group>
  )

  if (fields.length === 0) {
    return (
      <Stack gap="md">
        {header}
        <Paper withBorder radius="md" py={60}>
          <EmptyState icon={<IconTable size={32} />} variant="light" title={t('records.noFields')} />
        </Paper>
      </Stack>
    )
  }

  return (
    <Stack gap="md">
      {header}

      {trash ? (
        <>
          <Text fw={600} c="dimmed" size="sm">
            {t('records.trashTitle')}
          </Text>
          <TrashTable form={form} fields={fields} onRestored={reload} />
        </>
      ) : (
        <>
          <Group gap="sm" wrap="wrap">
            <TextInput
              placeholder={t('records.search')}
              aria-label={t('records.search')}
              data-testid="records-search"
              leftSection={<IconSearch size={16} />}
              rightSection={
                searchText ? (
                  <IconX size={14} style={{ cursor: 'pointer' }} onClick={() => setSearchText('')} aria-label={t('filter.clear')} />
                ) : null
              }
              value={searchText}
              onChange={(e) => setSearchText(e.currentTarget.value)}
              w={280}
            />
            <Button
              variant={filterOpen || activeConditions ? 'light' : 'default'}
              color={activeConditions ? 'indigo' : 'gray'}
              leftSection={<IconFilter size={16} />}
              onClick={() => setFilterOpen((v) => !v)}
              data-testid="filter-toggle"
            >
              {activeConditions ? t('filter.count', { count: activeConditions }) : t('filter.button')}
            </Button>
            {selected.size > 0 && (
              <Group gap="sm" ml="auto">
                <Text size="sm" c="dimmed">
                  {t('records.selected', { count: selected.size })}
                </Text>
                <Button variant="default" leftSection={<IconArrowsExchange size={16} />} onClick={() => setPendingTransfer([...selected])} data-testid="bulk-transfer">
                  {t('transfer.button')}
                </Button>
                <Button color="red" variant="light" leftSection={<IconTrash size={16} />} onClick={() => setPendingDelete([...selected])} data-testid="bulk-delete">
                  {t('records.deleteSelected')}
                </Button>
              </Group>
            )}
          </Group>

          <Collapse expanded={filterOpen}>
            <FilterPanel fields={filterFields} value={filter} onChange={setFilter} />
          </Collapse>

          {page === null && !failure ? (
            <Center py="xl">
              <Loader />
            </Center>
          ) : failure ? (
            <Paper withBorder radius="md" p="lg">
              <Text c="red" fw={600}>
                {t('records.loadFailed')}
              </Text>
              <Text size="sm" c="dimmed">
                {failure}
              </Text>
            </Paper>
          ) : page && page.records.length === 0 ? (
            <Paper withBorder radius="md" py={56}>
              {querying ? (
                <EmptyState icon={<IconSearch size={30} />} variant="light" color="gray" title={t('records.noMatchTitle')} description={t('records.noMatchBody')} />
              ) : (
                <EmptyState icon={<IconTable size={30} />} variant="light" title={t('records.emptyTitle')} description={t('records.emptyBody')}>
                  <EmptyState.Actions>
                    <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
                      {t('records.new')}
                    </Button>
                  </EmptyState.Actions>
                </EmptyState>
              )}
            </Paper>
          ) : (
            page && (
              <Paper withBorder radius="md" style={{ overflow: 'hidden' }} pos="relative">
                <LoadingOverlay visible={loading} overlayProps={{ blur: 1, backgroundOpacity: 0.4 }} loaderProps={{ size: 'sm' }} />
                <RecordsTable
                  fields={fields}
                  records={page.records}
                  sort={sort}
                  onSort={setSort}
                  selected={selected}
                  onSelect={setSelected}
                  totals={page.totals}
                  onOpen={openRecord}
                />
                {(pageIndex > 0 || page.nextCursor) && (
                  <Group justify="space-between" px="md" py="xs" style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }} bg="var(--mantine-color-gray-0)">
                    <Text size="sm" c="dimmed">
                      {page.total !== undefined ? t('records.total', { count: page.total }) : null}
                    </Text>
                    <Group gap="xs">
                      <Button
                        variant="default"
                        size="xs"
                        leftSection={<IconChevronLeft size={14} />}
                        disabled={pageIndex === 0 || loading}
                        onClick={() => setPager({ queryKey, cursors: cursors.slice(0, -1) })}
                      >
                        {t('records.prev')}
                      </Button>
                      <Text size="sm" c="dimmed" px={4}>
                        {t('records.page', { page: pageIndex + 1 })}
                      </Text>
                      <Button
                        variant="default"
                        size="xs"
                        rightSection={<IconChevronRight size={14} />}
                        disabled={!page.nextCursor || loading}
                        onClick={() => page.nextCursor && setPager({ queryKey, cursors: [...cursors, page.nextCursor] })}
                      >
                        {t('records.next')}
                      </Button>
                    </Group>
                  </Group>
                )}
              </Paper>
            )
          )}
        </>
      )}

      <RecordDrawer
        form={form}
        fields={fields}
        allFields={allFields}
        recordId={creating ? null : recordId}
        opened={creating || recordId !== null}
        onClose={closeDrawer}
        onSaved={() => {
          closeDrawer()
          reload()
        }}
        onDelete={async (record) => {
          await deleteRecords([record.id])
          closeDrawer()
        }}
        onChanged={reload}
      />

      <TransferModal
        form={form}
        ids={pendingTransfer}
        onClose={() => setPendingTransfer(null)}
        onDone={() => {
          setPendingTransfer(null)
          setSelected(new Set())
          reload()
        }}
      />

      <ConfirmDialog
        opened={pendingDelete !== null}
        title={t('records.deleteConfirmTitle')}
        message={t('records.deleteConfirmBody', { count: pendingDelete?.length ?? 0 })}
        confirmLabel={t('common.delete')}
        danger
        busy={deleting}
        onCancel={() => setPendingDelete(null)}
        onConfirm={async () => {
          if (!pendingDelete) return
          setDeleting(true)
          try {
            await deleteRecords(pendingDelete)
          } catch {
            // Already reported by deleteRecords.
          } finally {
            setDeleting(false)
            setPendingDelete(null)
          }
        }}
      />
    </Stack>
  )
}
