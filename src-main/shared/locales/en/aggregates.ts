// Aggregates and paging (record counts, the REST aggregate route, page numbers). Parameter names are passed as placeholders.
export const aggregates: Record<string, string> = {
  'aggregates.offsetWithCursor': 'Give either "{{offset}}" or "{{cursor}}", not both: page numbers use "{{offset}}" or "{{page}}", keyset paging uses "{{cursor}}"',
  'aggregates.badPage': 'The page number "{{field}}" must be a whole number from 1',
  'aggregates.badNumber': 'Parameter "{{field}}" must be a whole number, 0 or more'
}
