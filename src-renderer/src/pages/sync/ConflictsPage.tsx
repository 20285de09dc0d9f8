import { useCallback, useEffect, useState } from 'react'
import { Center, EmptyState, Stack } from '@mantine/core'
import { IconCircleCheck } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FormDto } from '@shared/api/contracts'
import type { ConflictDto } from '@shared/api/sync'
import { api, errorMessage } from '../../api/client'
import { PageHeader } from '../../components/PageHeader'
import { LoadState } from '../../components/LoadState'
import { ConflictCard } from '../../components/sync/ConflictCard'
import { refreshConflicts, setConflictCount, CONFLICT_COUNT_LIMIT } from '../../components/sync/conflict-count'
import { loadForm } from '../../lib/cache'

// The 冲突 inbox (#/sync/conflicts): the signed-in user's changes from their computer that the
// office did not take as they were (src-main/sync/host.ts). Each entry is resolved on its own;
// a resolved one stays on the page, showing what the record holds now, until the page is left.

export function ConflictsPage() {
  const { t } = useTranslation()
  const [entries, setEntries] = useState<ConflictDto[] | null>(null)
  const [forms, setForms] = useState<Map<number, FormDto>>(new Map())
  const [failure, setFailure] = useState<string | null>(null)

  const load = useCallback(async () => {
    try {
      const open = await api.sync.conflicts({ open: true, limit: CONFLICT_COUNT_LIMIT })
      // The field renderers need each form's fields (options, currency, relation targets).
      const ids = [...new Set(open.map((c) => c.form.id))]
      const loaded = await Promise.all(ids.map((id) => loadForm(id).catch(() => null)))
      setForms(new Map(loaded.flatMap((f) => (f ? [[f.id, f] as const] : []))))
      setEntries(open)
      setConflictCount(open.length)
    } catch (e) {
      setFailure(errorMessage(e))
    }
  }, [])

  useEffect(() => {
    void load()
  }, [load])

  if (!entries) return <LoadState failure={failure} />

  return (
    <Stack gap="md" maw={960} mx="auto" data-testid="conflicts-page">
      <PageHeader title={t('sync.inbox.title')} description={t('sync.inbox.description')} />
      {entries.length === 0 ? (
        <Center py={60}>
          <EmptyState data-testid="conflicts-empty" icon={<IconCircleCheck size={36} />} variant="light" color="teal" title={t('sync.inbox.empty.title')} description={t('sync.inbox.empty')} />
        </Center>
      ) : (
        entries.map((c) => (
          <ConflictCard
            key={c.id}
            conflict={c}
            form={forms.get(c.form.id) ?? null}
            onResolved={(next) => {
              setEntries((list) => list?.map((e) => (e.id === next.id ? next : e)) ?? null)
              refreshConflicts(0)
            }}
          />
        ))
      )}
    </Stack>
  )
}
