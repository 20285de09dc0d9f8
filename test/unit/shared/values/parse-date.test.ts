import { describe, expect, it } from 'vitest'
import { excelSerialToIsoDate, isoDateToExcelSerial, parseDate, parseDateTime } from '../../../../src-main/shared/values'

const local = (y: number, m: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number =>
  new Date(y, m - 1, d, h, mi, s, ms).getTime()

describe('parseDate accepts', () => {
  it.each<[unknown, string]>([
    ['2024/3/5', '2024-03-05'],
    ['2024-03-05', '2024-03-05'],
    ['2024-3-5', '2024-03-05'],
    ['2024.3.5', '2024-03-05'],
    ['2024年3月5日', '2024-03-05'],
    ['2024年03月05日', '2024-03-05'],
    ['2024年3月5号', '2024-03-05'],
    ['20240305', '2024-03-05'],
    ['２０２４／３／５', '2024-03-05'],
    [' 2024-03-05 ', '2024-03-05'],
    ['2024-02-29', '2024-02-29'],
    ['2000-02-29', '2000-02-29'],
    ['2024-03-05 14:30', '2024-03-05'],
    ['2024-03-05T14:30:00', '2024-03-05'],
    [45356, '2024-03-05'],
    [45356.75, '2024-03-05'],
    ['45356', '2024-03-05'],
    [1, '1900-01-01'],
    [59, '1900-02-28'],
    [61, '1900-03-01'],
    [2958465, '9999-12-31']
  ])('%j → %s', (input, expected) => {
    expect(parseDate(input)).toEqual({ ok: true, value: expected })
  })

  it('takes the local date of an ISO date-time with an offset', () => {
    const instant = Date.UTC(2024, 2, 5, 23, 30)
    const d = new Date(instant)
    const expected = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    expect(parseDate('2024-03-05T23:30:00Z')).toEqual({ ok: true, value: expected })
  })

  it('takes the local date of a Date object', () => {
    expect(parseDate(new Date(2024, 2, 5, 23, 59))).toEqual({ ok: true, value: '2024-03-05' })
  })

  it('takes the local date of epoch milliseconds', () => {
    expect(parseDate(local(2024, 3, 5, 8))).toEqual({ ok: true, value: '2024-03-05' })
  })
})

describe('parseDate rejects', () => {
  it.each(['2024-02-30', '2023-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '2024年2月30日', '20241301', '1900-02-29'])(
    '%s as an impossible date',
    (input) => {
      expect(parseDate(input)).toMatchObject({ ok: false, code: 'value.invalidDate' })
    }
  )

  it("rejects Excel's fake 1900-02-29 (serial 60)", () => {
    expect(parseDate(60)).toMatchObject({ ok: false, code: 'value.invalidDate' })
  })

  it('rejects an invalid Date object', () => {
    expect(parseDate(new Date(Number.NaN))).toMatchObject({ ok: false, code: 'value.invalidDate' })
  })

  it.each<unknown>(['abc', '2024-03', '2024/3/5/6', '2024-03-051', '3/5/2024', '2024-3/5', '2024-03-05 lunch', '', 0, -5, 2958466, 5e10, Number.NaN, true, {}])(
    '%j as not a date',
    (input) => {
      expect(parseDate(input)).toMatchObject({ ok: false, code: 'value.notADate' })
    }
  )
})

describe('parseDateTime accepts', () => {
  it.each<[unknown, number]>([
    ['2024/3/5', local(2024, 3, 5)],
    ['2024-03-05', local(2024, 3, 5)],
    ['2024-3-5', local(2024, 3, 5)],
    ['2024.3.5', local(2024, 3, 5)],
    ['2024年3月5日', local(2024, 3, 5)],
    ['2024年03月05日', local(2024, 3, 5)],
    ['20240305', local(2024, 3, 5)],
    ['2024-03-05 14:30', local(2024, 3, 5, 14, 30)],
    ['2024-03-05 14:30:15', local(2024, 3, 5, 14, 30, 15)],
    ['2024-03-05 14:30:15.250', local(2024, 3, 5, 14, 30, 15, 250)],
    ['2024-03-05T14:30', local(2024, 3, 5, 14, 30)],
    ['2024/3/5 9:05', local(2024, 3, 5, 9, 5)],
    ['2024年3月5日 14:30', local(2024, 3, 5, 14, 30)],
    ['2024年3月5日 14时30分', local(2024, 3, 5, 14, 30)],
    ['2024年3月5日14时30分15秒', local(2024, 3, 5, 14, 30, 15)],
    ['2024年3月5日 14点', local(2024, 3, 5, 14)],
    ['2024/3/5 下午2:30', local(2024, 3, 5, 14, 30)],
    ['2024/3/5 上午12:10', local(2024, 3, 5, 0, 10)],
    ['2024/3/5 2:30 PM', local(2024, 3, 5, 14, 30)],
    ['2024/3/5 12:00 pm', local(2024, 3, 5, 12)],
    ['２０２４－０３－０５　１４：３０', local(2024, 3, 5, 14, 30)],
    [45356, local(2024, 3, 5)],
    [45356.5, local(2024, 3, 5, 12)],
    ['45356.5', local(2024, 3, 5, 12)],
    [45356.604166666664, local(2024, 3, 5, 14, 30)]
  ])('%j', (input, expected) => {
    expect(parseDateTime(input)).toEqual({ ok: true, value: expected })
  })

  it.each<[string, number]>([
    ['2024-03-05T06:30:00Z', Date.UTC(2024, 2, 5, 6, 30)],
    ['2024-03-05T06:30:00.123Z', Date.UTC(2024, 2, 5, 6, 30, 0, 123)],
    ['2024-03-05T14:30:00+08:00', Date.UTC(2024, 2, 5, 6, 30)],
    ['2024-03-05T01:30:00-0500', Date.UTC(2024, 2, 5, 6, 30)],
    ['2024-03-05 14:30 +08', Date.UTC(2024, 2, 5, 6, 30)]
  ])('honours the offset in %s', (input, expected) => {
    expect(parseDateTime(input)).toEqual({ ok: true, value: expected })
  })

  it('keeps the instant of a Date object', () => {
    const d = new Date(2024, 2, 5, 14, 30, 15, 5)
    expect(parseDateTime(d)).toEqual({ ok: true, value: d.getTime() })
  })

  it('keeps epoch milliseconds as they are', () => {
    expect(parseDateTime(1709620200000)).toEqual({ ok: true, value: 1709620200000 })
  })
})

describe('parseDateTime rejects', () => {
  it.each(['2024-03-05 25:00', '2024-03-05 14:60', '2024-03-05 14:30:61', '2024/3/5 下午13:00', '2024-03-05T14:30+25:00'])(
    '%s as an impossible time',
    (input) => {
      expect(parseDateTime(input)).toMatchObject({ ok: false, code: 'value.invalidTime' })
    }
  )

  it.each(['2024-02-30 10:00', '2023-02-29', '2024-13-01 08:00'])('%s as an impossible date', (input) => {
    expect(parseDateTime(input)).toMatchObject({ ok: false, code: 'value.invalidDate' })
  })

  it.each<unknown>(['abc', '2024-03-05 14', '2024-03-0514:30', '14:30', '2024-03-05 noon', Number.NaN, null])('%j as not a date', (input) => {
    expect(parseDateTime(input)).toMatchObject({ ok: false, code: 'value.notADate' })
  })
})

describe('Excel serial dates', () => {
  it.each<[number, string]>([
    [1, '1900-01-01'],
    [59, '1900-02-28'],
    [61, '1900-03-01'],
    [45356, '2024-03-05'],
    [2958465, '9999-12-31']
  ])('serial %d is %s and back', (serial, iso) => {
    expect(excelSerialToIsoDate(serial)).toBe(iso)
    expect(isoDateToExcelSerial(iso)).toBe(serial)
  })

  it('drops the time of day of a fractional serial', () => {
    expect(excelSerialToIsoDate(45356.99)).toBe('2024-03-05')
  })

  it('throws for serial 60, the 1900-02-29 that Excel invents', () => {
    expect(() => excelSerialToIsoDate(60)).toThrow(RangeError)
  })

  it.each([0, -1, 2958466, Number.NaN])('throws for serial %d outside the range', (serial) => {
    expect(() => excelSerialToIsoDate(serial)).toThrow(RangeError)
  })

  it.each(['1899-12-31', '2024-02-30', '2024/03/05', 'x'])('refuses to convert %s', (iso) => {
    expect(() => isoDateToExcelSerial(iso)).toThrow(RangeError)
  })

  it('round-trips every serial from 1 to 80000 except the fake leap day', () => {
    for (let serial = 1; serial <= 80_000; serial++) {
      if (serial === 60) continue
      expect(isoDateToExcelSerial(excelSerialToIsoDate(serial))).toBe(serial)
    }
  })
})
