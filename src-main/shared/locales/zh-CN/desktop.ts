// The desktop shell and the process around the data folder: start-up, the folder lock, links.
export const desktop: Record<string, string> = {
  'desktop.startupFailed.title': '积木 CRM 无法启动',
  'desktop.startupFailed.body': '{{reason}}\n\n详细信息已写入日志文件：{{log}}',
  'desktop.startupFailed.noLog': '{{reason}}\n\n日志文件无法写入：{{detail}}',
  'desktop.nativeModule': '数据库组件 better-sqlite3 无法在 {{runtime}}（{{platform}}）中加载：{{detail}}。请重新安装积木 CRM；开发环境中请运行 npm install。',
  'desktop.openExternal.title': '打开外部链接',
  'desktop.openExternal.message': '要在浏览器或邮件程序中打开这个链接吗？',
  'desktop.openExternal.open': '打开',
  'desktop.openExternal.cancel': '取消',
  'desktop.dataLocked.desktop': '数据文件夹 {{dir}} 正被另一个积木 CRM 程序使用：桌面应用（进程 {{pid}}，电脑 {{host}}，{{since}} 起）。一个数据文件夹同一时间只能由一个程序打开，请先关闭那个程序，或换一个数据文件夹。',
  'desktop.dataLocked.serve': '数据文件夹 {{dir}} 正被另一个积木 CRM 程序使用：浏览器/局域网服务 npm run serve（进程 {{pid}}，电脑 {{host}}，{{since}} 起）。一个数据文件夹同一时间只能由一个程序打开，请先关闭那个程序，或换一个数据文件夹。',
  'desktop.dataLocked.cli': '数据文件夹 {{dir}} 正被另一个积木 CRM 程序使用：备份/恢复命令（进程 {{pid}}，电脑 {{host}}，{{since}} 起）。一个数据文件夹同一时间只能由一个程序打开，请等它结束，或换一个数据文件夹。',
  'desktop.dataLocked.unknown': '数据文件夹 {{dir}} 正被另一个积木 CRM 程序使用：未知程序（进程 {{pid}}，电脑 {{host}}，{{since}} 起）。一个数据文件夹同一时间只能由一个程序打开，请先关闭那个程序，或换一个数据文件夹。'
}
