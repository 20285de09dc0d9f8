// Simplified Chinese messages of the rules area; keys are namespaced `rules.`.
export const rules: Record<string, string> = {
  'rules.error.unknownJobKind': '未知的后台任务类型：{{kind}}',
  'rules.error.jobNotFound': '后台任务 {{id}} 不存在',
  'rules.error.jobNotFailed': '后台任务 {{id}} 没有失败，无需重试'
}
