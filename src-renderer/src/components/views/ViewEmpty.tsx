import type { ReactNode } from 'react'
import { Box, EmptyState, Paper } from '@mantine/core'

/** A view with nothing to show yet, saying what to do next. */
export function ViewEmpty({ icon, title, body, action, color }: { icon: ReactNode; title: string; body?: ReactNode; action?: ReactNode; color?: string }) {
  return (
    <Paper withBorder radius="md" py={56} data-testid="view-empty">
      <EmptyState icon={icon} variant="light" color={color} title={title} description={body ? <Box maw={460}>{body}</Box> : undefined}>
        {action && <EmptyState.Actions>{action}</EmptyState.Actions>}
      </EmptyState>
    </Paper>
  )
}
