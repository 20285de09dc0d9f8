import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { FormDto, ViewConfig, ViewDto } from '@shared/api/contracts'
import { useTranslation } from 'react-i18next'
import { api, takeArrived } from '../../api/client'
import { notifyError } from '../../lib/notify'
import { currentView, sortViews, storageKey, storedViewId, viewTabs } from './view-list'
import { builtinView, DEFAULT_CONFIG } from './config'

// The saved views of a form and the one being looked at. Changes to a personal view are saved
// as they happen; a shared view keeps them as a draft until 保存 (others see it too), and the
// built-in 全部记录 view (always there, first) keeps them until they are saved as a new view.

const AUTOSAVE_MS = 500

export type NewView = Pick<ViewDto, 'name' | 'type' | 'shared'> & { config?: ViewConfig }

export interface ViewsState {
  /** Saved views; null while loading. */
  views: ViewDto[] | null
  /** The tabs: 全部记录, then the saved views. */
  list: ViewDto[]
  /** The current view is known: the saved views arrived, or 全部记录 was the last one open (no need to wait). */
  ready: boolean
  current: ViewDto
  config: ViewConfig
  /** The shared or built-in view has changes not saved yet. */
  dirty: boolean
  saving: boolean
  failure: string | null
  select(id: number): void
  change(patch: Partial<ViewConfig>): void
  save(): Promise<void>
  discard(): void
  create(view: NewView): Promise<ViewDto | null>
  update(view: ViewDto, patch: { name?: string; shared?: boolean }): Promise<void>
  remove(view: ViewDto): Promise<void>
}

export function useViews(form: FormDto): ViewsState {
  const { t } = useTranslation()
  // The views sent for at start (lib/first-screen.ts), if they are in: the list is drawn in the first render.
  const [arrived] = useState(() => {
    const list = takeArrived('views.list', { form: form.id })
    return list ? { formId: form.id, views: sortViews(list) } : null
  })
  const [views, setViews] = useState<ViewDto[] | null>(arrived?.views ?? null)
  const [failure, setFailure] = useState<string | null>(null)
  // null: no choice yet (the first tab); 0: the built-in view, chosen.
  const [currentId, setCurrentId] = useState<number | null>(() => storedViewId(form.id))
  const [drafts, setDrafts] = useState<Record<number, ViewConfig>>({})
  const [saving, setSaving] = useState(false)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const pending = useRef<{ id: number; config: ViewConfig } | null>(null)

  useEffect(() => {
    if (arrived?.formId === form.id) return
    let live = true
    api.views.list({ form: form.id }).then(
      (list) => live && setViews(sortViews(list)),
      (error: unknown) => {
        if (!live) return
        setViews([])
        setFailure(error instanceof Error ? error.message : String(error))
      }
    )
    return () => {
      live = false
    }
  }, [form.id, arrived])

  const builtin = useMemo(() => builtinView(form.id, t('views.builtin')), [form.id, t])
  // 全部记录 first, unless the form ships an equivalent "all" view (see viewTabs).
  const list = useMemo(() => viewTabs(builtin, views ?? []), [builtin, views])
  // The built-in view stays reachable when it has no tab: a dashboard drill-down opens it with the
  // clicked point's filter as an unsaved change, never as a draft of a shared view someone could save.
  const current = useMemo(() => currentView(list, currentId, builtin), [list, currentId, builtin])
  const config = drafts[current.id] ?? current.config
  const autosave = current.id !== 0 && !current.shared
  const dirty = !autosave && drafts[current.id] !== undefined

  const flush = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current)
    timer.current = null
    const job = pending.current
    pending.current = null
    if (!job) return
    try {
      const saved = await api.views.update({ id: job.id, config: job.config })
      setViews((list) => list?.map((v) => (v.id === saved.id ? saved : v)) ?? list)
      setDrafts((d) => {
        if (d[job.id] !== job.config) return d
        const { [job.id]: _, ...rest } = d
        return rest
      })
    } catch (error) {
      notifyError(error, t('views.saveFailed'))
    }
  }, [t])

  // Leaving the page saves what is still waiting.
  useEffect(() => () => void flush(), [flush])

  const select = useCallback(
    (id: number) => {
      void flush()
      setCurrentId(id)
      localStorage.setItem(storageKey(form.id), String(id))
    },
    [flush, form.id]
  )

  const change = useCallback(
    (patch: Partial<ViewConfig>) => {
      const next = { ...config, ...patch }
      setDrafts((d) => ({ ...d, [current.id]: next }))
      if (!autosave) return
      pending.current = { id: current.id, config: next }
      if (timer.current) clearTimeout(timer.current)
      timer.current = setTimeout(() => void flush(), AUTOSAVE_MS)
    },
    [config, current.id, autosave, flush]
  )

  const create = useCallback(
    async (view: NewView) => {
      try {
        const saved = await api.views.create({ form: form.id, name: view.name, type: view.type, shared: view.shared, config: view.config ?? DEFAULT_CONFIG })
        setViews((list) => [...(list ?? []), saved])
        select(saved.id)
        return saved
      } catch (error) {
        notifyError(error, t('views.saveFailed'))
        return null
      }
    },
    [form.id, select, t]
  )

  const save = useCallback(async () => {
    const draft = drafts[current.id]
    if (!draft) return
    setSaving(true)
    try {
      const saved = await api.views.update({ id: current.id, config: draft })
      setViews((list) => list?.map((v) => (v.id === saved.id ? saved : v)) ?? list)
      setDrafts((d) => {
        const { [current.id]: _, ...rest } = d
        return rest
      })
    } catch (error) {
      notifyError(error, t('views.saveFailed'))
    } finally {
      setSaving(false)
    }
  }, [drafts, current.id, t])

  const discard = useCallback(() => {
    setDrafts((d) => {
      const { [current.id]: _, ...rest } = d
      return rest
    })
  }, [current.id])

  const update = useCallback(
    async (view: ViewDto, patch: { name?: string; shared?: boolean }) => {
      try {
        const saved = await api.views.update({ id: view.id, ...patch })
        setViews((list) => list?.map((v) => (v.id === saved.id ? saved : v)) ?? list)
      } catch (error) {
        notifyError(error, t('views.saveFailed'))
      }
    },
    [t]
  )

  const remove = useCallback(
    async (view: ViewDto) => {
      try {
        await api.views.delete({ id: view.id })
        setViews((list) => list?.filter((v) => v.id !== view.id) ?? list)
        setDrafts((d) => {
          const { [view.id]: _, ...rest } = d
          return rest
        })
      } catch (error) {
        notifyError(error)
      }
    },
    []
  )

  return { views, list, ready: views !== null, current, config, dirty, saving, failure, select, change, save, discard, create, update, remove }
}
