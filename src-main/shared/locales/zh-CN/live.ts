// Live changes: the event stream and the open record changed by someone else.
export const live: Record<string, string> = {
  'live.changedTitle': '这条记录刚被别人修改',
  'live.changedFields': '{{who}} 修改了 {{fields}} {{when}}',
  'live.changed': '{{who}} 修改了这条记录 {{when}}',
  'live.someone': '其他人',
  'live.separator': '、',
  'live.justNow': '刚刚',
  'live.reload': '重新加载',
  'live.keepMine': '保留我的',
  'live.full': '服务器的实时连接已满，请稍后再试'
}
