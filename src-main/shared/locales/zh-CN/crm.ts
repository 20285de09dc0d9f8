// Simplified Chinese messages of the crm area; keys are namespaced `crm.`.
export const crm: Record<string, string> = {
  'crm.app.badDefinition': '应用定义有误（{{section}}）：{{detail}}',
  'crm.app.unknownSection': '应用定义中的“{{section}}”部分无法识别',
  'crm.app.notFound': '找不到应用“{{app}}”',
  'crm.app.sectionConflict': '无法安装{{section}}中的“{{key}}”：{{detail}}',
  'crm.pool.limitReached': "{{form}}最多可同时拥有 {{limit}} 条，您已有 {{owned}} 条，请先跟进或退回部分记录",
  'crm.pool.alreadyClaimed': "“{{title}}”已被其他人领取",
  'crm.pool.alreadyInPool': "“{{title}}”已在公海中",
  'crm.pool.reasonRequired': "请填写退回公海的原因",
  'crm.lead.alreadyConverted': "线索“{{name}}”已转化，不能重复转化",
  'crm.lead.noCompany': "请填写客户名称",
  'crm.quote.notAccepted': "报价单 {{code}} 尚未被客户接受，不能转为合同",
  'crm.quote.hasContract': "报价单 {{code}} 已生成合同",
  'crm.merge.nothing': "请选择要合并到此客户的重复客户",
  'crm.seed.notEmpty': "已有客户数据，不能再加载示例数据"
}
