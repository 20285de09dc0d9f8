import { useEffect, useMemo, useRef, useState } from 'react'
import { ActionIcon, Badge, Box, Button, Group, Menu, ScrollArea, Stack, Tabs, Text, Tooltip } from '@mantine/core'
import { useDroppable } from '@dnd-kit/core'
import { horizontalListSortingStrategy, rectSortingStrategy, SortableContext, useSortable } from '@dnd-kit/sortable'
import { CSS } from '@dnd-kit/utilities'
import { IconAsterisk, IconColumns, IconEye, IconGripVertical, IconPlus, IconTrash } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto } from '@shared/api/contracts'
import type { FieldType } from '@shared/field-types'
import { FormFieldsContext } from '../../fields/context'
import { rendererOf } from '../../fields/registry'
import type { Draft, DraftField, DraftSection, DraftTab } from './draft'
import { CHILD_TYPES, TYPE_ICON } from './field-meta'
import { previewable } from './preview-fields'
import classes from './designer.module.css'

export type Selection = { kind: 'field'; key: string } | { kind: 'section'; id: string } | { kind: 'tab'; id: string } | null

interface CanvasProps {
  draft: Draft
  /** Synthetic DTOs of every draft field (see preview-fields). */
  dtos: Map<string, FieldDto>
  allDtos: FieldDto[]
  selection: Selection
  onSelect(selection: Selection): void
  activeTab: string
  onTab(id: string): void
  onAddTab(): void
  onAddSection(tabId: string): void
  onRemoveField(key: string): void
  onAddChild(parentKey: string, type: FieldType): void
  /** Droppable id under the pointer while dragging, for highlighting. */
  overId: string | null
}

export function Canvas(props: CanvasProps) {
  const { t } = useTranslation()
  const { draft, activeTab } = props
  const tab = draft.tabs.find((x) => x.id === activeTab) ?? draft.tabs[0]
  return (
    <ScrollArea h="100%" type="auto">
      <Box p="lg">
        {/* Clicks inside the sheet select what they hit; only the grey margin around it clears the selection. */}
        <Box className={classes.sheet} data-testid="designer-canvas" onClick={(e) => e.stopPropagation()}>
          <Group justify="space-between" px="md" pt="sm" wrap="nowrap" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
            <Tabs value={tab.id} onChange={(v) => v && props.onTab(v)} variant="default" style={{ flex: 1, minWidth: 0 }}>
              <Tabs.List style={{ borderBottom: 0, flexWrap: 'nowrap', overflowX: 'auto' }}>
                {draft.tabs.map((x) => (
                  <Tabs.Tab
                    key={x.id}
                    value={x.id}
                    onClick={() => props.onSelect({ kind: 'tab', id: x.id })}
                    fw={props.selection?.kind === 'tab' && props.selection.id === x.id ? 700 : 500}
                    data-testid="designer-tab"
                  >
                    {x.label || t('designer.untitledTab')}
                  </Tabs.Tab>
                ))}
              </Tabs.List>
            </Tabs>
            <Button variant="subtle" size="compact-sm" leftSection={<IconPlus size={14} />} onClick={props.onAddTab} data-testid="designer-add-tab">
              {t('designer.addTab')}
            </Button>
          </Group>
          <Stack gap="sm" p="md">
            <SortableContext items={tab.sections.flatMap((s) => s.fields.map((k) => `field:${k}`))} strategy={rectSortingStrategy}>
              {tab.sections.map((section) => (
                <SectionBox key={section.id} section={section} tab={tab} {...props} />
              ))}
            </SortableContext>
            <Button variant="default" leftSection={<IconPlus size={16} />} onClick={() => props.onAddSection(tab.id)} data-testid="designer-add-section" style={{ alignSelf: 'flex-start' }}>
              {t('designer.addSection')}
            </Button>
          </Stack>
        </Box>
      </Box>
    </ScrollArea>
  )
}

