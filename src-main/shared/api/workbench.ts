import { z } from 'zod'
import { formRef, id, method, ok, type MethodContract } from './core'

// 我的工作台: the caller's day (approvals, tasks, follow-ups due, deals closing this month,
// reminders, records opened lately) and, for administrators, the first-run checklist. Every
// section is read for the caller only, through the access layer. Handlers in
// src-main/api/handlers/workbench.ts; the assembly in src-main/workbench.

const recordRef = z.object({ formId: id, id, title: z.string() })

export const CHECKLIST_ITEMS = ['colleagues', 'import', 'company', 'lan', 'backup'] as const
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number]

export const workbenchDayDto = z.object({
  /** The caller's local day (YYYY-MM-DD) the lists are measured against. */
  today: z.string(),
  approvals: z.object({
    total: z.number(),
    items: z.array(z.object({ taskId: id, instanceId: id, title: z.string(), flowName: z.string(), formLabel: z.string(), createdAt: z.string(), dueAt: z.string().nullable() }))
  }),
  /** Open tasks (任务) assigned to the caller, by due date; null where the caller cannot open tasks. */
  tasks: z.object({ total: z.number(), items: z.array(recordRef.extend({ dueDate: z.string().nullable(), overdue: z.boolean() })) }).nullable(),
  /** The caller's follow-ups whose 下次跟进日期 is today or past, the latest per customer, opportunity or lead. */
  followUps: z.object({ total: z.number(), items: z.array(recordRef.extend({ nextDate: z.string(), overdue: z.boolean(), about: z.string().nullable() })) }).nullable(),
  /** The caller's open opportunities closing this month; amounts only where the caller may read them. */
  deals: z
    .object({
      total: z.number(),
      amountShown: z.boolean(),
      amountTotal: z.number().nullable(),
      items: z.array(recordRef.extend({ closeDate: z.string().nullable(), stage: z.string().nullable(), amount: z.number().nullable() }))
    })
    .nullable(),
  reminders: z.object({ unread: z.number(), items: z.array(z.object({ id, title: z.string(), body: z.string(), formId: z.number().nullable(), recordId: z.number().nullable(), createdAt: z.number() })) }),
  recent: z.array(recordRef.extend({ formLabel: z.string(), openedAt: z.number() })),
  /** Administrators only, until every item is done or it is dismissed. */
  checklist: z.object({ items: z.array(z.object({ key: z.enum(CHECKLIST_ITEMS), done: z.boolean() })), formId: z.number().nullable() }).nullable()
})
export type WorkbenchDayDto = z.infer<typeof workbenchDayDto>

export const workbenchContracts = {
  'workbench.day': method({ access: 'user', summary: 'My day: approvals, tasks, follow-ups due, deals closing this month, reminders, recent records, and (administrators) the first-run checklist', input: z.object({}).default({}), output: workbenchDayDto }),
  'workbench.opened': method({ access: 'user', summary: 'Remember that I opened a record I may see (for 最近打开)', input: z.object({ form: formRef, id }), output: ok }),
  'workbench.dismissChecklist': method({ access: 'admin', summary: 'Hide the first-run checklist from the workbench', input: z.object({}).default({}), output: ok })
} as const satisfies Record<string, MethodContract>

export const WORKBENCH_READ_ONLY: readonly string[] = ['workbench.day']
