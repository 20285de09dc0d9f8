import { describe, expect, it } from 'vitest'
import { LOCALES, messages } from '../../../src-main/shared/locales'
import { loadMessages } from '../../../src-renderer/src/locale-messages'

// The renderer loads one language at a time from the language's folder (src-renderer/src/locale-messages.ts);
// the server merges the namespaces listed in src-main/shared/locales/index.ts. Both must be the same table.
describe('the messages the renderer loads per language', () => {
  for (const locale of LOCALES) {
    it(`${locale}: the same keys and texts as the server's`, async () => {
      expect(await loadMessages(locale)).toEqual(messages[locale])
    })
  }
})