function SectionBox({ section, tab, ...props }: CanvasProps & { section: DraftSection; tab: DraftTab }) {
  const { t } = useTranslation()
  const { setNodeRef } = useDroppable({ id: `section:${section.id}`, data: { kind: 'section', sectionId: section.id } })
  const selected = props.selection?.kind === 'section' && props.selection.id === section.id
  const over = props.overId === `section:${section.id}` || section.fields.some((k) => props.overId === `field:${k}`)
  return (
    <Box
      ref={setNodeRef}
      className={classes.section}
      data-over={over || undefined}
      data-selected={selected || undefined}
      data-testid={`designer-section-${tab.sections.indexOf(section)}`}
    >
      <Group
        justify="space-between"
        mb={6}
        gap="xs"
        onClick={(e) => {
          e.stopPropagation()
          props.onSelect({ kind: 'section', id: section.id })
        }}
        style={{ cursor: 'pointer' }}
        data-testid={`designer-section-header-${tab.sections.indexOf(section)}`}
      >
        <Text fw={600} size="sm" c={section.label ? undefined : 'dimmed'}>
          {section.label || t('designer.untitledSection')}
        </Text>
        <Group gap={4}>
          <IconColumns size={14} color="var(--mantine-color-dimmed)" />
          <Text size="xs" c="dimmed">
            {t('designer.columnsN', { count: section.columns })}
          </Text>
        </Group>
      </Group>
      <div className={classes.sectionGrid} style={{ gridTemplateColumns: `repeat(${section.columns}, minmax(0, 1fr))` }}>
        {section.fields.length === 0 && (
          <div className={classes.emptySection}>
            <Text size="sm" c="dimmed">
              {t('designer.dropHere')}
            </Text>
          </div>
        )}
        {section.fields.map((key) => {
          const field = props.draft.fields[key]
          return field ? <FieldCard key={key} field={field} sectionId={section.id} {...props} /> : null
        })}
      </div>
    </Box>
  )
}

function FieldCard({ field, sectionId, ...props }: CanvasProps & { field: DraftField; sectionId: string }) {
  const { t } = useTranslation()
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: `field:${field.key}`,
    data: { kind: 'field', sectionId, fieldKey: field.key }
  })
  const dto = props.dtos.get(field.key)
  const renderer = rendererOf(field.type)
  const selected = props.selection?.kind === 'field' && props.selection.key === field.key
  const Input = renderer.Input
  const Icon = TYPE_ICON[field.type]
  // A field just added (new and selected as it appears) is scrolled into view and highlighted for a moment.
  const element = useRef<HTMLDivElement | null>(null)
  const [fresh, setFresh] = useState(() => selected && field.id === null)
  useEffect(() => {
    if (!fresh) return
    element.current?.scrollIntoView?.({ block: 'center', behavior: 'smooth' })
    const timer = setTimeout(() => setFresh(false), 2000)
    return () => clearTimeout(timer)
  }, [fresh])
  return (
    <div
      ref={(node) => {
        setNodeRef(node)
        element.current = node
      }}
      data-fresh={fresh || undefined}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      className={classes.fieldCard}
      data-selected={selected || undefined}
      data-dragging={isDragging || undefined}
      data-drop-target={props.overId === `field:${field.key}` || undefined}
      data-wide={renderer.wide || field.type === 'subtable' || undefined}
      data-testid={`designer-field-${field.label}`}
      data-field-key={field.key}
      onClick={(e) => {
        e.stopPropagation()
        props.onSelect({ kind: 'field', key: field.key })
      }}
      {...attributes}
      role="button"
      aria-label={field.label || t(`designer.type.${field.type}`)}
    >
      <Group className={classes.badges} gap={4}>
        {field.visibleWhen && (
          <Tooltip label={t('designer.hasVisibleWhen')}>
            <Badge size="xs" variant="light" color="grape" leftSection={<IconEye size={10} />} tt="none">
              {t('designer.conditional')}
            </Badge>
          </Tooltip>
        )}
        {field.requiredWhen && (
          <Badge size="xs" variant="light" color="orange" leftSection={<IconAsterisk size={10} />} tt="none">
            {t('designer.conditionalRequired')}
          </Badge>
        )}
        {field.requiredOnEnter && (
          <Tooltip label={t('designer.prop.requiredOnEnterHint')}>
            <Badge size="xs" variant="light" color="orange" leftSection={<IconAsterisk size={10} />} tt="none" data-testid="badge-required-on-enter">
              {t('designer.requiredOnEnter')}
            </Badge>
          </Tooltip>
        )}
        {field.id === null && (
          <Badge size="xs" variant="light" color="teal" tt="none">
            {t('designer.new')}
          </Badge>
        )}
        {field.config.systemOwned === true && (
          <Tooltip label={t('designer.prop.systemOwnedHint')}>
            <Badge size="xs" variant="light" color="gray" tt="none" data-testid="badge-system-owned">
              {t('designer.prop.systemOwned')}
            </Badge>
          </Tooltip>
        )}
      </Group>
      <Group className={classes.fieldTools} gap={2}>
        <ActionIcon variant="subtle" color="gray" size="sm" className={classes.handle} {...listeners} aria-label={t('designer.drag')}>
          <IconGripVertical size={15} />
        </ActionIcon>
        <ActionIcon
          variant="subtle"
          color="red"
          size="sm"
          aria-label={t('designer.deleteField')}
          data-testid="designer-delete-field"
          onClick={(e) => {
            e.stopPropagation()
            props.onRemoveField(field.key)
          }}
        >
          <IconTrash size={15} />
        </ActionIcon>
      </Group>
      <div {...listeners} style={{ touchAction: 'none' }}>
        <div className={classes.fieldPreview} aria-hidden>
          {dto && previewable(field) ? (
            <FormFieldsContext.Provider value={props.allDtos}>
              <Input field={dto} value={renderer.empty(dto)} onChange={noop} />
            </FormFieldsContext.Provider>
          ) : (
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                {field.label}
              </Text>
              <Group gap={6} c="dimmed">
                <Icon size={16} />
                <Text size="sm">{t('designer.relationNoTarget')}</Text>
              </Group>
            </Stack>
          )}
        </div>
      </div>
      {field.type === 'subtable' && <ChildRow parent={field} {...props} />}
    </div>
  )
}

