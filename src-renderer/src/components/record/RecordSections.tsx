import { Box, Divider, SimpleGrid, Stack, Text } from '@mantine/core'
import type { FieldDto } from '@shared/api/contracts'
import { rendererOf } from '../../fields/registry'
import type { FieldState } from './conditions'
import type { ResolvedTab } from './layout'

type Values = Record<string, unknown>

interface Props {
  tab: ResolvedTab
  values: Values
  errors: Record<string, string>
  states: Map<string, FieldState>
  /** Fields shown but not changeable here (read-only for the viewer's roles, locked by an approval). */
  locked?: ReadonlySet<string>
  onChange(field: FieldDto, value: unknown): void
}

// A disabled fieldset disables every control of a field's input, whatever the input is made of.
const LOCKED_STYLE = { border: 0, padding: 0, margin: 0, minWidth: 0, opacity: 0.65 }

/** One tab of the record form: its sections, each a grid of 1–3 columns of field inputs. */
export function RecordSections({ tab, values, errors, states, locked, onChange }: Props) {
  const sections = tab.sections
    .map((section) => ({ ...section, fields: section.fields.filter((f) => states.get(f.apiKey)?.visible !== false) }))
    .filter((section) => section.fields.length > 0)
  return (
    <Stack gap="lg">
      {sections.map((section) => (
        <Box key={section.id} data-testid={`section-${section.id}`}>
          {/* A section holding one field of the same name (产品明细) needs no second heading. */}
          {section.label && !(section.fields.length === 1 && section.fields[0].label === section.label) && (
            <Divider
              mb="sm"
              labelPosition="left"
              label={
                <Text size="sm" fw={600} c="var(--mantine-color-text)">
                  {section.label}
                </Text>
              }
            />
          )}
          <SimpleGrid cols={{ base: 1, sm: section.columns }} spacing="md" verticalSpacing="md">
            {section.fields.map((field) => {
              const renderer = rendererOf(field.type)
              const Input = renderer.Input
              const required = states.get(field.apiKey)?.required ?? field.required
              // A conditionally required field shows the asterisk like an always required one.
              const shown = required === field.required ? field : { ...field, required }
              return (
                <Box
                  key={field.id}
                  style={renderer.wide ? { gridColumn: '1 / -1' } : undefined}
                  data-field={field.apiKey}
                  data-error={errors[field.apiKey] ? 'true' : undefined}
                >
                  {locked?.has(field.apiKey) ? (
                    <fieldset disabled style={LOCKED_STYLE} data-locked="true">
                      <Input field={shown} value={values[field.apiKey] ?? null} error={errors[field.apiKey]} onChange={() => {}} />
                    </fieldset>
                  ) : (
                    <Input field={shown} value={values[field.apiKey] ?? null} error={errors[field.apiKey]} onChange={(v) => onChange(field, v)} />
                  )}
                </Box>
              )
            })}
          </SimpleGrid>
        </Box>
      ))}
    </Stack>
  )
}
