// English messages of the rules area; keys are namespaced `rules.`.
export const rules: Record<string, string> = {
  'rules.error.unknownJobKind': 'Unknown background job kind: {{kind}}',
  'rules.error.jobNotFound': 'Background job {{id}} does not exist',
  'rules.error.jobNotFailed': 'Background job {{id}} has not failed; nothing to retry'
}
