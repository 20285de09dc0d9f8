import { Anchor } from '@mantine/core'
import type { FieldCellProps } from './types'
import { asString } from './shared'
import { makeTextRenderer } from './text'

function PhoneCell({ value }: FieldCellProps) {
  const phone = asString(value)
  return phone ? (
    <Anchor href={`tel:${phone.replace(/[^\d+]/g, '')}`} size="sm" onClick={(e) => e.stopPropagation()}>
      {phone}
    </Anchor>
  ) : null
}

export const phone = makeTextRenderer({ inputType: 'tel', Cell: PhoneCell })
