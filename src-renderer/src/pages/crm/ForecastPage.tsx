import { useEffect, useState } from 'react'
import { Alert, Card, EmptyState, Group, SegmentedControl, Select, Stack, Table, Text, Title, Tooltip, UnstyledButton } from '@mantine/core'
import { IconChartArrowsVertical, IconInfoCircle } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { formatAmount, formatPercent } from '@shared/values/format'
import { FORECAST_COLUMNS, forecastDrillQuery, forecastFilters, type ForecastResult, type ForecastRow } from '@shared/api/forecast'
import { api, errorMessage } from '../../api/client'
import { LoadState } from '../../components/LoadState'
import { notifyError } from '../../lib/notify'
import { navigate } from '../../lib/route'

// 销售预测: the opportunities the viewer sees, by expected close month or quarter of a year, per
// rep or team — pipeline, weighted, commit, best case, won and the target for the period. Every
// amount opens the opportunity list behind it (the report engine's drill-down of the same query).

type Bucket = 'month' | 'quarter'
type By = 'owner' | 'department'
type Column = (typeof FORECAST_COLUMNS)[number]

export function ForecastPage() {
  const { t } = useTranslation()
  const [thisYear] = useState(() => new Date().getFullYear())
  const [year, setYear] = useState(thisYear)
  const [bucket, setBucket] = useState<Bucket>('month')
  const [by, setBy] = useState<By>('owner')
  const [state, setState] = useState<{ data: ForecastResult | null; failure: string | null; key: string }>({ data: null, failure: null, key: '' })
  const key = `${year}:${bucket}:${by}`

  useEffect(() => {
    let live = true
    api.forecast
      .run({ year, bucket, by })
      .then((data) => live && setState({ data, failure: null, key }))
      .catch((error: unknown) => live && setState({ data: null, failure: errorMessage(error), key }))
    return () => {
      live = false
    }
  }, [year, bucket, by, key])

  const drill = async (column: Column, row: ForecastRow, total: boolean) => {
    if (!state.data) return
    const query = forecastDrillQuery({ year, bucket, by }, state.data.shown, column)
    if (!query) return
    try {
      const result = await api.reports.drill({ type: 'column', query, filters: forecastFilters(year), keys: total ? [row.period] : [row.period, row.key] })
      navigate({ formId: result.formId, recordId: null, drill: JSON.stringify(result.filter) })
    } catch (error) {
      notifyError(error)
    }
  }

  const data = state.key === key ? state.data : null
  const failure = state.key === key ? state.failure : null
  const years = [thisYear - 2, thisYear - 1, thisYear, thisYear + 1].map((y) => ({ value: String(y), label: String(y) }))
  const columns: Array<Column | 'target'> = data ? [...FORECAST_COLUMNS.filter((c) => (c === 'weighted' ? data.shown.weighted : c === 'commit' || c === 'bestCase' ? data.shown.categories : true)), ...(data.shown.target ? (['target'] as const) : [])] : []

  const cell = (row: ForecastRow, column: Column | 'target', total: boolean) => {
    const text = formatAmount(row[column] ?? 0)
    if (column === 'target' || !row[column]) return <Text size="sm" c={row[column] ? undefined : 'dimmed'}>{text}</Text>
    return (
      <UnstyledButton onClick={() => void drill(column, row, total)} data-testid={`forecast-cell-${row.period}-${total ? 'total' : (row.key ?? 'none')}-${column}`}>
        <Text size="sm" c="blue.7" fw={total ? 700 : 500} td="underline" style={{ textDecorationStyle: 'dotted' }}>
          {text}
        </Text>
      </UnstyledButton>
    )
  }
  const attainment = (row: ForecastRow) => (row.target ? formatPercent((row.won ?? 0) / row.target, { precision: 0 }) : '—')

  return (
    <Stack gap="md" data-testid="forecast-page">
      <Stack gap={4}>
        <Group gap="xs">
          <IconChartArrowsVertical size={22} stroke={1.6} />
          <Title order={3}>{t('forecast.title')}</Title>
        </Group>
        <Text size="sm" c="dimmed">
          {t('forecast.subtitle')}
        </Text>
      </Stack>
      <Group gap="sm" wrap="wrap">
        <Select aria-label={t('forecast.year')} data={years} value={String(year)} onChange={(v) => v && setYear(Number(v))} allowDeselect={false} w={110} data-testid="forecast-year" />
        <SegmentedControl
          value={bucket}
          onChange={(v) => setBucket(v as Bucket)}
          data={[
            { value: 'month', label: t('forecast.bucket.month') },
            { value: 'quarter', label: t('forecast.bucket.quarter') }
          ]}
          data-testid="forecast-bucket"
        />
        <SegmentedControl
          value={by}
          onChange={(v) => setBy(v as By)}
          data={[
            { value: 'owner', label: t('forecast.by.owner') },
            { value: 'department', label: t('forecast.by.department') }
          ]}
          data-testid="forecast-by"
        />
      </Group>
      {!data ? (
        <LoadState failure={failure} />
      ) : (
        <>
          {!data.shown.categories && (
            <Alert color="yellow" icon={<IconInfoCircle size={18} />} data-testid="forecast-no-categories">
              {t('forecast.noCategories')}
            </Alert>
          )}
          {data.totals.length === 0 ? (
            <Card withBorder radius="md" py={48}>
              <EmptyState icon={<IconChartArrowsVertical size={32} />} variant="light" color="gray" title={t('forecast.empty', { year })} />
            </Card>
          ) : (
            data.totals.map((total) => (
              <Card key={total.period} withBorder radius="md" padding="md" data-testid={`forecast-period-${total.period}`}>
                <Group justify="space-between" mb="xs">
                  <Text fw={700}>{total.periodLabel}</Text>
                  <Text size="xs" c="dimmed">
                    {t('forecast.drillHint')}
                  </Text>
                </Group>
                <Table.ScrollContainer minWidth={760}>
                  <Table striped highlightOnHover verticalSpacing={6} horizontalSpacing="sm">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t(by === 'owner' ? 'forecast.col.owner' : 'forecast.col.department')}</Table.Th>
                        {columns.map((c) => (
                          <Table.Th key={c} ta="right">
                            <Tooltip label={t(`forecast.help.${c}`)} multiline w={240} withArrow>
                              <span>{t(`forecast.col.${c}`)}</span>
                            </Tooltip>
                          </Table.Th>
                        ))}
                        {data.shown.target && <Table.Th ta="right">{t('forecast.col.achievement')}</Table.Th>}
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data.rows
                        .filter((r) => r.period === total.period)
                        .map((r) => (
                          <Table.Tr key={`${r.period}:${r.key ?? 'none'}`} data-testid={`forecast-row-${r.period}-${r.key ?? 'none'}`}>
                            <Table.Td>{r.key === null ? t(by === 'owner' ? 'forecast.noOwner' : 'forecast.noDepartment') : r.label}</Table.Td>
                            {columns.map((c) => (
                              <Table.Td key={c} ta="right">
                                {cell(r, c, false)}
                              </Table.Td>
                            ))}
                            {data.shown.target && <Table.Td ta="right">{attainment(r)}</Table.Td>}
                          </Table.Tr>
                        ))}
                      <Table.Tr fw={700}>
                        <Table.Td>{t('forecast.total')}</Table.Td>
                        {columns.map((c) => (
                          <Table.Td key={c} ta="right">
                            {cell(total, c, true)}
                          </Table.Td>
                        ))}
                        {data.shown.target && <Table.Td ta="right">{attainment(total)}</Table.Td>}
                      </Table.Tr>
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </Card>
            ))
          )}
        </>
      )}
    </Stack>
  )
}
