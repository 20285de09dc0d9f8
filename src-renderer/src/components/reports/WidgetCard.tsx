import { useEffect, useRef, useState } from 'react'
import { ActionIcon, Box, Card, Center, Group, Loader, Menu, Stack, Text } from '@mantine/core'
import { IconAlertTriangle, IconChartBar, IconDots, IconFileSpreadsheet, IconGripVertical, IconPencil, IconPhoto, IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { toPng } from 'html-to-image'
import type { DashboardFilters, WidgetDto, WidgetResult } from '@shared/api/reports'
import { api, errorMessage } from '../../api/client'
import { notifyError } from '../../lib/notify'
import { CHART_RENDERERS } from './charts/registry'
import type { PointKey } from './charts/types'
import { downloadBase64, downloadUrl } from '../../lib/download'

// One widget on a dashboard: runs its query (the engine aggregates, within the viewer's data),
// draws it with its chart type's renderer, and offers drill-down, Excel and PNG export.

interface Props {
  widget: WidgetDto
  filters: DashboardFilters
  refreshTick: number
  editing: boolean
  canEdit: boolean
  selected: PointKey[] | null
  /** A point was clicked: its keys and labels (e.g. 赢单, 2024年3月). */
  onPoint(widget: WidgetDto, keys: PointKey[], label: string): void
  onRecord(formId: number, id: number): void
  onEdit(): void
  onRemove(): void
}

function labelFor(result: WidgetResult, keys: PointKey[]): string {
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)
  const row = result.rows.find((r) => !r.rollup?.some(Boolean) && keys.every((k, i) => same(r.keys[i], k)))
  return row ? row.labels.slice(0, keys.length).join(' / ') : ''
}

export function WidgetCard({ widget, filters, refreshTick, editing, canEdit, selected, onPoint, onRecord, onEdit, onRemove }: Props) {
  const { t, i18n } = useTranslation()
  const [result, setResult] = useState<WidgetResult | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const body = useRef<HTMLDivElement>(null)
  const queryKey = JSON.stringify([widget.type, widget.query, filters])

  useEffect(() => {
    let live = true
    setLoading(true)
    api.reports.run({ type: widget.type, query: widget.query, filters }).then(
      (r) => {
        if (!live) return
        setResult(r)
        setFailure(null)
        setLoading(false)
      },
      (error: unknown) => {
        if (!live) return
        setFailure(errorMessage(error))
        setLoading(false)
      }
    )
    return () => {
      live = false
    }
    // queryKey stands for the widget's query and the filters; the engine labels buckets, totals
    // and empties in the caller's language, so a language switch runs it again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queryKey, refreshTick, i18n.language])

  const exportExcel = async () => {
    try {
      const file = await api.reports.export({ type: widget.type, query: widget.query, filters, title: widget.title })
      downloadBase64(file.fileName, file.base64, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    } catch (error) {
      notifyError(error)
    }
  }
  const exportPng = async () => {
    if (!body.current) return
    try {
      const background = getComputedStyle(document.body).backgroundColor
      downloadUrl(`${widget.title}.png`, await toPng(body.current, { backgroundColor: background, pixelRatio: 2 }))
    } catch (error) {
      notifyError(error)
    }
  }

  const Chart = CHART_RENDERERS[widget.type]
  const empty = result && result.rows.length === 0 && widget.type !== 'kpi' && widget.type !== 'gauge'
  return (
    <Card withBorder radius="md" padding={0} h="100%" data-testid={`widget-${widget.key}`} data-loaded={!loading && (result !== null || failure !== null) ? 'true' : 'false'} style={{ display: 'flex', flexDirection: 'column', overflow: 'hidden' }}>
      <Group justify="space-between" wrap="nowrap" px="md" pt="sm" pb={4} gap="xs" className={editing ? 'widget-drag' : undefined} style={{ cursor: editing ? 'move' : undefined }}>
        <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
          {editing && <IconGripVertical size={14} color="var(--mantine-color-dimmed)" style={{ flexShrink: 0 }} />}
          <Text fw={600} size="sm" truncate>
            {widget.title}
          </Text>
          {loading && result && <Loader size={12} />}
        </Group>
        <Menu position="bottom-end" withinPortal shadow="md">
          <Menu.Target>
            <ActionIcon variant="subtle" color="gray" size="sm" aria-label={t('reports.widget.menu')} className="widget-no-drag" data-testid={`widget-menu-${widget.key}`}>
              <IconDots size={16} />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            {canEdit && (
              <Menu.Item leftSection={<IconPencil size={14} />} onClick={onEdit}>
                {t('reports.widget.edit')}
              </Menu.Item>
            )}
            <Menu.Item leftSection={<IconFileSpreadsheet size={14} />} onClick={() => void exportExcel()}>
              {t('reports.widget.exportExcel')}
            </Menu.Item>
            <Menu.Item leftSection={<IconPhoto size={14} />} onClick={() => void exportPng()} disabled={!result}>
              {t('reports.widget.exportPng')}
            </Menu.Item>
            {canEdit && (
              <>
                <Menu.Divider />
                <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={onRemove}>
                  {t('reports.widget.remove')}
                </Menu.Item>
              </>
            )}
          </Menu.Dropdown>
        </Menu>
      </Group>
      <Box ref={body} px="xs" pb="xs" style={{ flex: 1, minHeight: 0 }} className="widget-no-drag">
        {failure ? (
          <Center h="100%">
            <Stack align="center" gap={4}>
              <IconAlertTriangle size={22} color="var(--mantine-color-orange-6)" />
              <Text size="xs" c="dimmed" ta="center" maw={260}>
                {failure}
              </Text>
            </Stack>
          </Center>
        ) : !result ? (
          <Center h="100%">
            <Loader size="sm" type="dots" />
          </Center>
        ) : empty ? (
          <Center h="100%">
            <Stack align="center" gap={4}>
              <IconChartBar size={22} color="var(--mantine-color-gray-5)" />
              <Text size="xs" c="dimmed">
                {t('reports.widget.noData')}
              </Text>
            </Stack>
          </Center>
        ) : (
          <Chart widget={widget} result={result} selected={selected} onPoint={(keys) => onPoint(widget, keys, labelFor(result, keys))} onRecord={(id) => onRecord(result.formId, id)} />
        )}
      </Box>
    </Card>
  )
}

