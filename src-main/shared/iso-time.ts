// The API's timestamps (`createdAt`, `updatedAt`, date-time fields) as Date#toISOString writes
// them, without making a Date: a page of records formats two or three per record, and
// `new Date(ms).toISOString()` cost about as much as reading the row from SQLite (a third of a
// first page's time beyond the query). Same text for every instant from 1970 to 9999; others
// (never stored by the product, but a database may hold anything) go through Date.

const TWO = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)))
const DAY = 86_400_000
const LAST = 253_402_300_800_000 // 10000-01-01T00:00:00.000Z

export function isoTime(ms: number): string {
  if (!(ms >= 0 && ms < LAST) || !Number.isInteger(ms)) return new Date(ms).toISOString()
  // Days to a civil date (Howard Hinnant's days_from_civil, inverted), in whole numbers.
  const days = Math.floor(ms / DAY)
  let rest = ms - days * DAY
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  const hours = Math.floor(rest / 3_600_000)
  rest -= hours * 3_600_000
  const minutes = Math.floor(rest / 60_000)
  rest -= minutes * 60_000
  const seconds = Math.floor(rest / 1000)
  const millis = rest - seconds * 1000
  return `${year}-${TWO[month]}-${TWO[day]}T${TWO[hours]}:${TWO[minutes]}:${TWO[seconds]}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`
}
