import { useMemo, useState } from 'react'
import { ActionIcon, Badge, Box, Button, Card, Collapse, Grid, Group, Menu, NumberInput, Paper, Select, Stack, Switch, Tabs, Text, Textarea, TextInput, ThemeIcon, Tooltip } from '@mantine/core'
import { IconArrowLeft, IconBolt, IconChevronDown, IconFilter, IconMathFunction, IconPlayerPlay, IconPlus, IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FormDto } from '@shared/api/contracts'
import { ACTION_TYPES, type RuleAction, type RuleDto } from '@shared/api/rules'
import { api } from '../../api/client'
import { notifyError, notifySuccess } from '../../lib/notify'
import { FilterPanel } from '../records/FilterPanel'
import { ActionEditor, type Org } from './ActionEditor'
import { DryRunPanel } from './DryRunPanel'
import { RunLog } from './RunLog'
import { TriggerEditor } from './TriggerEditor'
import { KeptConditions } from '../designer/KeptConditions'
import { conditionFields, defaultAction, defaultTrigger, EMPTY_FILTER_MODEL, fromDraft, newDraft, toDraft, type Draft } from './model'

interface Props {
  rule: RuleDto | null
  forms: FormDto[]
  org: Org
  onClose(): void
  onSaved(rule: RuleDto): void
}

/**
 * The rule editor: three cards that read as one Chinese sentence — 当 (trigger) / 如果 (filter and
 * optional formula) / 那么 (actions) — with the dry run and the run log beside them.
 */
