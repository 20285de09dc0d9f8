import { notifications } from '@mantine/notifications'
import { ApiError, errorMessage } from '../api/client'
import { i18n } from '../i18n'

export function notifyError(error: unknown, title?: string): void {
  // An expired session is answered by the login screen, which says so; a toast would repeat it.
  if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') return
  notifications.show({ color: 'red', title: title ?? i18n.t('common.error'), message: errorMessage(error), autoClose: 6000 })
}

export function notifySuccess(message: string): void {
  notifications.show({ color: 'teal', message, autoClose: 3000 })
}
