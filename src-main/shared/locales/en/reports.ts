// English messages of the reports area; keys are namespaced `reports.`.
export const reports: Record<string, string> = {}
