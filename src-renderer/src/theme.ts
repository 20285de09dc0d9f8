import { createTheme } from '@mantine/core'

// System fonts with the common Chinese UI faces first, so the app looks native on Windows
// (Microsoft YaHei), macOS (PingFang) and Linux (WenQuanYi / Noto CJK).
const FONT =
  '-apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Helvetica Neue", Arial, sans-serif'

export const theme = createTheme({
  primaryColor: 'indigo',
  fontFamily: FONT,
  headings: { fontFamily: FONT, fontWeight: '600' },
  defaultRadius: 'md',
  cursorType: 'pointer'
})
