import { afterEach, describe, expect, it } from 'vitest'
import { testCore } from '../../support/core'
import { signedInUserIds, takeNotificationsForThisPc, type NotificationSource } from '../../../src-main/desktop/notification-routing'

// Native desktop notifications go to the person at this PC: the users signed in on it.

let t: Awaited<ReturnType<typeof testCore>>
afterEach(() => t.close())

function source(): NotificationSource {
  return { resolve: (token) => t.core.auth.resolve(token), takeDesktop: (limit, ids) => t.core.notifications.takeDesktop(limit, ids) }
}

describe('desktop notification routing', () => {
  it("shows only the signed-in user's notifications and leaves other users' for them", async () => {
    t = await testCore()
    const rep = await t.core.org.createUser(t.actor.id, { name: '李销售', login: 'li', password: 'secret123' })
    const manager = await t.core.org.createUser(t.actor.id, { name: '张经理', login: 'zhang', password: 'secret123' })
    t.core.notifications.add({ userId: rep, title: '新线索分配给你', desktop: true, formId: 3, recordId: 7 })
    t.core.notifications.add({ userId: manager, title: '合同待审批', desktop: true })
    t.core.notifications.add({ userId: rep, title: '只在铃铛里', desktop: false })

    const { token } = await t.core.auth.login('li', 'secret123')
    const shown = takeNotificationsForThisPc([token], source())
    expect(shown.map((n) => [n.userId, n.title])).toEqual([[rep, '新线索分配给你']])
    // Taken once: the next poll shows nothing new.
    expect(takeNotificationsForThisPc([token], source())).toEqual([])
    // The manager's notification was not consumed: it is shown when the manager signs in here.
    const managerToken = await (await t.core.auth.login('zhang', 'secret123')).token
    expect(takeNotificationsForThisPc([managerToken], source()).map((n) => n.title)).toEqual(['合同待审批'])
  })

  it('takes nothing while nobody is signed in, or after sign-out', async () => {
    t = await testCore()
    t.core.notifications.add({ userId: t.actor.id, title: '提醒', desktop: true })
    expect(takeNotificationsForThisPc([], source())).toEqual([])
    const { token } = await t.core.auth.login('admin', 'secret123')
    t.core.auth.logout(token)
    expect(signedInUserIds([token, 'garbage'], source())).toEqual([])
    expect(takeNotificationsForThisPc([token], source())).toEqual([])
    const again = await (await t.core.auth.login('admin', 'secret123')).token
    expect(takeNotificationsForThisPc([again, again], source()).map((n) => n.title)).toEqual(['提醒'])
  })
})
