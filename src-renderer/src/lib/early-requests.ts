/** One request as a key: the method and its input with object keys sorted (the same request, however its input was written). */
export function requestKey(method: string, input: unknown): string {
  return `${method} ${JSON.stringify(input ?? {}, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v))}`
}

/** A request the page's first script (src/early.ts) sent: the parsed body (an envelope, or whatever came), null when the request failed. */
export interface EarlyAnswer {
  at: number
  body: Promise<unknown>
}

declare global {
  interface Window {
    /** The page's first script's requests by requestKey, until the api client takes them. */
    __jimuEarly?: Record<string, EarlyAnswer>
  }
}
