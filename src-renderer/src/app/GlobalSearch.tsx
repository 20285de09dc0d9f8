import { useEffect, useMemo, useState, type ReactNode } from 'react'
import { Center, Group, Highlight, Kbd, Loader, Stack, Text, UnstyledButton, useComputedColorScheme, useMantineColorScheme } from '@mantine/core'
import { useDebouncedValue, useHotkeys } from '@mantine/hooks'
import { Spotlight, spotlight } from '@mantine/spotlight'
import {
  IconDots,
  IconFileSearch,
  IconFileText,
  IconLanguage,
  IconLogout,
  IconMoon,
  IconPlus,
  IconSearch,
  IconShieldCheck,
  IconSitemap,
  IconSun,
  IconTable,
  IconUserCog
} from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FormDto, MethodOutput } from '@shared/api/contracts'
import { api } from '../api/client'
import { currentLocale, setLocale } from '../i18n'
import { notifyError } from '../lib/notify'
import { requestNewRecord } from '../lib/record-events'
import { navigate, useRoute, type Section } from '../lib/route'
import { guardedNavigate, whenSafe } from '../lib/unsaved'

type Group = MethodOutput<'search.global'>[number]
type Hit = Group['hits'][number]

/** Hits per form at first, and per "more". */
const FIRST = 5
const MORE = 10

/** The header's search box: opens the command palette (also Ctrl+K anywhere). */
export function GlobalSearch() {
  const { t } = useTranslation()
  return (
    <UnstyledButton
      data-testid="global-search"
      aria-label={t('palette.open')}
      onClick={() => spotlight.open()}
      w="100%"
      maw={460}
      h={36}
      px="md"
      style={{ border: '1px solid var(--jimu-border)', borderRadius: 999, background: 'var(--mantine-color-body)' }}
    >
      <Group gap="xs" wrap="nowrap" justify="space-between">
        <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
          <IconSearch size={16} color="var(--mantine-color-dimmed)" />
          <Text size="sm" c="dimmed" truncate>
            {t('search.global.placeholder')}
          </Text>
        </Group>
        <Group gap={2} wrap="nowrap" visibleFrom="sm">
          <Kbd size="xs">Ctrl</Kbd>
          <Kbd size="xs">K</Kbd>
        </Group>
      </Group>
    </UnstyledButton>
  )
}

interface Command {
  id: string
  label: string
  description?: string
  icon: ReactNode
  /** Extra words the command is found by (both languages, so either works). */
  keywords: string
  run(): void
}

const PAGES: { section: Section; icon: typeof IconSitemap; admin: boolean }[] = [
  { section: 'organization', icon: IconSitemap, admin: true },
  { section: 'roles', icon: IconShieldCheck, admin: true },
  { section: 'audit', icon: IconFileSearch, admin: true },
  { section: 'settings', icon: IconUserCog, admin: false }
]

/** Opens the form, then a new record in it (the form page mounts on the next render). */
function newRecord(formId: number): void {
  whenSafe(() => {
    navigate({ formId, recordId: null })
    setTimeout(() => requestNewRecord({ formId }), 0)
  })
}

const matches = (query: string, ...texts: string[]) => {
  const q = query.trim().toLowerCase()
  return !q || texts.some((text) => text.toLowerCase().includes(q))
}

/**
 * Ctrl+K: records across every form, grouped by form, and commands (open a form, 新建记录,
 * go to a page, switch language or colour scheme, sign out). Also owns Ctrl+N (new record in
 * the form on screen).
 */
