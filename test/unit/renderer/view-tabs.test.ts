import { describe, expect, it } from 'vitest'
import type { ViewDto } from '../../../src-main/shared/api/contracts'
import { viewConfig } from '../../../src-main/shared/api/core'
import { viewTabs } from '../../../src-renderer/src/components/views/view-list'

// Each form shows one "all records" tab: the built-in 全部记录 only when the app ships no equivalent.

const view = (id: number, name: string, extra: Partial<ViewDto> = {}, config: Record<string, unknown> = {}): ViewDto => ({
  id, formId: 1, name, type: 'table', shared: true, ownerId: null, position: id, config: viewConfig.parse(config), ...extra
})

describe('view tabs', () => {
  const builtin = view(0, '全部记录')
  it('drop 全部记录 when a shared table view without a filter (全部线索) stands for it', () => {
    const all = view(1, '全部线索', {}, { sort: [{ field: 'createdAt', dir: 'desc' }] })
    const mine = view(2, '我的线索', {}, { filter: { field: 'owner', op: 'isMe' } })
    expect(viewTabs(builtin, [all, mine]).map((v) => v.name)).toEqual(['全部线索', '我的线索'])
  })
  it('keep 全部记录 first otherwise: only filtered, personal or non-table views', () => {
    const mine = view(2, '我的线索', {}, { filter: { field: 'owner', op: 'isMe' } })
    const personal = view(3, '我的表', { shared: false })
    const board = view(4, '看板', { type: 'kanban' })
    expect(viewTabs(builtin, [mine, personal, board]).map((v) => v.name)).toEqual(['全部记录', '我的线索', '我的表', '看板'])
  })
})
