import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { FormDto, ViewConfig, ViewDto } from '@shared/api/contracts'
import { useTranslation } from 'react-i18next'
import { api } from '../../api/client'
import { notifyError } from '../../lib/notify'
import { viewTabs } from './view-list'
import { builtinView, DEFAULT_CONFIG } from './config'

// The saved views of a form and the one being looked at. Changes to a personal view are saved
// as they happen; a shared view keeps them as a draft until 保存 (others see it too), and the
// built-in 全部记录 view (always there, first) keeps them until they are saved as a new view.

const AUTOSAVE_MS = 500
const storageKey = (formId: number) => `jimu.view.${formId}`

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
  const [views, setViews] = useState<ViewDto[] | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  // null: no choice yet (the first tab); 0: the built-in view, chosen.
  const [currentId, setCurrentId] = useState<number | null>(() => Number(localStorage.getItem(storageKey(form.id)) ?? 0) || null)
  const [drafts, setDrafts] = useState<Record<number, ViewConfig>>({})
  const [saving, setSaving] = useState(false)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const pending = useRef<{ id: number; config: ViewConfig } | null>(null)

  useEffect(() => {
    let live = true
    api.views.list({ form: form.id }).then(
      (list) => live && setViews([...list].sort((a, b) => a.position - b.position || a.id - b.id)),
      (error: unknown) => {
        if (!live) return
        setViews([])
        setFailure(error instanceof Error ? error.message : String(error))
      }
    )
    return () => {
      live = false
    }
  }, [form.id])

  const builtin = useMemo(() => builtinView(form.id, t('views.builtin')), [form.id, t])
  // 全部记录 first, unless the form ships an equivalent "all" view (see viewTabs).
  const list = useMemo(() => viewTabs(builtin, views ?? []), [builtin, views])
  // The built-in view stays reachable when it has no tab: a dashboard drill-down opens it with the
  // clicked point's filter as an unsaved change, never as a draft of a shared view someone could save.
  const current = useMemo(() => list.find((v) => v.id === currentId) ?? (currentId === 0 ? builtin : list[0]) ?? builtin, [list, currentId, builtin])
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
