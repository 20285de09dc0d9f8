import dayjs from 'dayjs'
import type { Core } from '../core'
import type { Actor } from '../access/actor'
import { ConflictError, NotFoundError } from '../shared/errors'

// Sample data: two years of a plausible Chinese small firm selling access-control and attendance
// systems — departments, managers and reps, 500 customers, leads, opportunities across stages,
// follow-ups, quotes, contracts with payment plans and payments, tickets, tasks and monthly
// targets — so every view and dashboard shows something real on the first day.
//
// Deterministic: the same seed and the same "today" (the injected clock) give the same data.
// Everything is written through the write pipeline's bulk path, month by month; when the caller
// can move the clock (`setTime`, a ManualClock in the seed script) each month's records are
// created at that month's time, so 创建时间 spreads over the two years too.

export interface SeedOptions {
  seed?: number
  customers?: number
  /** Move the injected clock (ManualClock.set) so records are created at their simulated time. */
  setTime?: (ms: number) => void
  /**
   * The hash of the demo users' password (they sign in with their pinyin login): made once,
   * asynchronously, by demoPasswordHash before the synchronous load.
   */
  passwordHash: string
}

/** The demo users' documented password. */
export const DEMO_PASSWORD = 'demo12345'

export function demoPasswordHash(core: Core, password = DEMO_PASSWORD): Promise<string> {
  return core.auth.passwords.hash(password)
}

export interface SeedReport { users: number; departments: number; counts: Record<string, number> }

function rng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
  const chance = (p: number) => next() < p
  return { next, int, pick, chance }
}

