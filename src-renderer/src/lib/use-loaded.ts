import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import { errorMessage } from '../api/client'

/**
 * Data a component loads from the API when it mounts, with the reason if that failed and a
 * `reload` for after a change. `fetch` is read at call time, so it need not be memoised.
 */
export function useLoaded<T>(fetch: () => Promise<T>): { data: T | null; failure: string | null; reload(): Promise<void> } {
  const [data, setData] = useState<T | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const fetchRef = useRef(fetch)
  useLayoutEffect(() => {
    fetchRef.current = fetch
  })
  const reload = useCallback(async () => {
    try {
      setData(await fetchRef.current())
      setFailure(null)
    } catch (error) {
      setFailure(errorMessage(error))
    }
  }, [])
  useEffect(() => {
    void reload()
  }, [reload])
  return { data, failure, reload }
}
