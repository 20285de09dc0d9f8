import { describe, expect, it } from 'vitest'
import { parseRoute, routeHash } from '../../../src-renderer/src/lib/route'

// A record made offline on a desktop client has a negative id until the office numbers it
// (docs/architecture.md "Offline laptops"): the window opens it by that id.
describe('routes of records made offline', () => {
  it('open by their negative id', () => {
    const route = parseRoute('#/forms/3/records/-2')
    expect(route).toMatchObject({ formId: 3, recordId: -2 })
    expect(routeHash(route)).toBe('#/forms/3/records/-2')
    expect(parseRoute('#/forms/3/records/5')).toMatchObject({ formId: 3, recordId: 5 })
  })
})
