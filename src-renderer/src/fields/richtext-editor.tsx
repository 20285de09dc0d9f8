import '@mantine/tiptap/styles.css'
import { useEffect } from 'react'
import { Input } from '@mantine/core'
import { Link, RichTextEditor } from '@mantine/tiptap'
import { useEditor } from '@tiptap/react'
import StarterKit from '@tiptap/starter-kit'
import type { FieldInputProps } from './types'
import { inputChrome } from './shared'

// The rich-text editor (Mantine's tiptap editor), in a chunk of its own: fetched when a form with
// a rich-text field is opened for editing, never on the first screen. It writes HTML; the host
// cleans it before storing (src-main/forms/field-types/richtext.ts).

export default function RichTextInput({ field, value, onChange, error, compact }: FieldInputProps) {
  const html = typeof value === 'string' ? value : ''
  const editor = useEditor({
    extensions: [StarterKit.configure({ link: false }), Link.configure({ openOnClick: false, protocols: ['http', 'https', 'mailto', 'tel'] })],
    content: html,
    shouldRerenderOnTransaction: false,
    onUpdate: ({ editor: e }) => onChange(e.isEmpty ? '' : e.getHTML())
  })
  // A value replaced from outside (the record reloaded) is shown; the editor's own typing is not fought.
  // An editor already destroyed (the form closed while it was being made) has no schema to read.
  useEffect(() => {
    if (editor && !editor.isDestroyed && !editor.isFocused && editor.getHTML() !== html) editor.commands.setContent(html, { emitUpdate: false })
  }, [editor, html])
  const chrome = inputChrome(field, { compact, error })
  return (
    <Input.Wrapper {...chrome} data-testid={`richtext-${field.apiKey}`}>
      <RichTextEditor editor={editor} mih={compact ? 80 : 160}>
        <RichTextEditor.Toolbar>
          <RichTextEditor.ControlsGroup>
            <RichTextEditor.Bold />
            <RichTextEditor.Italic />
            <RichTextEditor.Underline />
            <RichTextEditor.Strikethrough />
          </RichTextEditor.ControlsGroup>
          <RichTextEditor.ControlsGroup>
            <RichTextEditor.H2 />
            <RichTextEditor.H3 />
            <RichTextEditor.BulletList />
            <RichTextEditor.OrderedList />
            <RichTextEditor.Blockquote />
          </RichTextEditor.ControlsGroup>
          <RichTextEditor.ControlsGroup>
            <RichTextEditor.Link />
            <RichTextEditor.Unlink />
          </RichTextEditor.ControlsGroup>
        </RichTextEditor.Toolbar>
        <RichTextEditor.Content />
      </RichTextEditor>
    </Input.Wrapper>
  )
}
