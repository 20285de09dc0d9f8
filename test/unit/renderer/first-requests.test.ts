import { afterEach, describe, expect, it, vi } from 'vitest'
import type { FieldDto, FormDto, ViewDto } from '../../../src-main/shared/api/contracts'
import { viewConfig } from '../../../src-main/shared/api/core'
import { askFirstScreen, type FirstAsk } from '../../../src-renderer/src/lib/first-requests'
import { firstCardsInput } from '../../../src-renderer/src/components/mobile/cards-query'
import { requestKey } from '../../../src-renderer/src/lib/early-requests'

// The first screen's requests, as the page's first script (early.ts) and the app's start
// (first-screen.ts) both send them: one list, so the api client can take each answer once.

const field = (id: number, apiKey: string, type: FieldDto['type'] = 'text'): FieldDto => ({
  id, formId: 4, parentFieldId: null, label: apiKey, apiKey, type, config: {}, required: false, unique: false,
  description: null, defaultValue: null, position: id, deletedAt: null, resultType: null, visibleWhen: null, requiredWhen: null
})
const form = { id: 4, appId: 1, label: '商机', apiKey: 'opportunity', titleFieldId: 1, fields: [field(1, 'name'), field(2, 'amount', 'amount')] } as unknown as FormDto
const view = (id: number, config: Record<string, unknown>): ViewDto => ({ id, formId: 4, name: `v${id}`, type: 'table', shared: true, ownerId: null, position: id, config: viewConfig.parse(config) })
const views = [view(7, { sort: [{ field: 'amount', dir: 'desc' }] })]

/** An ask that answers at once with canned data and records what was asked. */
function recorder() {
  const asked: string[] = []
  const answers: Record<string, unknown> = { 'system.status': { user: { id: 2 } }, 'apps.list': [], 'forms.list': [form], 'views.list': views, 'records.list': { records: [], nextCursor: null } }
  const ask: FirstAsk = async (method, input) => {
    asked.push(requestKey(method, input))
    return answers[method] as never
  }
  return { asked, ask }
}

const storage = new Map<string, string>()
vi.stubGlobal('localStorage', { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => storage.set(k, v) })
afterEach(() => storage.clear())

describe('the first screen’s requests', () => {
  it('outside a form: who is signed in, the apps and the forms', async () => {
    const { asked, ask } = recorder()
    await askFirstScreen(ask, null, true)
    await new Promise((done) => setTimeout(done, 0))
    expect(asked).toEqual(['system.status {}', 'apps.list {}', 'forms.list {}'])
  })

  it('a form on a computer: its rights, the user and its views; the table asks for its own rows', async () => {
    const { asked, ask } = recorder()
    await askFirstScreen(ask, 4, false)
    await new Promise((done) => setTimeout(done, 0))
    expect(asked).toEqual(['system.status {}', 'apps.list {}', 'forms.list {}', 'forms.access {"form":4}', 'auth.me {}', 'views.list {"form":4}'])
  })

  it('a form on a phone: the first page of cards too, the request RecordCards makes for the view last opened here', async () => {
    storage.set('jimu.view.4', '7')
    const { asked, ask } = recorder()
    await askFirstScreen(ask, 4, true)
    await new Promise((done) => setTimeout(done, 0))
    const cards = firstCardsInput(form, views, 7)
    expect(cards).toMatchObject({ form: 4, sort: [{ field: 'amount', dir: 'desc' }], limit: 30 })
    expect(asked.at(-1)).toBe(requestKey('records.list', cards))
    expect(asked).toHaveLength(7)
  })

  it('no first cards when the form is not among those the user may open', async () => {
    const { asked, ask } = recorder()
    await askFirstScreen(ask, 99, true)
    await new Promise((done) => setTimeout(done, 0))
    expect(asked.some((a) => a.startsWith('records.list'))).toBe(false)
  })
})
