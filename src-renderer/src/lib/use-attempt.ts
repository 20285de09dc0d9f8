import { useCallback, useState } from 'react'
import { errorMessage } from '../api/client'

/**
 * Steps of a page that call the API and show their failure in place (a wizard, an install): while
 * one runs `busy` is set; its error, translated by the server, is kept in `error` until the next.
 */
export function useAttempt() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const attempt = useCallback(async (fn: () => Promise<void>) => {
    setBusy(true)
    setError(null)
    try {
      await fn()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }, [])
  return { busy, error, setError, attempt }
}
