import { z } from 'zod'
import { formRef, id, method, type MethodContract } from './core'

// API methods of public forms (外链表单, src-main/publicforms): an administrator publishes a form
// as a page anyone with the link may fill in. The public page itself is not an API method: it is
// its own small route (src-main/publicforms/route.ts) that answers only the published form's
// definition and its submission, so it never reaches the dispatcher or any record.

const fieldKey = z.string().trim().min(1).max(64)

export const publicFormConfig = z.object({
  /** The page's heading (the form's name when left empty at publish time). */
  title: z.string().trim().min(1).max(100),
  intro: z.string().trim().max(500).default(''),
  /** Shown after a submission. */
  thanks: z.string().trim().min(1).max(500),
  /** The company logo from the system settings, above the title. */
  showLogo: z.boolean().default(true),
  /** The fields the visitor fills in, in this order. */
  fields: z.array(z.object({ field: fieldKey, required: z.boolean().default(false) })).min(1).max(30),
  /**
   * Hidden fields filled from a URL parameter (…?来源=展会&市场活动=2026春季展): `param` is the
   * parameter's name; `value` is used when the link carries none.
   */
  hidden: z.array(z.object({ field: fieldKey, param: z.string().trim().min(1).max(40), value: z.string().trim().max(200).default('') })).max(10).default([]),
  /** The phone field whose value marks a submission as a possible duplicate of an existing record. */
  duplicateField: fieldKey.nullable().default(null)
})
export type PublicFormConfig = z.infer<typeof publicFormConfig>

export const publicSubmissionDto = z.object({
  id: z.number(),
  recordId: z.number(),
  at: z.string(),
  /** An existing record with the same phone (flagged, not merged). */
  duplicateOf: z.number().nullable()
})

export const publicFormDto = z.object({
  formId: z.number(),
  published: z.boolean(),
  /** The page's path (/p/<token>); null before the form was first published. */
  path: z.string().nullable(),
  config: publicFormConfig.nullable(),
  /** The link as a QR code (SVG) for a printed sign; the page's origin is the caller's. */
  /** Where the link starts: the public address (设置 → 访问地址) when set, else the origin the page gave; null in the desktop window without one. */
  base: z.string().nullable(),
  qrSvg: z.string().nullable(),
  submissions: z.array(publicSubmissionDto),
  /** Fields that may be published (visible) and those that may only be hidden (relations). */
  publishable: z.array(z.object({ key: z.string(), label: z.string(), type: z.string(), hiddenOnly: z.boolean() }))
})
export type PublicFormDto = z.infer<typeof publicFormDto>

const origin = z.string().trim().url().max(200).regex(/^https?:\/\//)

export const publicFormContracts = {
  'publicForms.get': method({ access: 'admin', summary: 'A form\'s public page settings (外链发布), its link and QR code, and its recent submissions', input: z.object({ form: formRef, origin: origin.optional() }), output: publicFormDto }),
  'publicForms.save': method({
    access: 'admin', summary: 'Save and publish (or keep unpublished) a form\'s public page; the link stays the same across saves',
    input: z.object({ form: formRef, config: publicFormConfig, published: z.boolean(), origin: origin.optional() }),
    output: publicFormDto
  }),
  'publicForms.surveyLink': method({
    access: 'user', summary: '满意度回访: the one-time public survey link (and QR code) of a record the caller may edit, e.g. a closed service ticket',
    input: z.object({ form: formRef, id, origin: origin.optional() }),
    output: z.object({ path: z.string(), base: z.string().nullable(), qrSvg: z.string().nullable(), answered: z.boolean() })
  }),
  'publicForms.unpublish': method({ access: 'admin', summary: 'Stop collecting: the link then answers that the form is closed', input: z.object({ form: formRef, origin: origin.optional() }), output: publicFormDto })
} satisfies Record<string, MethodContract>

export const PUBLIC_FORM_READ_ONLY: readonly string[] = ['publicForms.get']