const CITIES: ReadonlyArray<[string, string, string]> = [
  ['浙江', '杭州', 'east'], ['浙江', '宁波', 'east'], ['江苏', '苏州', 'east'], ['江苏', '南京', 'east'], ['上海', '上海', 'east'], ['江苏', '无锡', 'east'],
  ['广东', '广州', 'south'], ['广东', '深圳', 'south'], ['广东', '东莞', 'south'], ['福建', '厦门', 'south'], ['北京', '北京', 'north'], ['天津', '天津', 'north'],
  ['河北', '石家庄', 'north'], ['湖北', '武汉', 'central'], ['湖南', '长沙', 'central'], ['河南', '郑州', 'central'], ['四川', '成都', 'southwest'], ['重庆', '重庆', 'southwest'],
  ['陕西', '西安', 'northwest'], ['辽宁', '沈阳', 'northeast'], ['山东', '青岛', 'east'], ['安徽', '合肥', 'east']
]
const AREA_CODES: Record<string, string> = {
  杭州: '0571', 宁波: '0574', 苏州: '0512', 南京: '025', 上海: '021', 无锡: '0510', 广州: '020', 深圳: '0755', 东莞: '0769', 厦门: '0592', 北京: '010',
  天津: '022', 石家庄: '0311', 武汉: '027', 长沙: '0731', 郑州: '0371', 成都: '028', 重庆: '023', 西安: '029', 沈阳: '024', 青岛: '0532', 合肥: '0551'
}
const BRANDS = '青禾 恒达 瑞丰 华信 中科 汇通 鼎盛 博远 新创 金桥 海川 东方 长城 天宇 嘉禾 宏图 永泰 星辰 安和 联创 正邦 立德 润泽 卓越 明达 融通 锦程 泰和 凯瑞 德信 启明 华源 远航 睿智 万象 同心 鑫达 宝利 腾飞 盛世'.split(' ')
const TRADES: ReadonlyArray<[string, string]> = [
  ['科技', 'it'], ['信息技术', 'it'], ['网络科技', 'it'], ['机械制造', 'mfg'], ['精密机械', 'mfg'], ['电子', 'mfg'], ['商贸', 'trade'], ['贸易', 'trade'], ['建设工程', 'build'],
  ['建筑装饰', 'build'], ['教育科技', 'edu'], ['培训学校', 'edu'], ['医疗器械', 'health'], ['健康管理', 'health'], ['投资管理', 'finance'], ['物业服务', 'service'], ['酒店管理', 'service'], ['物流', 'service']
]
const SUFFIXES = ['有限公司', '有限公司', '有限公司', '股份有限公司', '有限责任公司']
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split('')
const GIVEN = '伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 华 建国 建华 志强 晓东 海燕 丹 萍 鹏 宇 浩 婷 雪 琳 斌 凯 晨'.split(' ')
const TITLES = ['总经理', '副总经理', '行政经理', '采购经理', 'IT主管', '信息部经理', '财务总监', '办公室主任', '总务主管', '项目经理']
const PRODUCTS: ReadonlyArray<[string, string, string, number, string]> = [
  ['智能门禁控制器 A8', 'MJ-A8', 'hardware', 1280, '台'], ['人脸识别门禁一体机 F3', 'MJ-F3', 'hardware', 3680, '台'], ['指纹考勤机 K20', 'KQ-K20', 'hardware', 860, '台'],
  ['人脸考勤机 K50', 'KQ-K50', 'hardware', 1980, '台'], ['访客登记终端 V2', 'FK-V2', 'hardware', 5600, '台'], ['电磁锁 280kg', 'PJ-280', 'consumable', 320, '把'],
  ['IC 门禁卡（100张）', 'PJ-IC100', 'consumable', 260, '盒'], ['考勤管理软件 标准版', 'RJ-KQS', 'software', 6800, '套'], ['一卡通管理平台 企业版', 'RJ-YKT', 'software', 28000, '套'],
  ['访客管理系统 云版（年）', 'RJ-FKY', 'software', 4800, '年'], ['上门安装调试', 'FW-AZ', 'service', 800, '次'], ['年度维保服务', 'FW-WB', 'service', 9600, '年']
]
/** Sample campaigns: months from today they start (negative = past), days they run, budget and actual cost. */
const CAMPAIGNS: ReadonlyArray<{ name: string; type: string; channel: string; startMonths: number; days: number; budget: number; cost: number; notes: string }> = [
  { name: '2025秋季安博会', type: 'expo', channel: 'expo', startMonths: -8, days: 3, budget: 120_000, cost: 108_000, notes: '深圳会展中心 8 号馆，展位 8B21' },
  { name: '2026春季展', type: 'expo', channel: 'expo', startMonths: 0, days: 3, budget: 150_000, cost: 96_000, notes: '上海新国际博览中心，门禁与考勤新品发布' },
  { name: '搜索引擎推广', type: 'online', channel: 'ads', startMonths: -12, days: 365, budget: 60_000, cost: 54_000, notes: '关键词：门禁系统、人脸考勤' },
  { name: '官网免费试用', type: 'website', channel: 'website', startMonths: -10, days: 300, budget: 20_000, cost: 12_000, notes: '官网申请 30 天试用' },
  { name: '老客户转介绍计划', type: 'referral', channel: 'referral', startMonths: -14, days: 400, budget: 40_000, cost: 31_000, notes: '推荐成交返 5% 服务费' },
  { name: '智慧园区研讨会', type: 'seminar', channel: 'other', startMonths: 2, days: 1, budget: 30_000, cost: 0, notes: '邀请园区物业与行政负责人' }
]

/** Sample knowledge-base articles: title, category, keywords, text. */
const ARTICLES: ReadonlyArray<[string, string, string, string]> = [
  ['门禁读头识别失败的排查步骤', 'fault', '门禁 识别失败 读头', '1. 确认读头指示灯状态；\n2. 检查卡片是否已在系统中开通；\n3. 重启门禁控制器；\n4. 仍无法识别时更换读头并登记工单。'],
  ['考勤数据导出为 Excel', 'usage', '考勤 导出 Excel', '在考勤管理 → 报表中选择月份，点击「导出」。导出文件按部门分工作表。'],
  ['访客机打印机更换色带', 'fault', '访客机 打印 色带', '关闭电源，打开侧盖，取出旧色带，按箭头方向装入新色带后开机自检。'],
  ['门禁控制器安装与接线', 'install', '安装 接线 控制器', '控制器距读头不超过 80 米；电源与信号线分管敷设；安装后用调试软件逐门测试。'],
  ['软件升级前的数据备份', 'usage', '升级 备份', '升级前在系统设置中执行一次完整备份，并把备份文件复制到另一台电脑。'],
  ['发票开具与邮寄说明', 'billing', '发票 邮寄', '合同签订并收到首付款后 5 个工作日内开具发票，顺丰寄出。'],
  ['常见问题：门禁卡丢失怎么办', 'faq', '门禁卡 丢失 挂失', '在人员管理中找到持卡人，点击「挂失」，再为其补办新卡。']
]