export function RuleEditor({ rule, forms, org, onClose, onSaved }: Props) {
  const { t } = useTranslation()
  const [draft, setDraft] = useState<Draft>(() => {
    const ruleForm = rule ? forms.find((f) => f.id === rule.formId) : undefined
    return rule ? toDraft(rule, ruleForm, conditionFields(ruleForm, t)) : newDraft(forms[0]!, t)
  })
  const [saved, setSaved] = useState<RuleDto | null>(rule)
  const form = forms.find((f) => f.id === draft.form)
  const filterFields = useMemo(() => conditionFields(form, t), [form, t])
  const [showFormula, setShowFormula] = useState(!!draft.formula)
  const [busy, setBusy] = useState(false)

  const payload = () => fromDraft(draft)

  const save = async (enabled = draft.enabled) => {
    setBusy(true)
    try {
      const input = { ...payload(), enabled }
      const result = saved ? await api.rules.update({ id: saved.id, ...input }) : await api.rules.create(input)
      setSaved(result)
      setDraft((d) => ({ ...d, enabled: result.enabled }))
      notifySuccess(enabled && !draft.enabled ? t('rules.editor.enabled') : t('rules.editor.saved'))
      onSaved(result)
    } catch (e) {
      notifyError(e)
    } finally {
      setBusy(false)
    }
  }

  const setAction = (i: number, next: RuleAction) => setDraft((d) => ({ ...d, actions: d.actions.map((a, j) => (j === i ? next : a)) }))

  return (
    <Stack gap="md" data-testid="rule-editor">
      {/* The name, 启用 and 保存 stay in view below the top bar while the rule scrolls. */}
      <Group
        justify="space-between"
        wrap="nowrap"
        py={6}
        style={{ position: 'sticky', top: 'var(--app-shell-header-height, 60px)', zIndex: 5, background: 'var(--mantine-color-body)' }}
        data-testid="rule-editor-bar"
      >
        <Group gap="sm" wrap="nowrap" style={{ flex: 1 }}>
          <ActionIcon variant="subtle" color="gray" size="lg" onClick={onClose} aria-label={t('rules.editor.back')}>
            <IconArrowLeft size={20} />
          </ActionIcon>
          <TextInput
            data-testid="rule-name"
            placeholder={t('rules.editor.namePlaceholder')}
            aria-label={t('rules.editor.name')}
            size="md"
            variant="unstyled"
            fw={600}
            style={{ flex: 1, maxWidth: 520 }}
            styles={{ input: { fontSize: 20, fontWeight: 600 } }}
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
          />
          {saved && (
            <Badge variant="light" color={draft.enabled ? 'green' : 'gray'}>
              {draft.enabled ? t('rules.status.on') : t('rules.status.off')}
            </Badge>
          )}
        </Group>
        <Group gap="sm" wrap="nowrap">
          <Switch
            data-testid="rule-enabled"
            label={t('rules.editor.enable')}
            checked={draft.enabled}
            disabled={busy}
            onChange={(e) => {
              const enabled = e.currentTarget.checked
              setDraft((d) => ({ ...d, enabled }))
              if (saved) void save(enabled)
            }}
          />
          <Button data-testid="rule-save" loading={busy} onClick={() => void save()}>
            {t('common.save')}
          </Button>
        </Group>
      </Group>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <SentenceCard word={t('rules.sentence.when')} color="blue" icon={<IconBolt size={16} />}>
              <Group gap="xs" wrap="wrap">
                <Select
                  aria-label={t('rules.editor.form')}
                  data-testid="rule-form"
                  w={150}
                  allowDeselect={false}
                  searchable
                  data={forms.map((f) => ({ value: String(f.id), label: f.label }))}
                  value={String(draft.form)}
                  onChange={(id) => {
                    if (!id) return
                    const next = forms.find((f) => f.id === Number(id))
                    setDraft({ ...draft, filter: EMPTY_FILTER_MODEL, form: Number(id), trigger: defaultTrigger(draft.trigger.type, next), actions: draft.actions.map((a) => (a.type === 'notify' || a.type === 'desktop' || a.type === 'email' || a.type === 'webhook' ? a : defaultAction(a.type, next, t))) })
                  }}
                />
                <Text span fw={500} c="dimmed">
                  {t('rules.sentence.record')}
                </Text>
                <TriggerEditor form={form} forms={forms} users={org.users} value={draft.trigger} onChange={(trigger) => setDraft({ ...draft, trigger })} />
              </Group>
            </SentenceCard>

            <SentenceCard word={t('rules.sentence.if')} color="orange" icon={<IconFilter size={16} />}>
              <Stack gap="xs">
                <FilterPanel fields={filterFields} value={draft.filter.state} onChange={(state) => setDraft((d) => ({ ...d, filter: { ...d.filter, state } }))} allowGroups />
                <KeptConditions kept={draft.filter.kept} fields={filterFields} onRemove={(key) => setDraft((d) => ({ ...d, filter: { ...d.filter, kept: d.filter.kept.filter((k) => k.key !== key) } }))} />
                <Button
                  size="compact-sm"
                  variant="subtle"
                  color="violet"
                  w="fit-content"
                  leftSection={<IconMathFunction size={14} />}
                  rightSection={<IconChevronDown size={14} style={{ transform: showFormula ? 'rotate(180deg)' : undefined }} />}
                  onClick={() => setShowFormula((s) => !s)}
                >
                  {t('rules.editor.formulaCondition')}
                </Button>
                <Collapse expanded={showFormula}>
                  <Textarea
                    ff="monospace"
                    autosize
                    minRows={1}
                    placeholder={t('rules.editor.formulaPlaceholder')}
                    description={t('rules.editor.formulaHint')}
                    value={draft.formula ?? ''}
                    onChange={(e) => setDraft({ ...draft, formula: e.currentTarget.value })}
                  />
                </Collapse>
              </Stack>
            </SentenceCard>

            <SentenceCard word={t('rules.sentence.then')} color="green" icon={<IconPlayerPlay size={16} />}>
              <Stack gap="sm">
                {draft.actions.map((action, i) => (
                  <Paper key={i} withBorder p="sm" radius="md" data-testid={`action-${i}`}>
                    <Group justify="space-between" mb="xs" wrap="nowrap">
                      <Group gap="xs">
                        <Badge variant="light" color="green" radius="sm">
                          {i + 1}
                        </Badge>
                        <Select
                          aria-label={t('rules.editor.actionType')}
                          data-testid={`action-type-${i}`}
                          w={190}
                          allowDeselect={false}
                          data={ACTION_TYPES.map((type) => ({ value: type, label: t(`rules.action.${type}`) }))}
                          value={action.type}
                          onChange={(type) => type && setAction(i, defaultAction(type as RuleAction['type'], form, t))}
                        />
                      </Group>
                      <Tooltip label={t('rules.editor.removeAction')}>
                        <ActionIcon variant="subtle" color="gray" disabled={draft.actions.length === 1} onClick={() => setDraft({ ...draft, actions: draft.actions.filter((_, j) => j !== i) })} aria-label={t('rules.editor.removeAction')}>
                          <IconTrash size={16} />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                    <ActionEditor action={action} form={form} forms={forms} org={org} onChange={(next) => setAction(i, next)} />
                  </Paper>
                ))}
                <Menu position="bottom-start" withinPortal>
                  <Menu.Target>
                    <Button variant="light" color="green" w="fit-content" leftSection={<IconPlus size={16} />} data-testid="add-action" disabled={draft.actions.length >= 20}>
                      {t('rules.editor.addAction')}
                    </Button>
                  </Menu.Target>
                  <Menu.Dropdown>
                    {ACTION_TYPES.map((type) => (
                      <Menu.Item key={type} onClick={() => setDraft({ ...draft, actions: [...draft.actions, defaultAction(type, form, t)] })}>
                        {t(`rules.action.${type}`)}
                      </Menu.Item>
                    ))}
                  </Menu.Dropdown>
                </Menu>
              </Stack>
            </SentenceCard>

            <Card withBorder radius="md" p="md">
              <Group gap="md" align="flex-end">
                <NumberInput
                  label={t('rules.editor.rateLimit')}
                  description={t('rules.editor.rateLimitHint')}
                  w={220}
                  min={1}
                  placeholder={t('rules.editor.noLimit')}
                  value={draft.rateLimit ?? ''}
                  onChange={(n) => setDraft({ ...draft, rateLimit: n === '' ? null : Number(n) })}
                />
                <TextInput style={{ flex: 1 }} label={t('rules.editor.description')} value={draft.description ?? ''} onChange={(e) => setDraft({ ...draft, description: e.currentTarget.value || null })} />
              </Group>
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Card withBorder radius="md" p={0} style={{ position: 'sticky', top: 76 }}>
            <Tabs defaultValue="dry">
              <Tabs.List px="sm">
                <Tabs.Tab value="dry" data-testid="tab-dry-run">
                  {t('rules.dry.tab')}
                </Tabs.Tab>
                <Tabs.Tab value="log" disabled={!saved} data-testid="tab-run-log">
                  {t('rules.log.tab')}
                </Tabs.Tab>
              </Tabs.List>
              <Box p="md">
                <Tabs.Panel value="dry">
                  <DryRunPanel build={payload} forms={forms} />
                </Tabs.Panel>
                <Tabs.Panel value="log">{saved && <RunLog ruleId={saved.id} />}</Tabs.Panel>
              </Box>
            </Tabs>
          </Card>
        </Grid.Col>
      </Grid>
    </Stack>
  )
}

function SentenceCard({ word, color, icon, children }: { word: string; color: string; icon: React.ReactNode; children: React.ReactNode }) {
  return (
    <Card withBorder radius="md" p="md" style={{ borderLeft: `4px solid var(--mantine-color-${color}-5)` }}>
      <Group gap="sm" align="flex-start" wrap="nowrap">
        <Group gap={6} wrap="nowrap" mt={6} w={64} style={{ flexShrink: 0 }}>
          <ThemeIcon size="sm" radius="xl" variant="light" color={color}>
            {icon}
          </ThemeIcon>
          <Text fw={700} size="lg" c={`${color}.7`}>
            {word}
          </Text>
        </Group>
        <Box style={{ flex: 1, minWidth: 0 }}>{children}</Box>
      </Group>
    </Card>
  )
}
