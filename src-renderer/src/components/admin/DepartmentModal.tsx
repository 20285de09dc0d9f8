import { useEffect, useState, type FormEvent } from 'react'
import { Modal, Text, TextInput } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { ModalForm } from '../ModalForm'
import { api, ApiError } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'
import { subtreeIds, type Department, type UserInfo } from '../../lib/org'
import { UserSelect } from '../UserPicker'
import { DepartmentSelect } from './DepartmentSelect'

/** A new department (under `parentId`) or changes to one: name, parent (moving it), head. */
export type DepartmentEdit = { kind: 'create'; parentId: number | null } | { kind: 'edit'; department: Department }

export function DepartmentModal({
  edit,
  departments,
  users,
  onClose,
  onSaved
}: {
  edit: DepartmentEdit | null
  departments: Department[]
  users: UserInfo[]
  onClose(): void
  onSaved(department: Department): void
}) {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [parentId, setParentId] = useState<number | null>(null)
  const [headUserId, setHeadUserId] = useState<number | null>(null)
  const [nameError, setNameError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (!edit) return
    setNameError(null)
    if (edit.kind === 'create') {
      setName('')
      setParentId(edit.parentId)
      setHeadUserId(null)
    } else {
      setName(edit.department.name)
      setParentId(edit.department.parentId)
      setHeadUserId(edit.department.headUserId)
    }
  }, [edit])

  // A department cannot move under itself or one of its own sub-departments.
  const exclude = edit?.kind === 'edit' ? subtreeIds(departments, edit.department.id) : undefined

  const submit = async (event?: FormEvent) => {
    event?.preventDefault()
    if (!edit) return
    if (!name.trim()) {
      setNameError(t('org.deptNameRequired'))
      return
    }
    setBusy(true)
    try {
      const saved =
        edit.kind === 'create'
          ? await api.departments.create({ name: name.trim(), parentId, headUserId })
          : await api.departments.update({ id: edit.department.id, name: name.trim(), parentId, headUserId })
      notifySuccess(edit.kind === 'create' ? t('org.deptCreated', { name: saved.name }) : t('common.saved'))
      onSaved(saved)
    } catch (error) {
      if (error instanceof ApiError && error.field === 'name') setNameError(error.message)
      else notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  const parentName = edit?.kind === 'create' && edit.parentId !== null ? departments.find((d) => d.id === edit.parentId)?.name : null

  return (
    <Modal
      opened={edit !== null}
      onClose={onClose}
      centered
      title={
        <Text fw={600}>
          {edit?.kind === 'edit' ? t('org.editDeptTitle', { name: edit.department.name }) : parentName ? t('org.addChildTitle', { name: parentName }) : t('org.addDeptTitle')}
        </Text>
      }
    >
      <ModalForm onSubmit={submit} onCancel={onClose} busy={busy}>
          <TextInput
            label={t('org.deptName')}
            placeholder={t('org.deptNamePlaceholder')}
            withAsterisk
            value={name}
            error={nameError}
            onChange={(e) => {
              setName(e.currentTarget.value)
              setNameError(null)
            }}
            data-autofocus
          />
          <DepartmentSelect
            label={t('org.parentDept')}
            description={edit?.kind === 'edit' ? t('org.parentDeptMoveHint') : undefined}
            placeholder={t('org.topLevel')}
            departments={departments}
            exclude={exclude}
            value={parentId}
            onChange={setParentId}
          />
          <UserSelect label={t('org.head')} placeholder={t('org.noHead')} clearable users={users} value={headUserId} onChange={setHeadUserId} />
      </ModalForm>
    </Modal>
  )
}