const SOURCES = ['expo', 'website', 'referral', 'ads', 'phone', 'other'] as const
const SOURCE_WEIGHT = [3, 4, 3, 2, 2, 1]
const LOSS = ['price', 'competitor', 'budget', 'timing', 'other'] as const
/** The rep's forecast category follows the stage in the sample data (no random draw: the rest of the data stays as it was). */
const FORECAST_OF_STAGE: Record<string, string> = { initial: 'pipeline', needs: 'pipeline', proposal: 'bestCase', negotiation: 'commit', won: 'commit', lost: 'omitted' }
const METHODS = ['visit', 'call', 'wechat', 'email'] as const
const SUBJECTS = ['电话沟通需求', '上门拜访', '产品演示', '方案讲解', '报价沟通', '商务谈判', '合同条款确认', '安装进度沟通', '回款提醒', '节日问候', '售后回访', '微信沟通']
const CONTENTS = [
  '客户对人脸门禁比较感兴趣，希望下周安排演示。', '对方采购经理关注价格，要求提供两套方案对比。', '已发送产品资料和案例，客户内部讨论中。',
  '客户计划下季度扩建厂区，门禁点位约 30 个。', '演示效果良好，客户要求出正式报价。', '客户反馈预算有限，考虑分期实施。',
  '竞争对手报价更低，需要强调售后服务优势。', '合同条款基本确认，等待法务审核。', '客户提出需要对接现有 OA 系统。', '确认首付款已安排，下周到账。'
]

/** Weighted pick over parallel arrays. */
function weighted<T>(r: ReturnType<typeof rng>, items: readonly T[], weights: readonly number[]): T {
  const total = weights.reduce((a, b) => a + b, 0)
  let x = r.next() * total
  for (let i = 0; i < items.length; i++) {
    x -= weights[i]!
    if (x < 0) return items[i]!
  }
  return items[items.length - 1]!
}

/** A simple blue square-mark logo for the demo firm (SVG, so no binary asset ships). */
const DEMO_LOGO_SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#228be6"/><rect x="14" y="14" width="16" height="16" rx="3" fill="#fff"/><rect x="34" y="14" width="16" height="16" rx="3" fill="#a5d8ff"/><rect x="14" y="34" width="16" height="16" rx="3" fill="#a5d8ff"/><rect x="34" y="34" width="16" height="16" rx="3" fill="#fff"/></svg>')

/** Midnight in China (UTC+8) of the day `ms` falls on: the sample firm works office hours there, wherever the server runs. */
const chinaDayStart = (ms: number) => Math.floor((ms + 8 * 3600_000) / 86_400_000) * 86_400_000 - 8 * 3600_000

const day = (ms: number) => dayjs(ms).format('YYYY-MM-DD')
const iso = (ms: number) => new Date(ms).toISOString()

interface Pending { form: string; at: number; values: Record<string, unknown>; refs?: Record<string, Ref>; done?: (id: number) => void; id?: number }
class Ref { id: number | null = null }

