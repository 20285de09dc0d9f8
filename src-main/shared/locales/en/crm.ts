// English messages of the crm area; keys are namespaced `crm.`.
export const crm: Record<string, string> = {
  'crm.app.badDefinition': 'The app definition is invalid ({{section}}): {{detail}}',
  'crm.app.unknownSection': 'The app definition has an unknown part "{{section}}"',
  'crm.app.notFound': 'App "{{app}}" not found',
  'crm.app.sectionConflict': 'Cannot install "{{key}}" of {{section}}: {{detail}}'
}
