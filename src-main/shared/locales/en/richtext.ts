// The rich-text field type: its name in the designer and its editor.
export const richtext: Record<string, string> = {
  'designer.type.richtext': 'Rich text',
  'designer.typeHelp.richtext': 'Formatted text: headings, bold, lists, links (e.g. knowledge-base articles)'
}
