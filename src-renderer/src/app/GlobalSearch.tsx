import { useEffect, useState } from 'react'
import { Badge, Combobox, Group, Loader, Text, TextInput, useCombobox } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconSearch } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { MethodOutput } from '@shared/api/contracts'
import { api } from '../api/client'
import { notifyError } from '../lib/notify'
import { navigate } from '../lib/route'

type Hit = MethodOutput<'search.global'>[number]

/** Header search over every form; choosing a hit opens that record. */
export function GlobalSearch() {
  const { t } = useTranslation()
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() })
  const [query, setQuery] = useState('')
  const [debounced] = useDebouncedValue(query.trim(), 250)
  const [hits, setHits] = useState<Hit[] | null>(null)
  const [loading, setLoading] = useState(false)

  useEffect(() => {
    if (!debounced) {
      setHits(null)
      return
    }
    let live = true
    setLoading(true)
    api.search
      .global({ q: debounced, limit: 20 })
      .then(
        (found) => live && setHits(found),
        (error: unknown) => live && notifyError(error)
      )
      .finally(() => live && setLoading(false))
    return () => {
      live = false
    }
  }, [debounced])

  const open = (index: string) => {
    const hit = hits?.[Number(index)]
    if (!hit) return
    navigate({ formId: hit.formId, recordId: hit.recordId })
    setQuery('')
    setHits(null)
    combobox.closeDropdown()
  }

  const pending = query.trim() !== debounced || loading

  return (
    <Combobox store={combobox} onOptionSubmit={open} withinPortal position="bottom-start" width="target">
      <Combobox.Target>
        <TextInput
          data-testid="global-search"
          aria-label={t('search.global.placeholder')}
          placeholder={t('search.global.placeholder')}
          leftSection={<IconSearch size={16} />}
          rightSection={loading ? <Loader size={14} /> : null}
          value={query}
          onChange={(e) => {
            setQuery(e.currentTarget.value)
            combobox.openDropdown()
            combobox.updateSelectedOptionIndex()
          }}
          onFocus={() => query.trim() && combobox.openDropdown()}
          onBlur={() => combobox.closeDropdown()}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              setQuery('')
              combobox.closeDropdown()
            }
          }}
          w="100%"
          maw={460}
          radius="xl"
        />
      </Combobox.Target>
      <Combobox.Dropdown hidden={!query.trim()}>
        <Combobox.Options mah={360} style={{ overflowY: 'auto' }}>
          {hits === null || pending ? (
            <Combobox.Empty>{t('search.global.searching')}</Combobox.Empty>
          ) : hits.length === 0 ? (
            <Combobox.Empty>{t('search.global.nothing')}</Combobox.Empty>
          ) : (
            hits.map((hit, index) => (
              <Combobox.Option value={String(index)} key={`${hit.formId}-${hit.recordId}`}>
                <Group gap="sm" wrap="nowrap">
                  <Badge variant="light" radius="sm" tt="none" fw={500} style={{ flexShrink: 0 }}>
                    {hit.formLabel}
                  </Badge>
                  <Text size="sm" lineClamp={1}>
                    {hit.title}
                  </Text>
                </Group>
              </Combobox.Option>
            ))
          )}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  )
}
