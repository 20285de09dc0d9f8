import { useEffect, useMemo, useRef, useState } from 'react'
import { Accordion, Badge, Box, Button, Code, Group, Popover, ScrollArea, Stack, Text, Textarea, TextInput, UnstyledButton } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconCircleCheck, IconCircleX, IconInfoCircle, IconMathFunction, IconVariable } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FormDto } from '@shared/api/contracts'
import { FORMULA_FUNCTIONS, formatRef, FormulaSyntaxError, parseFormula, type FunctionCategory } from '@shared/formula'
import { api, errorMessage } from '../../api/client'
import { currentLocale } from '../../i18n'
import type { Draft, DraftField } from './draft'
import { TYPE_ICON } from './field-meta'
import { unsavedRefs } from './save'

// The formula editor: the expression, a field picker that inserts {字段}, the function catalogue
// with Chinese help, and a live check — syntax at once in the browser, then (debounced) the
// server's formulas.check for references, types and cycles against the saved form.

interface Props {
  field: DraftField
  draft: Draft
  form: FormDto
  value: string
  onChange(value: string): void
  /** Default-value formulas start with "=" in storage; the editor shows the bare expression. */
  label: string
  testId: string
}

type Check = { state: 'idle' } | { state: 'ok'; type: string | null } | { state: 'error'; message: string } | { state: 'pending'; refs: string[] }

const CATEGORIES: FunctionCategory[] = ['logical', 'math', 'text', 'date']

