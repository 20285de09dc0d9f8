import { z } from 'zod'
import { id, method, ok, type MethodContract } from './core'
import { httpUrl } from './settings'

// 设置 → 钉钉 / 企业微信 (administrators): the two providers' application credentials, the public
// address links in work notices point to, the connection test, the contact import and who is
// bound to whom. Secrets are stored in the core and never answered: the settings say only that a
// secret is set and its last four characters. Handlers in src-main/api/handlers/im.ts; the
// channels and the notice queue in src-main/im.

export const imProvider = z.enum(['dingtalk', 'wecom'])


export const imProviderInput = z.object({
  enabled: z.boolean().optional(),
  /** Empty: the provider's real host (oapi.dingtalk.com / qyapi.weixin.qq.com). */
  baseUrl: httpUrl.optional(),
  /** DingTalk AppKey / WeCom CorpID. */
  key: z.string().trim().max(100).optional(),
  /** DingTalk AppSecret / WeCom Secret of the application; empty keeps the stored one. */
  secret: z.string().trim().max(200).optional(),
  /** The application's AgentId (digits). */
  agentId: z.string().trim().max(20).refine((s) => /^\d*$/.test(s), { message: 'im.error.agentId', params: { messageKey: 'im.error.agentId' } }).optional()
})

const imProviderDto = z.object({
  enabled: z.boolean(),
  baseUrl: z.string(),
  key: z.string(),
  agentId: z.string(),
  secretSet: z.boolean(),
  /** The secret's last four characters, masked: "••••1a2b". */
  secretHint: z.string()
})

export const imSettingsDto = z.object({
  /** Where the people reach this CRM (the LAN host), e.g. https://jimu.local:8443; links in notices start here. */
  publicUrl: z.string(),
  dingtalk: imProviderDto,
  wecom: imProviderDto,
  /** Work notices waiting to be sent or retried, and those given up on. */
  queue: z.object({ pending: z.number(), failed: z.number() })
})
export type ImSettingsDto = z.infer<typeof imSettingsDto>

const bindingDto = z.object({ userId: id, name: z.string(), active: z.boolean(), dingtalk: z.string().nullable(), wecom: z.string().nullable() })

export const imContracts = {
  'im.settings': method({ access: 'admin', summary: 'DingTalk and WeCom work notices: credentials (secrets masked), public address, queue', input: z.object({}).default({}), output: imSettingsDto }),
  'im.updateSettings': method({
    access: 'admin', summary: 'Change the DingTalk / WeCom application settings or the public address (an empty secret keeps the stored one)',
    input: z.object({ publicUrl: httpUrl.optional(), dingtalk: imProviderInput.optional(), wecom: imProviderInput.optional() }), output: imSettingsDto
  }),
  'im.test': method({
    access: 'admin', summary: 'Test the connection: fetch an access token with the saved settings',
    input: z.object({ provider: imProvider }), output: z.object({ ok: z.boolean(), error: z.string().nullable() })
  }),
  'im.importContacts': method({
    access: 'admin', summary: 'Import departments and people from the DingTalk / WeCom contacts: bind matching users (by mobile, then by unique name), add the others as colleagues who do not sign in',
    input: z.object({ provider: imProvider }), output: z.object({ departmentsCreated: z.number(), usersCreated: z.number(), usersBound: z.number(), alreadyBound: z.number() })
  }),
  'im.bindings': method({ access: 'admin', summary: 'Each user and their DingTalk / WeCom user id', input: z.object({}).default({}), output: z.array(bindingDto) }),
  'im.bind': method({
    access: 'admin', summary: 'Set or clear the DingTalk / WeCom user id a user receives work notices at',
    input: z.object({ userId: id, provider: imProvider, externalId: z.string().trim().min(1).max(64).refine((s) => /^[A-Za-z0-9_.@-]+$/.test(s), { message: 'im.error.externalId', params: { messageKey: 'im.error.externalId' } }).nullable() }), output: ok
  })
} satisfies Record<string, MethodContract>

export const IM_READ_ONLY: readonly string[] = ['im.settings', 'im.bindings']
