// English messages of the crm area; keys are namespaced `crm.`.
export const crm: Record<string, string> = {
  'crm.app.badDefinition': 'The app definition is invalid ({{section}}): {{detail}}',
  'crm.app.unknownSection': 'The app definition has an unknown part "{{section}}"',
  'crm.app.notFound': 'App "{{app}}" not found',
  'crm.app.sectionConflict': 'Cannot install "{{key}}" of {{section}}: {{detail}}',
  'crm.pool.limitReached': "You may own at most {{limit}} {{form}} at a time and already own {{owned}}; follow up or release some first",
  'crm.pool.alreadyClaimed': "\"{{title}}\" has already been claimed by someone else",
  'crm.pool.alreadyInPool': "\"{{title}}\" is already in the public pool",
  'crm.pool.reasonRequired': "Give a reason for releasing to the public pool",
  'crm.lead.alreadyConverted': "Lead \"{{name}}\" has already been converted",
  'crm.lead.noCompany': "Enter the customer name",
  'crm.quote.notAccepted': "Quote {{code}} has not been accepted by the customer, so it cannot become a contract",
  'crm.quote.hasContract': "Quote {{code}} already has a contract",
  'crm.merge.nothing': "Choose the duplicates to merge into this customer",
  'crm.seed.notEmpty': "There are customers already; sample data can only be loaded into an empty sales app"
}