const noop = () => undefined

function ChildRow({ parent, ...props }: CanvasProps & { parent: DraftField }) {
  const { t } = useTranslation()
  const { setNodeRef } = useDroppable({ id: `children:${parent.key}`, data: { kind: 'children', parentKey: parent.key } })
  const over = props.overId === `children:${parent.key}` || parent.children.some((k) => props.overId === `child:${k}`)
  const items = useMemo(() => parent.children.map((k) => `child:${k}`), [parent.children])
  return (
    <Box mt={6} onClick={(e) => e.stopPropagation()}>
      <Text size="xs" c="dimmed" mb={4}>
        {t('designer.childHint')}
      </Text>
      <div ref={setNodeRef} className={classes.childRow} data-over={over || undefined} data-testid={`designer-children-${parent.label}`}>
        <SortableContext items={items} strategy={horizontalListSortingStrategy}>
          {parent.children.map((key) => {
            const child = props.draft.fields[key]
            return child ? <ChildChip key={key} field={child} {...props} /> : null
          })}
        </SortableContext>
        <Menu position="bottom-start" withinPortal shadow="md">
          <Menu.Target>
            <Button variant="subtle" size="compact-xs" leftSection={<IconPlus size={12} />} data-testid="designer-add-child">
              {t('designer.addColumn')}
            </Button>
          </Menu.Target>
          <Menu.Dropdown mah={320} style={{ overflowY: 'auto' }}>
            {CHILD_TYPES.map((type) => {
              const Icon = TYPE_ICON[type]
              return (
                <Menu.Item key={type} leftSection={<Icon size={14} />} onClick={() => props.onAddChild(parent.key, type)}>
                  {t(`designer.type.${type}`)}
                </Menu.Item>
              )
            })}
          </Menu.Dropdown>
        </Menu>
      </div>
    </Box>
  )
}

function ChildChip({ field, ...props }: CanvasProps & { field: DraftField }) {
  const { t } = useTranslation()
  const { attributes, listeners, setNodeRef, transform, transition } = useSortable({ id: `child:${field.key}`, data: { kind: 'child', fieldKey: field.key, parentKey: field.parentKey } })
  const selected = props.selection?.kind === 'field' && props.selection.key === field.key
  const Icon = TYPE_ICON[field.type]
  return (
    <div
      ref={setNodeRef}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      className={classes.childChip}
      data-selected={selected || undefined}
      data-testid={`designer-child-${field.label}`}
      {...attributes}
      {...listeners}
      onClick={(e) => {
        e.stopPropagation()
        props.onSelect({ kind: 'field', key: field.key })
      }}
    >
      <Group gap={4} wrap="nowrap">
        <Icon size={13} />
        <Text size="xs">{field.label || t(`designer.type.${field.type}`)}</Text>
        {field.required && (
          <Text size="xs" c="red">
            *
          </Text>
        )}
      </Group>
    </div>
  )
}
