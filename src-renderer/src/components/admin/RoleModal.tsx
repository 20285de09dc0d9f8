import { useEffect, useState, type FormEvent } from 'react'
import { Modal, Text, TextInput, Textarea } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { ModalForm } from '../ModalForm'
import { api, ApiError } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'
import type { Role } from '../../lib/org'

/** `null` role with `opened`: a new role; otherwise rename / describe that role. */
export function RoleModal({ opened, role, onClose, onSaved }: { opened: boolean; role: Role | null; onClose(): void; onSaved(role: Role): void }) {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (!opened) return
    setName(role?.name ?? '')
    setDescription(role?.description ?? '')
    setError(null)
  }, [opened, role])

  const submit = async (event?: FormEvent) => {
    event?.preventDefault()
    if (!name.trim()) {
      setError(t('roles.nameRequired'))
      return
    }
    setBusy(true)
    try {
      const input = { name: name.trim(), description: description.trim() || null }
      const saved = role ? await api.roles.update({ id: role.id, ...input }) : await api.roles.create(input)
      notifySuccess(role ? t('common.saved') : t('roles.created', { name: saved.name }))
      onSaved(saved)
    } catch (e) {
      if (e instanceof ApiError && e.field === 'name') setError(e.message)
      else notifyError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} centered title={<Text fw={600}>{role ? t('roles.editTitle', { name: role.name }) : t('roles.addTitle')}</Text>}>
      <ModalForm onSubmit={submit} onCancel={onClose} busy={busy}>
          <TextInput
            label={t('roles.name')}
            placeholder={t('roles.namePlaceholder')}
            withAsterisk
            value={name}
            error={error}
            onChange={(e) => {
              setName(e.currentTarget.value)
              setError(null)
            }}
            data-autofocus
          />
          <Textarea label={t('roles.description')} placeholder={t('roles.descriptionPlaceholder')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={2} maxLength={200} />
      </ModalForm>
    </Modal>
  )
}