export function CommandPalette({ forms, isAdmin, onLogout }: { forms: FormDto[]; isAdmin: boolean; onLogout(): void }) {
  const { t } = useTranslation()
  const [route] = useRoute()
  const [query, setQuery] = useState('')
  const [debounced] = useDebouncedValue(query.trim(), 200)
  const [groups, setGroups] = useState<Group[] | null>(null)
  const [loadingMore, setLoadingMore] = useState<number | null>(null)
  const [loading, setLoading] = useState(false)
  const { setColorScheme } = useMantineColorScheme()
  const scheme = useComputedColorScheme('light')

  useEffect(() => {
    if (!debounced) {
      setGroups(null)
      return
    }
    let live = true
    setLoading(true)
    api.search
      .global({ q: debounced, limit: FIRST })
      .then(
        (found) => live && setGroups(found),
        (error: unknown) => live && notifyError(error)
      )
      .finally(() => live && setLoading(false))
    return () => {
      live = false
    }
  }, [debounced])

  useHotkeys([
    [
      'mod+N',
      () => {
        if (route.formId !== null && !route.section) requestNewRecord({ formId: route.formId })
      }
    ]
  ], [])

  const currentForm = forms.find((f) => f.id === route.formId && !route.section) ?? null

  const commands = useMemo((): Command[] => {
    const list: Command[] = []
    if (currentForm) {
      list.push({ id: `new-current`, label: t('palette.newRecord', { form: currentForm.label }), icon: <IconPlus size={18} />, keywords: 'new create 新建 记录 ctrl+n', run: () => newRecord(currentForm.id) })
    }
    for (const page of PAGES) {
      if (page.admin && !isAdmin) continue
      const Icon = page.icon
      list.push({ id: `page-${page.section}`, label: t('palette.goTo', { page: t(`nav.${page.section}`) }), icon: <Icon size={18} />, keywords: `${page.section} go`, run: () => guardedNavigate({ formId: null, recordId: null, section: page.section }) })
    }
    list.push({
      id: 'language',
      label: t('palette.switchLanguage'),
      icon: <IconLanguage size={18} />,
      keywords: 'language english 中文 语言 切换',
      run: () => void setLocale(currentLocale() === 'en' ? 'zh-CN' : 'en')
    })
    list.push({
      id: 'scheme',
      label: scheme === 'dark' ? t('palette.toggleLight') : t('palette.toggleDark'),
      icon: scheme === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />,
      keywords: 'dark light theme 深色 浅色 夜间 主题 外观',
      run: () => setColorScheme(scheme === 'dark' ? 'light' : 'dark')
    })
    list.push({ id: 'logout', label: t('palette.signOut'), icon: <IconLogout size={18} />, keywords: 'logout sign out 退出 登出', run: () => whenSafe(onLogout) })
    return list
  }, [currentForm, isAdmin, scheme, t, onLogout, setColorScheme])

  const q = query.trim()
  const shownCommands = commands.filter((c) => matches(q, c.label, c.keywords))
  const shownForms = q ? forms.filter((f) => matches(q, f.label, f.apiKey)) : forms.filter((f) => f.id !== currentForm?.id).slice(0, 6)
  const newInForms = q ? forms.filter((f) => f.id !== currentForm?.id && matches(q, f.label, f.apiKey)) : []

  /** A group's "more": the next hits of that form, appended in place. */
  const loadMore = (group: Group) => {
    setLoadingMore(group.formId)
    api.search
      .global({ q: debounced, form: group.formId, offset: group.hits.length, limit: MORE })
      .then(
        ([next]) =>
          setGroups((current) =>
            (current ?? []).map((g) => (g.formId === group.formId ? { ...g, hits: [...g.hits, ...(next?.hits ?? [])], more: next?.more ?? false } : g))
          ),
        (error: unknown) => notifyError(error)
      )
      .finally(() => setLoadingMore(null))
  }
  const shownGroups = groups ?? []

  const searching = Boolean(q) && (q !== debounced || loading)
  const nothing = !searching && shownGroups.length === 0 && shownCommands.length === 0 && shownForms.length === 0

  return (
    <Spotlight.Root
      query={query}
      onQueryChange={setQuery}
      shortcut={['mod + K']}
      tagsToIgnore={[]}
      scrollable
      maxHeight={460}
      size={640}
      radius="md"
      data-testid="command-palette"
    >
      <Spotlight.Search
        placeholder={t('palette.placeholder')}
        aria-label={t('palette.placeholder')}
        leftSection={<IconSearch size={18} stroke={1.6} />}
        rightSection={searching ? <Loader size={14} /> : null}
        onKeyDown={(event) => {
          // Enter before choosing with the arrows opens the first result, as users expect.
          if (event.key !== 'Enter' || event.nativeEvent.isComposing) return
          const content = event.currentTarget.closest('.mantine-Spotlight-content')
          if (content && !content.querySelector('[data-selected]')) content.querySelector<HTMLElement>('.mantine-Spotlight-action')?.click()
        }}
      />
      <Spotlight.ActionsList>
        {shownGroups.map((group) => (
          <Spotlight.ActionsGroup
            key={group.formId}
            label={t('palette.records', { form: group.formLabel })}
            role="group"
            aria-label={t('palette.records', { form: group.formLabel })}
            data-testid="palette-group"
          >
            {group.hits.map((hit) => (
              <Spotlight.Action
                key={`${group.formId}-${hit.recordId}`}
                onClick={() => guardedNavigate({ formId: group.formId, recordId: hit.recordId })}
                data-testid="palette-record"
              >
                <HitRow hit={hit} query={debounced} />
              </Spotlight.Action>
            ))}
            {group.more && (
              <Spotlight.Action
                closeSpotlightOnTrigger={false}
                onClick={() => loadMore(group)}
                leftSection={loadingMore === group.formId ? <Loader size={14} /> : <IconDots size={18} stroke={1.6} />}
                label={t('search.more', { form: group.formLabel })}
                data-testid="palette-more"
              />
            )}
          </Spotlight.ActionsGroup>
        ))}
        {shownForms.length > 0 && (
          <Spotlight.ActionsGroup label={t('palette.forms')} role="group" aria-label={t('palette.forms')}>
            {shownForms.map((f) => (
              <Spotlight.Action
                key={`form-${f.id}`}
                onClick={() => guardedNavigate({ formId: f.id, recordId: null })}
                leftSection={<IconTable size={18} stroke={1.6} />}
                label={t('palette.goToForm', { form: f.label })}
              />
            ))}
          </Spotlight.ActionsGroup>
        )}
        {(shownCommands.length > 0 || newInForms.length > 0) && (
          <Spotlight.ActionsGroup label={t('palette.commands')} role="group" aria-label={t('palette.commands')}>
            {shownCommands.map((c) => (
              <Spotlight.Action key={c.id} onClick={c.run} leftSection={c.icon} label={c.label} data-testid={`palette-command-${c.id}`} />
            ))}
            {newInForms.map((f) => (
              <Spotlight.Action key={`new-${f.id}`} onClick={() => newRecord(f.id)} leftSection={<IconPlus size={18} />} label={t('palette.newRecord', { form: f.label })} />
            ))}
          </Spotlight.ActionsGroup>
        )}
        {searching && shownGroups.length === 0 && (
          <Center py="md">
            <Text size="sm" c="dimmed">
              {t('palette.searching')}
            </Text>
          </Center>
        )}
        {nothing && <Spotlight.Empty>{t('palette.nothing')}</Spotlight.Empty>}
      </Spotlight.ActionsList>
      <Spotlight.Footer>
        <Text size="xs" c="dimmed">
          {t('palette.footer')}
        </Text>
      </Spotlight.Footer>
    </Spotlight.Root>
  )
}

/** A found record: its title, and the text that matched in another field, the match highlighted. */
function HitRow({ hit, query }: { hit: Hit; query: string }) {
  const { t } = useTranslation()
  return (
    <Group wrap="nowrap" gap="sm" style={{ minWidth: 0, flex: 1 }}>
      <IconFileText size={18} stroke={1.6} color="var(--mantine-color-dimmed)" style={{ flex: 'none' }} />
      <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
        <Highlight highlight={query} size="sm" truncate>
          {hit.title}
        </Highlight>
        {hit.match && (
          <Text size="xs" c="dimmed" truncate data-testid="palette-snippet">
            {t('search.matchIn', { field: hit.match.label })}
            <Marked text={hit.match.text} start={hit.match.start} length={hit.match.length} />
          </Text>
        )}
      </Stack>
    </Group>
  )
}

function Marked({ text, start, length }: { text: string; start: number; length: number }) {
  return (
    <>
      {text.slice(0, start)}
      <mark style={{ background: 'var(--mantine-color-yellow-light)', color: 'inherit', padding: 0 }}>{text.slice(start, start + length)}</mark>
      {text.slice(start + length)}
    </>
  )
}
