import { lazy, Suspense, useLayoutEffect, useRef, useState } from 'react'
import { Input, Loader, Paper, Text } from '@mantine/core'
import type { FieldCellProps, FieldInputProps, FieldRenderer } from './types'
import { isBlankValue, TextFilterValue } from './shared'
import { richTextPlain, RichTextView } from './richtext-view'
import { inputChrome } from './shared'

// 富文本: edited in Mantine's tiptap editor (loaded lazily, its own chunk), shown in lists as its
// plain text, written as HTML that the host cleans before it stores it.

const Editor = lazy(() => import('./richtext-editor'))

/**
 * The editor, or — where the record page locks the field (a disabled fieldset: no edit right, a
 * system-owned field) — the formatted text read-only, as a contenteditable ignores a fieldset.
 */
function RichTextInput(props: FieldInputProps) {
  const probe = useRef<HTMLDivElement>(null)
  const [locked, setLocked] = useState<boolean | null>(null)
  useLayoutEffect(() => setLocked(Boolean(probe.current?.closest('fieldset[disabled]'))), [])
  if (locked === null) return <div ref={probe} />
  if (locked) {
    const value = typeof props.value === 'string' ? props.value : ''
    return (
      <Input.Wrapper {...inputChrome(props.field, { compact: props.compact, error: props.error })}>
        <Paper withBorder p="xs" radius="sm">
          <RichTextView html={value} />
        </Paper>
      </Input.Wrapper>
    )
  }
  return (
    <Suspense fallback={<Loader size="sm" />}>
      <Editor {...props} />
    </Suspense>
  )
}

const html = (value: unknown) => (typeof value === 'string' ? value : '')

function RichTextCell({ value }: FieldCellProps) {
  const text = richTextPlain(html(value))
  return text ? (
    <Text span size="sm" truncate="end" maw={320} display="block" title={text}>
      {text}
    </Text>
  ) : null
}

export const richtext: FieldRenderer = {
  Input: RichTextInput,
  Cell: RichTextCell,
  FilterValue: TextFilterValue,
  empty: () => '',
  toWrite: (value) => (isBlankValue(value) || richTextPlain(html(value)) === '' ? null : html(value)),
  text: (value) => richTextPlain(html(value)),
  isEmpty: (value) => isBlankValue(value) || richTextPlain(html(value)) === '',
  sortable: false,
  wide: true
}
