import { Anchor } from '@mantine/core'
import type { FieldCellProps } from './types'
import { asString } from './shared'
import { makeTextRenderer } from './text'

function UrlCell({ value }: FieldCellProps) {
  const url = asString(value)
  // Only web links become clickable; the core refuses other schemes, this guards old data.
  if (!url) return null
  if (!/^https?:\/\//i.test(url)) return <>{url}</>
  return (
    <Anchor href={url} target="_blank" rel="noreferrer noopener" size="sm" lineClamp={1} onClick={(e) => e.stopPropagation()}>
      {url.replace(/^https?:\/\//i, '')}
    </Anchor>
  )
}

export const url = makeTextRenderer({ inputType: 'url', Cell: UrlCell })
