import { Component, type ErrorInfo, type ReactNode } from 'react'
import { Button, Center, Stack, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'

// A page that cannot be drawn says so in its place, with 重新加载, instead of leaving the window
// blank: most often its code did not arrive (a phone on the office Wi-Fi, the host restarted
// with a new version), else a fault while drawing it. The navigation around it keeps working; going
// to another page clears the message. What the user is told names no internals.

/** The browser could not fetch a piece of the app's code (a page's chunk, or its styles). */
export function codeNotLoaded(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error)
  return /dynamically imported module|Importing a module script failed|Unable to preload CSS|Failed to fetch/i.test(message)
}

function PageFailed({ error, h }: { error: unknown; h?: string }) {
  const { t } = useTranslation()
  return (
    <Center h={h ?? '60vh'} p="md">
      <Stack align="center" gap="sm" maw={420} data-testid="page-failed">
        <Text fw={600} ta="center">
          {codeNotLoaded(error) ? t('app.pageNotLoaded') : t('app.pageFailed')}
        </Text>
        <Button variant="light" onClick={() => window.location.reload()} data-testid="page-reload">
          {t('app.reload')}
        </Button>
      </Stack>
    </Center>
  )
}

interface Failure {
  failed: boolean
  error: unknown
}

export class PageErrorBoundary extends Component<{ children: ReactNode; h?: string }, Failure> {
  override state: Failure = { failed: false, error: null }

  static getDerivedStateFromError(error: unknown): Failure {
    return { failed: true, error }
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('A page could not be drawn', error, info.componentStack)
  }

  override componentDidMount(): void {
    window.addEventListener('hashchange', this.clear)
  }

  override componentWillUnmount(): void {
    window.removeEventListener('hashchange', this.clear)
  }

  /** Another page was opened: draw it. */
  private readonly clear = (): void => {
    if (this.state.failed) this.setState({ failed: false, error: null })
  }

  override render(): ReactNode {
    return this.state.failed ? <PageFailed error={this.state.error} h={this.props.h} /> : this.props.children
  }
}
