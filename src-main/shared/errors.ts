// Typed domain errors. Handlers throw these; the API dispatcher turns them into
// `{ code, message, field? }` with the message translated for the caller's locale.
export type ErrorCode =
  | 'VALIDATION'
  | 'PERMISSION'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'BAD_REQUEST'
  | 'INTERNAL'

export type MessageParams = Record<string, string | number>

export class DomainError extends Error {
  /** 1-based row of a bulk write (import) the error is about. */
  row?: number

  constructor(
    readonly code: ErrorCode,
    /** i18n key in locales/*; the English text is the fallback message. */
    readonly messageKey: string,
    readonly params: MessageParams = {},
    /** API key of the field the error is about, when there is one. */
    readonly field?: string
  ) {
    super(`${messageKey} ${JSON.stringify(params)}`)
    this.name = new.target.name
  }
}

export class ValidationError extends DomainError {
  constructor(messageKey: string, params: MessageParams = {}, field?: string) {
    super('VALIDATION', messageKey, params, field)
  }
}

export class PermissionError extends DomainError {
  constructor(messageKey = 'error.permission', params: MessageParams = {}) {
    super('PERMISSION', messageKey, params)
  }
}

export class NotFoundError extends DomainError {
  constructor(messageKey = 'error.notFound', params: MessageParams = {}) {
    super('NOT_FOUND', messageKey, params)
  }
}

export class ConflictError extends DomainError {
  constructor(messageKey: string, params: MessageParams = {}, field?: string) {
    super('CONFLICT', messageKey, params, field)
  }
}

export class AuthError extends DomainError {
  constructor(messageKey = 'error.unauthenticated', params: MessageParams = {}) {
    super('UNAUTHENTICATED', messageKey, params)
  }
}

/** The wire shape of every API error. */
export interface ApiErrorBody {
  code: ErrorCode
  message: string
  field?: string
  messageKey?: string
  params?: MessageParams
  row?: number
}
