// Simplified Chinese messages of the flows area; keys are namespaced `flows.`.
export const flows: Record<string, string> = {}
