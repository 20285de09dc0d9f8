// 服务工单 additions (src-renderer/src/components/service): 知识库 search and linking.
export const service: Record<string, string> = {
  'service.kb.open': '知识库',
  'service.kb.title': '搜索知识库',
  'service.kb.placeholder': '输入关键词，如「门禁」「考勤」',
  'service.kb.none': '没有找到相关文章',
  'service.kb.link': '关联到工单',
  'service.kb.isLinked': '已关联',
  'service.kb.linked': '已把「{{title}}」关联到工单'
}