export function FormulaEditor({ field, draft, form, value, onChange, label, testId }: Props) {
  const { t } = useTranslation()
  const ref = useRef<HTMLTextAreaElement>(null)
  const [check, setCheck] = useState<Check>({ state: 'idle' })
  const [debounced] = useDebouncedValue(value, 400)
  const [fieldsOpen, setFieldsOpen] = useState(false)
  const [functionsOpen, setFunctionsOpen] = useState(false)

  /** Fields a formula here may read: the form's top-level fields, or its siblings inside a sub-table. */
  const readable = useMemo(() => {
    const all = Object.values(draft.fields).filter((f) => f.key !== field.key)
    const scope = field.parentKey ? all.filter((f) => f.parentKey === field.parentKey) : []
    const top = all.filter((f) => f.parentKey === null)
    return [...scope, ...top]
  }, [draft.fields, field.key, field.parentKey])

  useEffect(() => {
    let live = true
    const expression = debounced.trim()
    if (!expression) {
      setCheck({ state: 'idle' })
      return
    }
    try {
      parseFormula(expression)
    } catch (e) {
      if (e instanceof FormulaSyntaxError) setCheck({ state: 'error', message: t(e.code, { ...e.params, position: e.position + 1 }) })
      else setCheck({ state: 'error', message: errorMessage(e) })
      return
    }
    const pending = unsavedRefs(expression, draft, field)
    // New fields (and new sub-table columns) are not in the saved form yet: the server checks them on save.
    if (pending.length || (field.parentKey !== null && field.id === null)) {
      setCheck({ state: 'pending', refs: pending })
      return
    }
    api.formulas.check({ form: form.id, expression, fieldId: field.id ?? undefined }).then(
      (result) => {
        if (!live) return
        setCheck(result.ok ? { state: 'ok', type: result.type } : { state: 'error', message: result.error?.message ?? '' })
      },
      (error: unknown) => live && setCheck({ state: 'error', message: errorMessage(error) })
    )
    return () => {
      live = false
    }
    // The draft is read for unsaved references only; re-checking on every draft change is not needed.
    // oxlint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced, form.id, field.id, t])

  const insert = (text: string) => {
    const el = ref.current
    const start = el?.selectionStart ?? value.length
    const end = el?.selectionEnd ?? value.length
    const next = value.slice(0, start) + text + value.slice(end)
    onChange(next)
    requestAnimationFrame(() => {
      if (!el) return
      el.focus()
      const caret = start + text.length
      el.setSelectionRange(caret, caret)
    })
  }

  const locale = currentLocale() === 'en' ? 'en' : 'zh-CN'

  return (
    <Stack gap={6} data-testid={testId}>
      <Textarea
        ref={ref}
        label={label}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        autosize
        minRows={2}
        maxRows={8}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
        placeholder={t('designer.formula.placeholder')}
        spellCheck={false}
        error={check.state === 'error'}
      />
      <Group gap={6}>
        <Popover opened={fieldsOpen} onChange={setFieldsOpen} position="bottom-start" withinPortal shadow="md" width={240}>
          <Popover.Target>
            <Button variant="light" size="compact-xs" leftSection={<IconVariable size={14} />} onClick={() => setFieldsOpen((o) => !o)} data-testid={`${testId}-fields`}>
              {t('designer.formula.insertField')}
            </Button>
          </Popover.Target>
          <Popover.Dropdown p={4}>
            <ScrollArea.Autosize mah={280}>
              {readable.length === 0 && (
                <Text size="xs" c="dimmed" p="xs">
                  {t('designer.formula.noFields')}
                </Text>
              )}
              {readable.map((f) => {
                const Icon = TYPE_ICON[f.type]
                return (
                  <UnstyledButton
                    key={f.key}
                    w="100%"
                    px="xs"
                    py={6}
                    style={{ borderRadius: 4 }}
                    className="mantine-focus-auto"
                    onClick={() => {
                      insert(formatRef(f.label))
                      setFieldsOpen(false)
                    }}
                  >
                    <Group gap={6} wrap="nowrap">
                      <Icon size={14} />
                      <Text size="sm" truncate>
                        {f.label}
                      </Text>
                      <Text size="xs" c="dimmed" ml="auto">
                        {t(`designer.type.${f.type}`)}
                      </Text>
                    </Group>
                  </UnstyledButton>
                )
              })}
            </ScrollArea.Autosize>
          </Popover.Dropdown>
        </Popover>
        <Popover opened={functionsOpen} onChange={setFunctionsOpen} position="bottom-start" withinPortal shadow="md" width={340}>
          <Popover.Target>
            <Button variant="light" size="compact-xs" color="grape" leftSection={<IconMathFunction size={14} />} onClick={() => setFunctionsOpen((o) => !o)}>
              {t('designer.formula.functions')}
            </Button>
          </Popover.Target>
          <Popover.Dropdown p={0}>
            <FunctionCatalogue
              locale={locale}
              onPick={(name) => {
                insert(`${name}(`)
                setFunctionsOpen(false)
              }}
            />
          </Popover.Dropdown>
        </Popover>
      </Group>
      <CheckLine check={check} />
    </Stack>
  )
}

function CheckLine({ check }: { check: Check }) {
  const { t } = useTranslation()
  if (check.state === 'idle') return null
  if (check.state === 'ok') {
    return (
      <Group gap={4} c="teal" data-testid="formula-ok">
        <IconCircleCheck size={14} />
        <Text size="xs">{check.type ? t('designer.formula.okType', { type: t(`designer.resultType.${check.type}`, { defaultValue: check.type }) }) : t('designer.formula.ok')}</Text>
      </Group>
    )
  }
  if (check.state === 'pending') {
    return (
      <Group gap={4} c="dimmed" wrap="nowrap" align="flex-start">
        <IconInfoCircle size={14} style={{ flexShrink: 0, marginTop: 2 }} />
        <Text size="xs">{check.refs.length ? t('designer.formula.pending', { fields: check.refs.join(t('common.listSeparator')) }) : t('designer.formula.pendingNew')}</Text>
      </Group>
    )
  }
  return (
    <Group gap={4} c="red" wrap="nowrap" align="flex-start" data-testid="formula-error">
      <IconCircleX size={14} style={{ flexShrink: 0, marginTop: 2 }} />
      <Text size="xs">{check.message}</Text>
    </Group>
  )
}

function FunctionCatalogue({ locale, onPick }: { locale: 'zh-CN' | 'en'; onPick(name: string): void }) {
  const { t } = useTranslation()
  const [query, setQuery] = useState('')
  const q = query.trim().toUpperCase()
  const matches = (name: string, help: string) => !q || name.includes(q) || help.toUpperCase().includes(q)
  return (
    <Stack gap={0}>
      <Box p="xs">
        <TextInput size="xs" placeholder={t('designer.formula.searchFunctions')} value={query} onChange={(e) => setQuery(e.currentTarget.value)} />
      </Box>
      <ScrollArea.Autosize mah={360}>
        <Accordion multiple defaultValue={q ? CATEGORIES : ['logical']} variant="contained" radius={0} key={q ? 'search' : 'browse'}>
          {CATEGORIES.map((category) => {
            const list = FORMULA_FUNCTIONS.filter((f) => f.category === category && matches(f.name, f.help[locale]))
            if (list.length === 0) return null
            return (
              <Accordion.Item key={category} value={category}>
                <Accordion.Control py={4}>
                  <Group gap={6}>
                    <Text size="sm" fw={600}>
                      {t(`designer.formula.category.${category}`)}
                    </Text>
                    <Badge size="xs" variant="light" color="gray">
                      {list.length}
                    </Badge>
                  </Group>
                </Accordion.Control>
                <Accordion.Panel>
                  <Stack gap={2}>
                    {list.map((fn) => (
                      <UnstyledButton key={fn.name} onClick={() => onPick(fn.name)} px={6} py={4} style={{ borderRadius: 4 }} className="mantine-focus-auto">
                        <Text size="sm" fw={600} ff="monospace">
                          {fn.name}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {fn.help[locale]}
                        </Text>
                        <Code fz={11}>{fn.example}</Code>
                      </UnstyledButton>
                    ))}
                  </Stack>
                </Accordion.Panel>
              </Accordion.Item>
            )
          })}
        </Accordion>
      </ScrollArea.Autosize>
    </Stack>
  )
}
