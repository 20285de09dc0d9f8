import { Anchor } from '@mantine/core'
import type { FieldCellProps } from './types'
import { asString } from './shared'
import { makeTextRenderer } from './text'

function EmailCell({ value }: FieldCellProps) {
  const email = asString(value)
  return email ? (
    <Anchor href={`mailto:${email}`} size="sm" onClick={(e) => e.stopPropagation()}>
      {email}
    </Anchor>
  ) : null
}

export const email = makeTextRenderer({ inputType: 'email', Cell: EmailCell })
