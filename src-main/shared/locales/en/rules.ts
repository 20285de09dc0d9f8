// English messages of the rules area; keys are namespaced `rules.`.
export const rules: Record<string, string> = {
  'rules.error.unknownJobKind': "Unknown background job kind: {{kind}}",
  'rules.error.jobNotFound': "Background job {{id}} does not exist",
  'rules.error.jobNotFailed': "Background job {{id}} has not failed; nothing to retry",
  'rules.error.smtpNotSet': "No outgoing mail server (SMTP) is set; set it under Rules → Email & webhooks",
  'rules.error.unknownField': "Field \"{{field}}\" does not exist",
  'rules.error.notDateField': "\"{{field}}\" is not a date field",
  'rules.error.unknownForm': "Form \"{{form}}\" does not exist",
  'rules.error.noActivityLink': "\"{{form}}\" has no relation field pointing to \"{{target}}\"",
  'rules.error.badLink': "\"{{field}}\" is not a relation to the triggering form",
  'rules.error.assignUser': "Choose the owner",
  'rules.error.assignCandidates': "Choose the members or department to assign among",
  'rules.error.scoreField': "\"{{field}}\" is not a number field and cannot hold a score",
  'rules.error.flowsUnavailable': "The flow engine is not available; no flow can be started",
  'rules.error.formula': "The formula of \"{{field}}\" is wrong: {{message}}",
  'rules.error.ruleNotFound': "Rule {{id}} does not exist",
  'rules.error.clockFixed': "Only a demo server started with --now can move its clock",
  'rules.error.dryRunTarget': "Choose the rule to dry-run"
}
