// Simplified Chinese messages of the crm area; keys are namespaced `crm.`.
export const crm: Record<string, string> = {}
