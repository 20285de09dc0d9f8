import { useEffect, useState, type FormEvent } from 'react'
import { Alert, Button, Drawer, Group, MultiSelect, PasswordInput, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core'
import { IconAlertTriangle } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { api, ApiError } from '../../api/client'
import { invalidateUsers } from '../../lib/cache'
import { notifyError, notifySuccess } from '../../lib/notify'
import type { Department, Role, UserInfo } from '../../lib/org'
import { UserSelect } from '../UserPicker'
import { DepartmentSelect } from './DepartmentSelect'

/** A new member (optionally in a department) or changes to one. */
export type UserEdit = { kind: 'create'; departmentId: number | null } | { kind: 'edit'; user: UserInfo }

interface Values {
  name: string
  login: string
  password: string
  phone: string
  email: string
  departmentId: number | null
  managerId: number | null
  roleIds: number[]
  active: boolean
}

type Errors = Partial<Record<keyof Values, string>>

const blank = (s: string) => (s.trim() ? s.trim() : null)

export function UserDrawer({
  edit,
  users,
  departments,
  roles,
  onClose,
  onSaved,
  onRequestDisable
}: {
  edit: UserEdit | null
  users: UserInfo[]
  departments: Department[]
  roles: Role[]
  onClose(): void
  onSaved(user: UserInfo): void
  /** Turning an active member off goes through the same confirmation as the list's 停用. */
  onRequestDisable(user: UserInfo): void
}) {
  const { t } = useTranslation()
  const [values, setValues] = useState<Values | null>(null)
  const [errors, setErrors] = useState<Errors>({})
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (!edit) return
    setErrors({})
    if (edit.kind === 'create') {
      // A new member of a department reports to its head by default; the admin can change it.
      const head = departments.find((d) => d.id === edit.departmentId)?.headUserId ?? null
      setValues({ name: '', login: '', password: '', phone: '', email: '', departmentId: edit.departmentId, managerId: head, roleIds: [], active: true })
    } else {
      const u = edit.user
      setValues({
        name: u.name,
        login: u.login,
        password: '',
        phone: u.phone ?? '',
        email: u.email ?? '',
        departmentId: u.departmentId,
        managerId: u.managerId,
        roleIds: u.roleIds,
        active: u.active
      })
    }
  }, [edit, departments])

  const set = <K extends keyof Values>(key: K, value: Values[K]) => {
    setValues((prev) => (prev ? { ...prev, [key]: value } : prev))
    if (errors[key]) setErrors(({ [key]: _gone, ...rest }) => rest)
  }

  const validate = (v: Values): Errors => {
    const found: Errors = {}
    if (!v.name.trim()) found.name = t('org.nameRequired')
    if (v.login.trim().length < 2) found.login = t('setup.loginTooShort')
    if (edit?.kind === 'create' && v.password.length < 8) found.password = t('setup.passwordTooShort')
    if (v.email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email.trim())) found.email = t('org.emailInvalid')
    return found
  }

  const submit = async (event?: FormEvent) => {
    event?.preventDefault()
    if (!edit || !values) return
    const found = validate(values)
    setErrors(found)
    if (Object.keys(found).length) return
    setBusy(true)
    try {
      const common = {
        name: values.name.trim(),
        login: values.login.trim(),
        phone: blank(values.phone),
        email: blank(values.email),
        departmentId: values.departmentId,
        managerId: values.managerId,
        roleIds: values.roleIds
      }
      if (edit.kind === 'create') {
        const created = await api.users.create({ ...common, password: values.password, active: values.active })
        invalidateUsers()
        notifySuccess(t('org.userCreated', { name: created.name }))
        onSaved(created)
      } else {
        const disabling = edit.user.active && !values.active
        // Disabling is confirmed separately (it signs the member out everywhere); the other changes are saved now.
        const saved = await api.users.update({ id: edit.user.id, ...common, ...(disabling ? {} : { active: values.active }) })
        invalidateUsers()
        if (disabling) onRequestDisable(saved)
        else notifySuccess(t('common.saved'))
        onSaved(saved)
      }
    } catch (error) {
      if (error instanceof ApiError && error.field && ['name', 'login', 'password', 'phone', 'email'].includes(error.field)) {
        setErrors({ [error.field]: error.message })
      } else {
        notifyError(error)
      }
    } finally {
      setBusy(false)
    }
  }

  const editingId = edit?.kind === 'edit' ? edit.user.id : null
  const disabling = edit?.kind === 'edit' && edit.user.active && values?.active === false

  return (
    <Drawer
      opened={edit !== null}
      onClose={onClose}
      position="right"
      size="md"
      padding="lg"
      title={
        <Text fw={600} size="lg">
          {edit?.kind === 'edit' ? t('org.editUserTitle', { name: edit.user.name }) : t('org.addUserTitle')}
        </Text>
      }
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {values && (
        <form onSubmit={submit} noValidate data-testid="user-form">
          <Stack gap="md">
            <SimpleGrid cols={2} spacing="md">
              <TextInput label={t('org.name')} withAsterisk value={values.name} error={errors.name} onChange={(e) => set('name', e.currentTarget.value)} data-autofocus />
              <TextInput
                label={t('org.login')}
                withAsterisk
                value={values.login}
                error={errors.login}
                onChange={(e) => set('login', e.currentTarget.value)}
                autoComplete="off"
                description={edit?.kind === 'create' ? t('org.loginHint') : undefined}
              />
            </SimpleGrid>
            {edit?.kind === 'create' && (
              <PasswordInput
                label={t('org.initialPassword')}
                description={t('org.initialPasswordHint')}
                withAsterisk
                value={values.password}
                error={errors.password}
                onChange={(e) => set('password', e.currentTarget.value)}
                autoComplete="new-password"
                visibilityToggleButtonProps={{ 'aria-label': t('common.togglePassword') }}
              />
            )}
            <SimpleGrid cols={2} spacing="md">
              <TextInput label={t('org.phone')} value={values.phone} error={errors.phone} onChange={(e) => set('phone', e.currentTarget.value)} inputMode="tel" />
              <TextInput label={t('org.email')} value={values.email} error={errors.email} onChange={(e) => set('email', e.currentTarget.value)} inputMode="email" />
            </SimpleGrid>
            <DepartmentSelect
              label={t('org.department')}
              placeholder={t('org.noDepartment')}
              departments={departments}
              value={values.departmentId}
              onChange={(id) => set('departmentId', id)}
            />
            <UserSelect
              label={t('org.manager')}
              placeholder={t('org.noManager')}
              clearable
              users={users}
              exclude={editingId === null ? [] : [editingId]}
              value={values.managerId}
              onChange={(id) => set('managerId', id)}
            />
            <MultiSelect
              label={t('org.roles')}
              placeholder={values.roleIds.length ? undefined : t('org.rolesPlaceholder')}
              data={roles.map((r) => ({ value: String(r.id), label: r.name }))}
              value={values.roleIds.map(String)}
              onChange={(v) => set('roleIds', v.map(Number))}
              comboboxProps={{ withinPortal: true }}
              searchable
              clearable
            />
            <Switch
              label={t('org.active')}
              description={t('org.activeHint')}
              checked={values.active}
              onChange={(e) => set('active', e.currentTarget.checked)}
              mt="xs"
            />
            {disabling && (
              <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />}>
                {t('org.disableOnSave', { name: edit?.kind === 'edit' ? edit.user.name : '' })}
              </Alert>
            )}
            <Group justify="flex-end" gap="sm" mt="md">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={busy} data-testid="user-save">
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Drawer>
  )
}
