// Simplified Chinese messages of the rules area; keys are namespaced `rules.`.
export const rules: Record<string, string> = {
  'rules.error.unknownJobKind': "未知的后台任务类型：{{kind}}",
  'rules.error.jobNotFound': "后台任务 {{id}} 不存在",
  'rules.error.jobNotFailed': "后台任务 {{id}} 没有失败，无需重试",
  'rules.error.smtpNotSet': "还没有设置发信邮箱（SMTP），请先在「规则 → 邮件与 Webhook」中设置",
  'rules.error.unknownField': "字段「{{field}}」不存在",
  'rules.error.notDateField': "「{{field}}」不是日期字段",
  'rules.error.unknownForm': "表单「{{form}}」不存在",
  'rules.error.noActivityLink': "「{{form}}」中没有关联到「{{target}}」的字段",
  'rules.error.badLink': "「{{field}}」不是关联到触发表单的关联字段",
  'rules.error.assignUser': "请选择负责人",
  'rules.error.assignCandidates': "请选择参与分配的成员或部门",
  'rules.error.scoreField': "「{{field}}」不是数字字段，不能用来评分",
  'rules.error.flowsUnavailable': "流程引擎不可用，无法发起流程",
  'rules.error.formula': "「{{field}}」的公式有误：{{message}}",
  'rules.error.ruleNotFound': "规则 {{id}} 不存在",
  'rules.error.clockFixed': "只有以 --now 启动的演示服务器才能调整时间",
  'rules.error.dryRunTarget': "请选择要试运行的规则"
}
