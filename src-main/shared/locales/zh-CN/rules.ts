// Simplified Chinese messages of the rules area; keys are namespaced `rules.`.
export const rules: Record<string, string> = {}
