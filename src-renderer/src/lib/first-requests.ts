import type { MethodInput, MethodName, MethodOutput } from '@shared/api/contracts'
import { firstCardsInput } from '../components/mobile/cards-query'
import { storedViewId } from '../components/views/view-list'

/** Sends one request of the first screen; resolves to its data, undefined when it failed. */
export type FirstAsk = <M extends MethodName>(method: M, input?: MethodInput<M>) => Promise<MethodOutput<M> | undefined>

/**
 * The requests the first screen makes, sent together as the page starts instead of one after
 * the other as each component mounts: who is signed in (system.status), the apps and forms of
 * the navigation, and for a form's list (`formId`) what the user may do there, who they are and
 * their views — on a phone also the first page of cards, as soon as the forms and views it
 * depends on are in (the same request RecordCards makes). The page's first script (src/early.ts,
 * by plain fetch, before React and Mantine are evaluated) and the app's start
 * (lib/first-screen.ts, through the api client, which takes the first script's answers) both ask
 * through this one list; an identical request is sent once.
 */
export function askFirstScreen(ask: FirstAsk, formId: number | null, phone: boolean): Promise<MethodOutput<'system.status'> | undefined> {
  const status = ask('system.status')
  const catalog = Promise.all([ask('apps.list'), ask('forms.list')])
  if (formId === null) return status
  void ask('forms.access', { form: formId })
  void ask('auth.me')
  const views = ask('views.list', { form: formId })
  if (phone) {
    void Promise.all([catalog, views]).then(([[, forms], list]) => {
      const form = forms?.find((f) => f.id === formId)
      if (form && list) void ask('records.list', firstCardsInput(form, list, storedViewId(formId)))
    })
  }
  return status
}
