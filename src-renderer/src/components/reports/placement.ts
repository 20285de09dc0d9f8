// Where a new widget goes on a dashboard's 12-column grid: the first free spot reading row by
// row, left to right, where it fits without overlapping a widget, so two half-width widgets fill
// a row before the next one starts (new widgets used to stack in the left half, one per row).

export interface Box {
  x: number
  y: number
  w: number
  h: number
}

export const GRID_COLUMNS = 12

export function firstFreeSpot(taken: readonly Box[], size: { w: number; h: number }, columns = GRID_COLUMNS): Box {
  const w = Math.min(size.w, columns)
  const overlaps = (x: number, y: number) => taken.some((b) => x < b.x + b.w && b.x < x + w && y < b.y + b.h && b.y < y + size.h)
  const bottom = Math.max(0, ...taken.map((b) => b.y + b.h))
  for (let y = 0; y <= bottom; y++) {
    for (let x = 0; x + w <= columns; x++) {
      if (!overlaps(x, y)) return { x, y, w, h: size.h }
    }
  }
  return { x: 0, y: bottom, w, h: size.h }
}
