// Service ticket additions (src-renderer/src/components/service): knowledge base search and linking.
export const service: Record<string, string> = {
  'service.kb.open': 'Knowledge base',
  'service.kb.title': 'Search the knowledge base',
  'service.kb.placeholder': 'Type a keyword',
  'service.kb.none': 'No matching articles',
  'service.kb.link': 'Link to ticket',
  'service.kb.isLinked': 'Linked',
  'service.kb.linked': 'Linked "{{title}}" to the ticket'
}
