import { afterEach, describe, expect, it } from 'vitest'
import { testCore } from '../../support/core'
import { CoreHost } from '../../../src-main/api/host'
import { ATTACHMENT_CSP, serveAttachment } from '../../../src-main/app/files'

// jimu-file://files/<hash>: attachments for the desktop window, only to a signed-in user, and
// never as a page that could run script next to the app.

let t: Awaited<ReturnType<typeof testCore>>
afterEach(() => t.close())

describe('the jimu-file: protocol', () => {
  it('serves an uploaded HTML file as sandboxed, unsniffed data, and nothing without a session', async () => {
    t = await testCore()
    const host = await CoreHost.open({ dataDir: t.dataDir })
    try {
      const meta = host.core.attachments.put('报价.html', 'text/html', Buffer.from('<script>alert(1)</script>').toString('base64'))
      const url = `jimu-file://files/${meta.hash}`
      expect(serveAttachment(host, url, []).status).toBe(401)
      const { token } = await host.core.auth.login('admin', 'secret123')
      const res = serveAttachment(host, url, [token])
      expect(res.status).toBe(200)
      expect(res.headers.get('content-security-policy')).toBe(ATTACHMENT_CSP)
      expect(ATTACHMENT_CSP.startsWith('sandbox;')).toBe(true)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(serveAttachment(host, `jimu-file://files/${'0'.repeat(64)}`, [token]).status).toBe(404)
    } finally {
      host.close()
    }
  })
})
