import type { z } from 'zod'
import { coreContracts, CORE_READ_ONLY } from './core'
import { crmContracts, CRM_READ_ONLY } from './crm'
import { flowContracts, FLOW_READ_ONLY } from './flows'
import { ruleContracts, RULE_READ_ONLY } from './rules'
import { reportContracts, REPORT_READ_ONLY } from './reports'
import { transferContracts, TRANSFER_READ_ONLY } from './transfer'
import { settingsContracts, SETTINGS_READ_ONLY } from './settings'
import { lanContracts, LAN_READ_ONLY } from './lan'
import { publicFormContracts, PUBLIC_FORM_READ_ONLY } from './publicforms'
import { documentContracts, DOCUMENTS_READ_ONLY } from './documents'
import { imContracts, IM_READ_ONLY } from './im'
import { workbenchContracts, WORKBENCH_READ_ONLY } from './workbench'
import { forecastContracts, FORECAST_READ_ONLY } from './forecast'
import { syncContracts, SYNC_READ_ONLY } from './sync'
import { printContracts, PRINT_READ_ONLY } from './print'

// The one contract table: the core's methods and each engine's, each declared once in its own
// file. Types, validation, the preload whitelist, the HTTP routes and the OpenAPI document are
// all derived from this table (see src-main/api). Pure TypeScript: the renderer imports it too.
export * from './core'

export const contracts = { ...coreContracts, ...crmContracts, ...flowContracts, ...ruleContracts, ...reportContracts, ...transferContracts, ...settingsContracts, ...lanContracts, ...publicFormContracts, ...documentContracts, ...imContracts, ...workbenchContracts, ...forecastContracts, ...syncContracts, ...printContracts } as const

export type Contracts = typeof contracts

/** Methods a read-only API token may call. */
export const READ_ONLY_METHODS: ReadonlySet<string> = new Set([...CORE_READ_ONLY, ...CRM_READ_ONLY, ...FLOW_READ_ONLY, ...RULE_READ_ONLY, ...REPORT_READ_ONLY, ...TRANSFER_READ_ONLY, ...SETTINGS_READ_ONLY, ...LAN_READ_ONLY, ...PUBLIC_FORM_READ_ONLY, ...DOCUMENTS_READ_ONLY, ...IM_READ_ONLY, ...WORKBENCH_READ_ONLY, ...FORECAST_READ_ONLY, ...SYNC_READ_ONLY, ...PRINT_READ_ONLY])
export type MethodName = keyof Contracts
export type MethodInput<M extends MethodName> = z.input<Contracts[M]['input']>
export type MethodParsedInput<M extends MethodName> = z.output<Contracts[M]['input']>
export type MethodOutput<M extends MethodName> = z.output<Contracts[M]['output']>
export const METHOD_NAMES = Object.keys(contracts) as MethodName[]
