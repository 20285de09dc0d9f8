// 统计与分页（记录统计、REST 统计接口、按页码分页）的提示。参数名作为占位符传入。
export const aggregates: Record<string, string> = {
  'aggregates.offsetWithCursor': '“{{offset}}”和“{{cursor}}”只能给一个：按页码翻页用“{{offset}}”或“{{page}}”，按游标翻页用“{{cursor}}”',
  'aggregates.badPage': '页码“{{field}}”必须是从 1 开始的整数',
  'aggregates.badNumber': '参数“{{field}}”必须是不小于 0 的整数'
}
