// Simplified Chinese messages of the transfer area; keys are namespaced `transfer.`.
export const transfer: Record<string, string> = {}
