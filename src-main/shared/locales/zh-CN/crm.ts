// Simplified Chinese messages of the crm area; keys are namespaced `crm.`.
export const crm: Record<string, string> = {
  'crm.app.badDefinition': '应用定义有误（{{section}}）：{{detail}}',
  'crm.app.unknownSection': '应用定义中的“{{section}}”部分无法识别',
  'crm.app.notFound': '找不到应用“{{app}}”',
  'crm.app.sectionConflict': '无法安装{{section}}中的“{{key}}”：{{detail}}'
}