/** Load the sample data. Refused when the sales app is missing or already holds customers. */
export function seedDemo(core: Core, actor: Actor, options: SeedOptions): SeedReport {
  const r = rng(options.seed ?? 20240601)
  try {
    core.schema.form('customer')
  } catch (e) {
    if (e instanceof NotFoundError) throw new NotFoundError('crm.app.notFound', { app: 'crm' })
    throw e
  }
  if (core.reads.count(actor, { form: 'customer' }).total > 0) throw new ConflictError('crm.seed.notEmpty')
  const today = dayjs(core.clock.now()).startOf('day')
  const start = today.subtract(24, 'month').startOf('month')
  const span = today.valueOf() - start.valueOf()
  const at = (from: number, maxDays: number) => Math.min(today.valueOf() + 9 * 3600_000, from + r.int(0, maxDays) * 86_400_000 + r.int(9, 18) * 3600_000 + r.int(0, 59) * 60_000)

  // ---- organization ----
  const passwordHash = options.passwordHash
  const dept = (name: string, parentId: number | null = null) => core.org.departments().find((d) => d.name === name)?.id ?? core.org.createDepartment(actor.id, { name, parentId }).id
  const sales = dept('销售部')
  const east = dept('华东销售组', sales)
  const south = dept('华南销售组', sales)
  const service = dept('客服部')
  const finance = dept('财务部')
  const role = (key: string) => core.org.roles().find((x) => x.key === key)?.id
  const users = core.org
  const person = (name: string, login: string, departmentId: number, roleKey: string, managerId: number | null = null): number => {
    const existing = core.db.prepare('SELECT id FROM users WHERE login = ?').pluck().get(login) as number | undefined
    if (existing) return existing
    const roleId = role(roleKey)
    return users.createUserWithHash(actor.id, { name, login, passwordHash, departmentId, managerId, roleIds: roleId ? [roleId] : [] })
  }
  const head = person('周建国', 'zhoujianguo', sales, 'sales_manager')
  const mgrEast = person('吴海燕', 'wuhaiyan', east, 'sales_manager', head)
  const mgrSouth = person('林晓东', 'linxiaodong', south, 'sales_manager', head)
  core.org.updateDepartment(actor.id, { id: east, headUserId: mgrEast })
  core.org.updateDepartment(actor.id, { id: south, headUserId: mgrSouth })
  core.org.updateDepartment(actor.id, { id: sales, headUserId: head })
  const reps = [
    person('张伟', 'zhangwei', east, 'sales_rep', mgrEast), person('王芳', 'wangfang', east, 'sales_rep', mgrEast), person('李强', 'liqiang', east, 'sales_rep', mgrEast),
    person('刘洋', 'liuyang', south, 'sales_rep', mgrSouth), person('陈静', 'chenjing', south, 'sales_rep', mgrSouth), person('杨帆', 'yangfan', south, 'sales_rep', mgrSouth)
  ]
  const serviceUser = person('孙磊', 'sunlei', service, 'service')
  person('赵丽', 'zhaoli', finance, 'finance')
  // 法务: the role the shipped app creates; the 法务审核 tasks of large opportunities go to them.
  const legalRole = core.org.roles().find((x) => x.key === 'legal' || x.name === '法务')
  if (legalRole) {
    const legal = dept('法务部')
    const counsel = person('郑思远', 'zhengsiyuan', legal, legalRole.key)
    core.org.updateDepartment(actor.id, { id: legal, headUserId: counsel })
  }

  const queue: Pending[] = []
  const add = (form: string, atMs: number, values: Record<string, unknown>, refs?: Record<string, Ref>): Ref => {
    const ref = new Ref()
    queue.push({ form, at: atMs, values, refs, done: (id) => (ref.id = id) })
    return ref
  }
  const personName = () => r.pick(SURNAMES) + r.pick(GIVEN)
  const mobile = () => `1${r.pick(['3', '5', '8', '7'])}${String(r.int(0, 999_999_999)).padStart(9, '0')}`

  // ---- campaigns and knowledge-base articles (a random stream of their own: the rest of the sample stays as it was) ----
  const rc = rng((options.seed ?? 20240601) + 19)
  const hasForm = (key: string) => {
    try {
      core.schema.form(key)
      return true
    } catch (e) {
      if (e instanceof NotFoundError) return false
      throw e
    }
  }
  const campaigns = hasForm('campaign') ? CAMPAIGNS.map((c) => {
    const startsAt = today.add(c.startMonths, 'month').valueOf()
    const ended = c.startMonths < -1
    return { channel: c.channel, started: c.startMonths <= 0, ref: add('campaign', start.valueOf(), { name: c.name, type: c.type, channel: c.channel, status: ended ? 'ended' : c.startMonths <= 0 ? 'active' : 'planned', startDate: day(startsAt), endDate: day(startsAt + c.days * 86_400_000), budget: c.budget, actualCost: c.startMonths <= 0 ? c.cost : null, notes: c.notes, owner: mgrEast }) }
  }) : []
  /** The campaign a lead of this source came from, for some of them. */
  const campaignFor = (source: string): Record<string, Ref> => {
    const list = campaigns.filter((c) => c.started && c.channel === source)
    return list.length && rc.chance(0.7) ? { campaign: list[Math.floor(rc.next() * list.length)]!.ref } : {}
  }
  if (hasForm('kbArticle')) for (const [title, category, keywords, content] of ARTICLES) add('kbArticle', start.valueOf(), { title, category, keywords, content, published: true, owner: serviceUser })

  // ---- products (before everything) ----
  const products = PRODUCTS.map(([name, code, category, price, unit]) => ({ ref: add('product', start.valueOf(), { name, code, category, price, unit, onSale: true }), price, name }))

  // ---- customers, contacts, leads, opportunities and what follows ----
  const names = new Set<string>()
  const nCustomers = options.customers ?? 500
  const counts: Record<string, number> = {}
  for (let i = 0; i < nCustomers; i++) {
    const [province, city, region] = r.pick(CITIES)
    const [trade, industry] = r.pick(TRADES)
    let name = ''
    for (let tries = 0; !name || names.has(name); tries++) name = `${city}${r.pick(BRANDS)}${tries > 3 ? r.pick(BRANDS) : ''}${trade}${r.pick(SUFFIXES)}`
    names.add(name)
    const created = start.valueOf() + Math.floor(Math.pow(r.next(), 0.8) * span * 0.97)
    const inPool = r.chance(0.08)
    const rep = r.pick(reps)
    const owner = inPool ? null : rep
    const source = weighted(r, SOURCES, SOURCE_WEIGHT)
    const level = weighted(r, ['a', 'b', 'c', 'd'], [1, 3, 4, 2])
    // A lead first for most customers: the way they came in.
    const leadFirst = r.chance(0.6)
    const customerAt = leadFirst ? at(created, 20) : created
    const followTimes: number[] = []
    const customerIndex = queue.length
    const fromCampaign = leadFirst ? campaignFor(source) : {}
    const customer = add('customer', customerAt, {
      name, level, industry, scale: weighted(r, ['s1', 's2', 's3', 's4'], [3, 4, 2, 1]), source, phone: r.chance(0.7) ? `${AREA_CODES[city] ?? '021'}-${r.int(6000_0000, 8999_9999)}` : null,
      province, city, address: `${city}市${r.pick(['高新区', '经开区', '工业园区', '中心区', '滨江区'])}${r.pick(BRANDS)}路${r.int(1, 399)}号`,
      tags: r.chance(0.2) ? ['repeat'] : level === 'a' ? ['vip'] : [], owner
    }, fromCampaign)
    if (leadFirst) {
      const lp = personName()
      add('lead', created, { name: lp, company: name, phone: mobile(), source, city, region, status: 'converted', score: r.int(50, 95), owner: rep }, { convertedCustomer: customer, ...fromCampaign })
    }
    const contacts: Ref[] = []
    for (let k = 0, n = r.int(1, 3); k < n; k++) {
      contacts.push(add('contact', customerAt, { name: personName(), title: r.pick(TITLES), phone: mobile(), wechat: r.chance(0.6) ? `wx_${r.int(10000, 99999)}` : null, decisionRole: k === 0 ? 'decider' : r.pick(['influencer', 'user', 'gatekeeper']), primary: k === 0, owner }, { customer }))
    }
    if (inPool && r.chance(0.5)) continue
    // Opportunities: older ones have closed; recent ones are still open.
    for (let k = 0, n = weighted(r, [0, 1, 2, 3], [2, 5, 2, 1]); k < n; k++) {
      const oppAt = at(customerAt, 60)
      if (oppAt > today.valueOf()) continue
      const age = (today.valueOf() - oppAt) / 86_400_000
      const product = r.pick(products)
      const qty = r.int(2, 40)
      const amount = Math.round((product.price * qty + r.int(0, 20) * 1000) / 100) * 100
      let stage: string
      if (age > 120) stage = weighted(r, ['won', 'lost', 'negotiation'], [5, 4, 1])
      else if (age > 45) stage = weighted(r, ['won', 'lost', 'proposal', 'negotiation'], [3, 2, 2, 2])
      else stage = weighted(r, ['initial', 'needs', 'proposal', 'negotiation', 'won'], [4, 3, 2, 2, 1])
      const closeAt = ['won', 'lost'].includes(stage) ? Math.min(oppAt + r.int(15, 90) * 86_400_000, today.valueOf()) : today.valueOf() + r.int(5, 90) * 86_400_000
      const probability = { initial: 0.1, needs: 0.25, proposal: 0.5, negotiation: 0.75, won: 1, lost: 0 }[stage]!
      const oppName = `${name.replace(/(股份有限公司|有限责任公司|有限公司)$/, '')}${r.pick(['门禁改造', '考勤系统', '一卡通项目', '访客系统', '新厂区安防', '办公楼门禁'])}`
      const steps = r.int(1, 5)
      // Follow-ups happen in office hours, spread between the opportunity's start and its close.
      const officeHours = (ms: number) => chinaDayStart(ms) + r.int(9, 17) * 3600_000 + r.int(0, 11) * 300_000
      const fuTimes = Array.from({ length: steps }, (_, j) => Math.min(today.valueOf() + 9 * 3600_000, officeHours(oppAt + Math.floor(((closeAt - oppAt) * (j + 1)) / (steps + 1)))))
      followTimes.push(...fuTimes)
      const opp = add('opportunity', oppAt, {
        name: oppName, amount, closeDate: day(closeAt), stage, probability, forecastCategory: FORECAST_OF_STAGE[stage], important: amount > 80_000,
        nextStep: stage === 'won' || stage === 'lost' ? null : r.pick(['安排产品演示', '提交正式报价', '约客户高层面谈', '确认合同条款', '现场勘查点位']),
        lossReason: stage === 'lost' ? r.pick(LOSS) : null, lastFollowUpAt: fuTimes.length ? iso(Math.max(...fuTimes)) : null, approvalStatus: 'none', owner: owner ?? rep
      }, { customer, contact: contacts[0]!, ...fromCampaign })
      for (const t of fuTimes) {
        const subject = r.pick(SUBJECTS)
        const method = subject.includes('拜访') ? 'visit' : subject.includes('电话') ? 'call' : subject.includes('微信') ? 'wechat' : r.pick(METHODS)
        add('followUp', t, { subject, method, content: r.pick(CONTENTS), time: iso(t), nextDate: r.chance(0.5) ? day(t + r.int(3, 14) * 86_400_000) : null, owner: owner ?? rep }, { customer, opportunity: opp })
      }
      if (['proposal', 'negotiation', 'won'].includes(stage)) {
        const quoteAt = oppAt + Math.floor((closeAt - oppAt) / 2)
        const discount = r.pick([0, 0, 0.05, 0.1, 0.15, 0.2])
        const lines = [{ product: product.ref, quantity: qty, unitPrice: product.price, discount }]
        if (r.chance(0.6)) lines.push({ product: products[10]!.ref, quantity: 1, unitPrice: 800, discount: 0 })
        if (r.chance(0.4)) lines.push({ product: products[11]!.ref, quantity: 1, unitPrice: 9600, discount })
        const quoteTotal = lines.reduce((s, l) => s + l.quantity * l.unitPrice * (1 - l.discount), 0)
        const quote = new Ref()
        queue.push({
          form: 'quote', at: quoteAt, values: { title: oppName, quotedOn: day(quoteAt), validUntil: day(quoteAt + 30 * 86_400_000), status: stage === 'won' ? 'accepted' : 'sent', approvalStatus: discount > 0.1 ? 'approved' : 'none', owner: owner ?? rep },
          refs: { customer, opportunity: opp }, done: (id) => (quote.id = id)
        })
        // Lines are resolved when the quote is written (product ids by then).
        queue[queue.length - 1]!.values.lines = lines
        if (stage === 'won') {
          const signed = closeAt
          const contractAmount = Math.round(quoteTotal)
          const parts = contractAmount > 50_000 ? [0.3, 0.6, 0.1] : contractAmount > 15_000 ? [0.5, 0.5] : [1]
          const plan = parts.map((p, j) => ({ dueDate: day(signed + (j * 60 + 10) * 86_400_000), amount: Math.round(contractAmount * p), note: ['首付款', '到货款', '验收尾款'][j] ?? '' }))
          const contract = add('contract', signed, {
            name: `${oppName}合同`, amount: contractAmount, signedOn: day(signed), endDate: day(signed + 365 * 86_400_000),
            status: signed + 365 * 86_400_000 < today.valueOf() ? 'done' : 'running', approvalStatus: contractAmount > 100_000 ? 'approved' : 'none', plan, owner: owner ?? rep
          }, { customer, opportunity: opp, quote })
          for (const p of plan) {
            const due = dayjs(p.dueDate).valueOf()
            if (due > today.valueOf() || r.chance(0.08)) continue
            const paid = Math.min(today.valueOf(), due + r.int(-5, 25) * 86_400_000)
            add('payment', paid, { amount: p.amount, paidOn: day(paid), method: weighted(r, ['transfer', 'check', 'alipay', 'wechat', 'cash'], [8, 1, 1, 1, 1]), owner: owner ?? rep }, { contract, customer })
          }
          if (r.chance(0.7)) add('invoice', signed + 5 * 86_400_000, { number: String(r.int(10_000_000, 99_999_999)), kind: r.chance(0.6) ? 'special' : 'normal', amount: contractAmount, issuedOn: day(Math.min(today.valueOf(), signed + 5 * 86_400_000)), status: 'sent', owner: owner ?? rep }, { contract, customer })
          if (r.chance(0.35)) {
            const tAt = Math.min(today.valueOf(), signed + r.int(20, 300) * 86_400_000)
            const open = today.valueOf() - tAt < 20 * 86_400_000
            const survey = !open && rc.chance(0.6) ? { csatScore: weighted(rc, [5, 4, 3, 2, 1], [6, 4, 2, 1, 1]), csatComment: rc.pick(['工程师响应很快，问题当天解决', '处理及时，态度很好', '解决了，但等待时间有点长', '希望能提前告知上门时间', '']), csatAt: iso(Math.min(today.valueOf(), tAt + 6 * 86_400_000)) } : {}
            add('ticket', tAt, { ...survey, title: r.pick(['门禁识别偶尔失败', '考勤数据无法导出', '新增门禁点位', '访客机打印异常', '软件升级咨询', '门禁卡批量开通']), priority: weighted(r, ['low', 'medium', 'high', 'urgent'], [2, 5, 2, 1]), status: open ? r.pick(['open', 'doing']) : 'closed', assignee: serviceUser, description: '客户来电反馈，需安排工程师跟进处理。', resolvedAt: open ? null : iso(tAt + r.int(1, 5) * 86_400_000), owner: serviceUser }, { customer, contact: contacts[0]! })
          }
        }
      }
      if (!['won', 'lost'].includes(stage) && r.chance(0.5)) {
        const due = today.valueOf() + r.int(-3, 14) * 86_400_000
        add('task', Math.min(today.valueOf(), oppAt + 86_400_000), { title: r.pick(['准备演示环境', '提交报价单', '跟进合同审批', '约见客户决策人', '整理需求清单']), dueDate: day(due), status: due < today.valueOf() ? r.pick(['done', 'doing']) : 'todo', assignee: owner ?? rep, owner: owner ?? rep }, { customer, opportunity: opp })
      }
    }
    if (followTimes.length) queue[customerIndex]!.values.lastFollowUpAt = iso(Math.max(...followTimes))
  }
  // Leads that are still leads: recent ones open, some in the pool, some invalid.
  for (let i = 0; i < Math.round(nCustomers * 0.5); i++) {
    const [, city, region] = r.pick(CITIES)
    const created = start.valueOf() + Math.floor(Math.pow(r.next(), 0.6) * span)
    const age = (today.valueOf() - created) / 86_400_000
    const status = age > 90 ? weighted(r, ['invalid', 'contacted', 'qualified'], [3, 2, 1]) : weighted(r, ['new', 'contacted', 'qualified'], [4, 3, 2])
    const inPool = r.chance(0.25)
    const trade = r.pick(TRADES)[0]
    const leadSource = weighted(r, SOURCES, SOURCE_WEIGHT)
    add('lead', created, { name: personName(), company: `${city}${r.pick(BRANDS)}${trade}${r.pick(SUFFIXES)}`, phone: mobile(), wechat: r.chance(0.4) ? `wx_${r.int(10000, 99999)}` : null, source: leadSource, city, region, status, score: r.int(10, 90), owner: inPool ? null : r.pick(reps) }, campaignFor(leadSource))
  }
  // Monthly targets per rep and per group, owned by the rep and by the group's manager (so a
  // manager's 销售目标 scope, 本部门及下级, holds their group's targets, as in a real office).
  for (let m = 0; m <= 24; m++) {
    const month = start.add(m, 'month')
    for (const u of reps) add('salesTarget', month.valueOf(), { name: `${month.format('YYYY年M月')} ${core.auth.user(u)?.name ?? ''}`, targetType: 'person', user: u, month: month.format('YYYY-MM-DD'), amount: 150_000 + (reps.indexOf(u) % 3) * 30_000 + Math.floor(m / 12) * 20_000, owner: u })
    for (const [d, manager] of [['华东销售组', mgrEast], ['华南销售组', mgrSouth]] as const) add('salesTarget', month.valueOf(), { name: `${month.format('YYYY年M月')} ${d}`, targetType: 'department', department: d, month: month.format('YYYY-MM-DD'), amount: 550_000 + Math.floor(m / 12) * 60_000, owner: manager })
  }

  // ---- write month by month, parents before children within a month ----
  const ORDER = ['campaign', 'kbArticle', 'product', 'customer', 'lead', 'contact', 'opportunity', 'quote', 'contract', 'followUp', 'payment', 'invoice', 'ticket', 'task', 'salesTarget']
  queue.sort((a, b) => {
    const ma = dayjs(Math.min(a.at, today.valueOf())).format('YYYYMM')
    const mb = dayjs(Math.min(b.at, today.valueOf())).format('YYYYMM')
    return ma === mb ? ORDER.indexOf(a.form) - ORDER.indexOf(b.form) || a.at - b.at : ma < mb ? -1 : 1
  })
  let i = 0
  while (i < queue.length) {
    const month = dayjs(Math.min(queue[i]!.at, today.valueOf())).format('YYYYMM')
    const form = queue[i]!.form
    const batch: Pending[] = []
    while (i < queue.length && queue[i]!.form === form && dayjs(Math.min(queue[i]!.at, today.valueOf())).format('YYYYMM') === month) batch.push(queue[i++]!)
    options.setTime?.(Math.min(today.valueOf() + 12 * 3600_000, Math.max(...batch.map((p) => p.at))))
    const rows = batch.map((p) => {
      const values: Record<string, unknown> = { ...p.values }
      for (const [k, ref] of Object.entries(p.refs ?? {})) values[k] = ref.id
      if (Array.isArray(values.lines)) values.lines = (values.lines as Array<Record<string, unknown>>).map((l) => ({ ...l, product: (l.product as Ref).id }))
      return values
    })
    // Sample history includes approval states only a flow writes: the seed writes them as the system.
    const ids = core.writes.asEngine(() => core.writes.bulkCreate(actor, form, rows, 'create'))
    batch.forEach((p, k) => {
      p.id = ids[k]!
      p.done?.(ids[k]!)
    })
    counts[form] = (counts[form] ?? 0) + ids.length
  }
  // The firm printed on quotes (an administrator changes it in 设置 → 系统).
  if (!core.settings.company().name) {
    const logo = core.attachments.put('logo.svg', 'image/svg+xml', DEMO_LOGO_SVG.toString('base64'))
    core.settings.setCompany({
      name: '杭州积木智能科技有限公司', address: '杭州市西湖区文三路 478 号华星时代广场 12 楼', phone: '0571-86668888',
      taxId: '91330106MA2H7K3X5P', bankName: '招商银行杭州文三路支行', bankAccount: '5719 0812 3456 0001',
      logo: { hash: logo.hash, name: logo.name, mime: 'image/svg+xml', size: logo.size }
    })
  }
  // Created records belong to their creator; the pool's are then handed back to nobody.
  core.writes.transaction(() => {
    for (const p of queue) if ('owner' in p.values && p.values.owner === null && p.id !== undefined) core.writes.update(actor, p.form, p.id, { owner: null })
  })
  return { users: reps.length + 6, departments: 5, counts }
}
