import { useEffect, useState } from 'react'
import { Group, Paper, SimpleGrid, Text } from '@mantine/core'
import { IconUserStar, IconUsersGroup } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FormDto, RecordDto } from '@shared/api/contracts'
import { api, ApiError } from '../../api/client'
import { useUsers } from '../../lib/cache'
import { notifyError, notifySuccess } from '../../lib/notify'
import { UserMultiSelect, UserSelect, type PickableUser } from '../UserPicker'
import { savedOutOfScope } from './saved'

type Collaborator = { id: number; name: string }

/**
 * Who is responsible for the record (负责人) and who works on it with them (协作人). Both decide
 * who sees it under the 本人 data scope, so each change is saved at once, not with the form.
 */
/**
 * `canAssign`: the user may choose the owner (the transfer right; the core refuses others).
 * `onGone`: the new owner is outside the user's scope, so the record left their sight (the drawer closes).
 */
export function OwnerSection({ form, record, canAssign, onRecordChange, onChanged, onGone }: { form: FormDto; record: RecordDto; canAssign: boolean; onRecordChange(record: RecordDto): void; onChanged?(): void; onGone(): void }) {
  const { t } = useTranslation()
  const users = useUsers()
  const [collaborators, setCollaborators] = useState<Collaborator[] | null>(null)
  /** Why the collaborators cannot be shown now (a laptop offline that never had them): said in place, not as an error. */
  const [unavailable, setUnavailable] = useState<string | null>(null)
  const [savingOwner, setSavingOwner] = useState(false)
  const [savingCollaborators, setSavingCollaborators] = useState(false)

  useEffect(() => {
    let live = true
    api.records.collaborators({ form: form.id, id: record.id }).then(
      (list) => {
        if (!live) return
        setCollaborators(list)
        setUnavailable(null)
      },
      (error: unknown) => {
        if (!live) return
        if (error instanceof ApiError && error.messageKey === 'sync.offline.unavailable') {
          // Offline, with no copy of them: the list stays closed and says why, nothing is cleared.
          setCollaborators(null)
          setUnavailable(error.message)
          return
        }
        setCollaborators([])
        notifyError(error)
      }
    )
    return () => {
      live = false
    }
  }, [form.id, record.id])

  // Named people stay choosable even when deactivated or outside the list (so the name still shows).
  const known: PickableUser[] = [...users]
  for (const p of [...(record.owner ? [record.owner] : []), ...(collaborators ?? [])]) if (!known.some((u) => u.id === p.id)) known.push({ ...p, active: false })

  const changeOwner = async (id: number | null) => {
    if (id === null || id === record.owner?.id) return
    setSavingOwner(true)
    try {
      const saved = await api.records.update({ form: form.id, id: record.id, fields: { owner: id }, version: record.version })
      if (savedOutOfScope(saved)) {
        notifySuccess(saved.message)
        onGone()
        return
      }
      onRecordChange(saved)
      notifySuccess(t('owner.changed', { name: saved.owner?.name ?? known.find((u) => u.id === id)?.name ?? '' }))
      onChanged?.()
    } catch (error) {
      notifyError(error)
    } finally {
      setSavingOwner(false)
    }
  }

  const changeCollaborators = async (ids: number[]) => {
    const previous = collaborators
    setCollaborators(ids.map((id) => ({ id, name: known.find((u) => u.id === id)?.name ?? `#${id}` })))
    setSavingCollaborators(true)
    try {
      setCollaborators(await api.records.setCollaborators({ form: form.id, id: record.id, userIds: ids }))
      onChanged?.()
    } catch (error) {
      setCollaborators(previous)
      notifyError(error)
    } finally {
      setSavingCollaborators(false)
    }
  }

  return (
    <Paper withBorder radius="md" p="sm" bg="var(--jimu-surface-muted)" data-testid="owner-section">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <UserSelect
          label={
            <Group gap={4} component="span">
              <IconUserStar size={14} />
              <Text span size="sm" fw={500}>
                {t('owner.owner')}
              </Text>
            </Group>
          }
          aria-label={t('owner.owner')}
          placeholder={t('owner.noOwner')}
          users={known}
          value={record.owner?.id ?? null}
          onChange={(id) => void changeOwner(id)}
          allowDeselect={false}
          disabled={savingOwner || !canAssign}
          size="sm"
          data-testid="owner-select"
        />
        <UserMultiSelect
          label={
            <Group gap={4} component="span">
              <IconUsersGroup size={14} />
              <Text span size="sm" fw={500}>
                {t('owner.collaborators')}
              </Text>
            </Group>
          }
          aria-label={t('owner.collaborators')}
          placeholder={unavailable ?? (collaborators && collaborators.length > 0 ? undefined : t('owner.noCollaborators'))}
          users={known}
          exclude={record.owner ? [record.owner.id] : []}
          value={(collaborators ?? []).map((c) => c.id)}
          onChange={(ids) => void changeCollaborators(ids)}
          disabled={collaborators === null || savingCollaborators}
          size="sm"
        />
      </SimpleGrid>
    </Paper>
  )
}
