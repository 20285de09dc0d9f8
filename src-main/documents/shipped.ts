import { buildDocx } from './docx'

// The Word templates the sales app ships (named by resources/apps/crm/documents.json), written
// from here so the desktop app and serve mode need no resource path at run time; the same files
// are in resources/templates/ for owners to download and change (scripts/build-doc-templates.ts).

export const SHIPPED_TEMPLATES = {
  contract: () =>
    buildDocx('销售合同', [
      { kind: 'title', text: '销售合同' },
      { kind: 'p', text: '合同编号：{合同编号}', right: true },
      { kind: 'p', text: '甲方（买方）：{客户.客户名称}' },
      { kind: 'p', text: '地址：{客户.省份}{客户.城市}{客户.详细地址}' },
      { kind: 'p', text: '乙方（卖方）：{公司.名称}' },
      { kind: 'p', text: '地址：{公司.地址}　电话：{公司.电话}' },
      { kind: 'p', text: '经双方友好协商，就「{合同名称}」达成如下协议：' },
      { kind: 'heading', text: '一、合同金额' },
      { kind: 'p', text: '合同总金额为人民币 {合同总金额|金额}（大写：{合同总金额|大写}）。' },
      { kind: 'heading', text: '二、回款计划' },
      {
        kind: 'table',
        header: ['计划回款日期', '计划金额', '说明'],
        rows: [['{#回款计划}{计划回款日期|日期}', '{计划金额|金额}', '{说明}{/回款计划}']],
        widths: [3000, 3000, 3000]
      },
      { kind: 'heading', text: '三、合同期限' },
      { kind: 'p', text: '本合同自 {签订日期|日期} 起生效，至 {到期日期|日期} 止。' },
      { kind: 'heading', text: '四、付款账户' },
      { kind: 'p', text: '开户行：{公司.开户行}　账号：{公司.银行账号}　税号：{公司.税号}' },
      { kind: 'p', text: '' },
      { kind: 'p', text: '甲方（盖章）：　　　　　　　　　　乙方（盖章）：{公司.名称}' },
      { kind: 'p', text: '签订日期：{签订日期|日期}　　　　　　　经办人：{负责人}' }
    ]),
  quote: () =>
    buildDocx('报价单', [
      { kind: 'title', text: '{公司.名称} 报价单' },
      { kind: 'p', text: '报价单号：{报价单号}　报价日期：{报价日期|日期}　有效期至：{有效期至|日期}', right: true },
      { kind: 'p', text: '客户：{客户.客户名称}' },
      { kind: 'p', text: '主题：{报价主题}' },
      {
        kind: 'table',
        header: ['产品', '数量', '单价', '折扣', '小计'],
        rows: [['{#报价明细}{产品}', '{数量}', '{单价|金额}', '{折扣}', '{小计|金额}{/报价明细}']],
        widths: [3000, 1200, 1700, 1200, 1900]
      },
      { kind: 'p', text: '报价总额：{报价总额|金额}（大写：{报价总额|大写}）', bold: true },
      { kind: 'p', text: '备注条款：{备注条款}' },
      { kind: 'p', text: '' },
      { kind: 'p', text: '{公司.名称}　地址：{公司.地址}　电话：{公司.电话}' },
      { kind: 'p', text: '销售代表：{负责人}　　{今天|日期}', right: true }
    ])
} as const

export type ShippedTemplate = keyof typeof SHIPPED_TEMPLATES
