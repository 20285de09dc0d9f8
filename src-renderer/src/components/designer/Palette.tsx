import { Box, Group, ScrollArea, SimpleGrid, Stack, Text, ThemeIcon, UnstyledButton } from '@mantine/core'
import { useDraggable } from '@dnd-kit/core'
import { useTranslation } from 'react-i18next'
import type { FieldType } from '@shared/field-types'
import { PALETTE_GROUPS, TYPE_ICON } from './field-meta'
import classes from './designer.module.css'

/** Drag a type onto the canvas, or click it to add it at the end of the selected section. */
function PaletteItem({ type, onAdd }: { type: FieldType; onAdd(type: FieldType): void }) {
  const { t } = useTranslation()
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: `new:${type}`, data: { kind: 'new', fieldType: type } })
  const Icon = TYPE_ICON[type]
  return (
    <UnstyledButton
      ref={setNodeRef}
      {...listeners}
      {...attributes}
      className={classes.paletteItem}
      data-dragging={isDragging || undefined}
      data-testid={`palette-${type}`}
      onClick={() => onAdd(type)}
      title={t(`designer.typeHelp.${type}`)}
    >
      <Group gap={8} wrap="nowrap">
        <ThemeIcon variant="light" size={24} radius="sm" color="indigo">
          <Icon size={15} stroke={1.7} />
        </ThemeIcon>
        <Text size="sm" lh={1.2} lineClamp={2}>
          {t(`designer.type.${type}`)}
        </Text>
      </Group>
    </UnstyledButton>
  )
}

export function PaletteChip({ type }: { type: FieldType }) {
  const { t } = useTranslation()
  const Icon = TYPE_ICON[type]
  return (
    <Box className={classes.paletteItem} data-overlay>
      <Group gap={8} wrap="nowrap">
        <ThemeIcon variant="filled" size={24} radius="sm" color="indigo">
          <Icon size={15} stroke={1.7} />
        </ThemeIcon>
        <Text size="sm">{t(`designer.type.${type}`)}</Text>
      </Group>
    </Box>
  )
}

export function Palette({ onAdd }: { onAdd(type: FieldType): void }) {
  const { t } = useTranslation()
  return (
    <ScrollArea h="100%" type="auto" offsetScrollbars>
      <Stack gap="md" p="sm" data-testid="designer-palette">
        <Text size="xs" c="dimmed">
          {t('designer.paletteHint')}
        </Text>
        {PALETTE_GROUPS.map((group) => (
          <Stack key={group.key} gap={6}>
            <Text size="xs" fw={700} c="dimmed">
              {t(`designer.group.${group.key}`)}
            </Text>
            <SimpleGrid cols={2} spacing={6} verticalSpacing={6}>
              {group.types.map((type) => (
                <PaletteItem key={type} type={type} onAdd={onAdd} />
              ))}
            </SimpleGrid>
          </Stack>
        ))}
      </Stack>
    </ScrollArea>
  )
}
