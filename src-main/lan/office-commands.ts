// The 连接到办公室的电脑 commands the window may send (pure: the sandboxed preload imports it).
export const OFFICE_COMMANDS = ['state', 'discover', 'stopDiscover', 'refresh', 'pair', 'code', 'cancel', 'disconnect', 'retry'] as const
export type OfficeCommand = (typeof OFFICE_COMMANDS)[number]
