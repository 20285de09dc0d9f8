// The rich-text field type (富文本): its name in the designer and its editor.
export const richtext: Record<string, string> = {
  'designer.type.richtext': '富文本',
  'designer.typeHelp.richtext': '带格式的正文：标题、加粗、列表、链接（如知识库文章）'
}
