import { describe, expect, it } from 'vitest'
import { describeClient } from '../../../src-main/shared/user-agent'

// The audit log shows a sign-in's device as a person reads it, not the raw User-Agent paragraph.
describe('describeClient', () => {
  it('names the browser and the system', () => {
    expect(describeClient('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/150.0.0.0 Safari/537.36')).toBe('Chrome · Linux')
    expect(describeClient('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36 Edg/150.0.0.0')).toBe('Edge · Windows')
    expect(describeClient('Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1')).toBe('Safari · iOS')
    expect(describeClient('Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0 Mobile Safari/537.36 MicroMessenger/8.0')).toBe('WeChat · Android')
    expect(describeClient('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Gecko/20100101 Firefox/140.0')).toBe('Firefox · macOS')
  })

  it('keeps what it does not recognise (an integration naming itself), cut short', () => {
    expect(describeClient('erp-sync/2.1')).toBe('erp-sync/2.1')
    expect(describeClient('x'.repeat(100))).toHaveLength(60)
  })
})
