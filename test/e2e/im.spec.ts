import { imServer } from '../support/im-server'
import { createAdmin, expect, rpc, test } from './fixtures'

// 设置 → 系统 → 钉钉/企业微信 in serve mode: the administrator fills in the DingTalk application
// (pointed at a loopback server speaking DingTalk's documented endpoints), saves, tests the
// connection, imports the contacts and sees the people bound. The secret is never shown back.
// Screenshots at desktop and phone width, Chinese and English.

const ADMIN = { name: '王经理', login: 'admin', password: 'jimu-secret-1' }
const SHOTS = 'test-results/im19'

test('the DingTalk settings save, test the connection against the server, and import the contacts', async ({ page }) => {
  const server = await imServer({
    departments: [{ id: 2, name: '华东销售部', parentId: 1 }],
    users: [{ userid: 'ding-liu', name: '刘洋', mobile: '13800138000', dept: [2] }, { userid: 'ding-chen', name: '陈静', mobile: '13800138001', dept: [2] }]
  })
  try {
    await createAdmin(page, ADMIN)
    await page.getByTestId('nav-system').click()
    await page.getByTestId('system-tab-im').click()
    await expect(page.getByTestId('im-settings')).toBeVisible()
    await page.getByTestId('im-public-url').fill('https://jimu.local:8443')
    await page.getByTestId('im-key-dingtalk').fill(server.dingtalk.appkey)
    await page.getByTestId('im-secret-dingtalk').fill(server.dingtalk.appsecret)
    await page.getByTestId('im-agent-dingtalk').fill('2001')
    await page.getByTestId('im-base-dingtalk').fill(server.base)
    await page.getByTestId('im-enabled-dingtalk').click()
    await page.getByTestId('im-save-dingtalk').click()
    await expect(page.getByTestId('im-secret-dingtalk')).toHaveAttribute('placeholder', '已保存（••••1234），留空则不修改')
    await expect(page.getByTestId('im-secret-dingtalk')).toHaveValue('')
    const settings = await rpc<Record<string, unknown>>(page, 'im.settings')
    expect(JSON.stringify(settings)).not.toContain(server.dingtalk.appsecret)

    await page.getByTestId('im-test-dingtalk').click()
    await expect(page.getByTestId('im-test-result-dingtalk')).toHaveText('连接成功：已取得访问令牌')
    await page.getByTestId('im-import-dingtalk').click()
    await expect(page.getByText('导入完成：新增部门 1 个，新增同事 2 人，绑定已有用户 0 人，已绑定 0 人')).toBeVisible()
    await expect(page.getByLabel('刘洋 钉钉 userid')).toHaveValue('ding-liu')

    await page.setViewportSize({ width: 1440, height: 900 })
    await page.screenshot({ path: `${SHOTS}/im-settings-1440-zh.png`, fullPage: true })
    await page.setViewportSize({ width: 390, height: 844 })
    await page.screenshot({ path: `${SHOTS}/im-settings-390-zh.png`, fullPage: true })

    // A wrong secret: the test says the server's errcode.
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.getByTestId('im-secret-dingtalk').fill('wrong-secret')
    await page.getByTestId('im-save-dingtalk').click()
    await expect(page.getByTestId('im-secret-dingtalk')).toHaveAttribute('placeholder', '已保存（••••cret），留空则不修改')
    await page.getByTestId('im-test-dingtalk').click()
    await expect(page.getByTestId('im-test-result-dingtalk')).toContainText('连接失败：errcode 40089')

    await page.getByText('English', { exact: true }).click()
    await expect(page.getByTestId('im-test-dingtalk')).toHaveText('Test connection')
    await page.getByTestId('im-test-dingtalk').click()
    await expect(page.getByTestId('im-test-result-dingtalk')).toContainText('Connection failed: errcode 40089')
    await page.screenshot({ path: `${SHOTS}/im-settings-1440-en.png`, fullPage: true })
    await page.setViewportSize({ width: 390, height: 844 })
    await page.screenshot({ path: `${SHOTS}/im-settings-390-en.png`, fullPage: true })
  } finally {
    await server.close()
  }
})
