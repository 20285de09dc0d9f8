// The phone UI (src-renderer/src/components/mobile): record cards, designers left to the computer,
// 写跟进, call and map links.
export const mobile: Record<string, string> = {
  'mobile.cards.loadFailed': '记录加载失败',
  'mobile.desktopOnly.title': '请在电脑上使用此功能',
  'mobile.desktopOnly.body': '设计器需要更大的屏幕和鼠标。在手机上可以查看和编辑记录、处理待办、看仪表盘和写跟进。',
  'mobile.followUp.write': '写跟进',
  'mobile.contact.call': '拨打',
  'mobile.contact.map': '地图'
}
