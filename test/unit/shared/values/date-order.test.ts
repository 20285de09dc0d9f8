import { describe, expect, it } from 'vitest'
import { guessDateOrder, parseDate, parseDateTime } from '../../../../src-main/shared/values'

// Dates as people write them: three numbers whose order the whole column decides.

const local = (y: number, m: number, d: number, h = 0, mi = 0): number => new Date(y, m - 1, d, h, mi).getTime()

describe('parseDate with an order', () => {
  it.each<[string, 'ymd' | 'dmy' | 'mdy', string]>([
    ['20-10-16', 'dmy', '2016-10-20'],
    ['20/10/2016', 'dmy', '2016-10-20'],
    ['20.10.16', 'dmy', '2016-10-20'],
    ['1-2-17', 'dmy', '2017-02-01'],
    ['10/20/16', 'mdy', '2016-10-20'],
    ['10-20-2016', 'mdy', '2016-10-20'],
    ['16-10-20', 'ymd', '2016-10-20'],
    ['99.1.2', 'ymd', '1999-01-02'],
    ['2016-10-20', 'dmy', '2016-10-20'],
    ['2016年10月20日', 'mdy', '2016-10-20'],
    ['20-10-16 14:30', 'dmy', '2016-10-20']
  ])('%s as %s → %s', (text, order, iso) => {
    expect(parseDate(text, order)).toEqual({ ok: true, value: iso })
  })

  it('refuses what the order cannot read, and reads none of it without an order', () => {
    expect(parseDate('20-10-16', 'mdy').ok).toBe(false)
    expect(parseDate('16-10-2020', 'ymd').ok).toBe(false)
    expect(parseDate('20-10-16').ok).toBe(false)
    expect(parseDate('31/02/2016', 'dmy')).toMatchObject({ ok: false, code: 'value.invalidDate' })
  })

  it('reads the time after a day-first date', () => {
    expect(parseDateTime('20-10-16 14:30', 'dmy')).toEqual({ ok: true, value: local(2016, 10, 20, 14, 30) })
    expect(parseDateTime('10/20/2016 2:30 PM', 'mdy')).toEqual({ ok: true, value: local(2016, 10, 20, 14, 30) })
  })
})

describe('guessDateOrder decides from every value', () => {
  it('day first when some first number is above 12 (20-10-16 is 2016-10-20)', () => {
    // The first rows alone are ambiguous; a later one settles it.
    const values = ['05-06-16', '01-02-17', '11-12-16', '20-10-16', '']
    expect(guessDateOrder(values)).toMatchObject({ order: 'dmy', candidates: ['dmy'] })
  })

  it('month first when some second number is above 12', () => {
    expect(guessDateOrder(['05/06/2016', '10/25/2016'])).toMatchObject({ order: 'mdy' })
  })

  it('year first when a first number cannot be a day', () => {
    expect(guessDateOrder(['16-10-20', '99.01.02'])).toMatchObject({ order: 'ymd' })
  })

  it('asks when nothing disambiguates', () => {
    expect(guessDateOrder(['05/06/2016', '01/02/2017'])).toMatchObject({ order: null, candidates: ['dmy', 'mdy'] })
  })

  it('needs no order for 4-digit-year-first or Chinese dates', () => {
    expect(guessDateOrder(['2016-10-20', '2016年1月2日', '20161020'])).toMatchObject({ order: 'ymd', ordered: 0 })
  })

  it('a typo does not stop the decision: the order reading the most values', () => {
    expect(guessDateOrder(['20-10-16', '21-10-16', '45-13-16'])).toMatchObject({ order: 'dmy' })
  })
})
