import { DomainError } from '../shared/errors'
import { confirmCode, pairedHostOf, pairingStatus, startPairing, type PairedHost, type PairingSession } from './client'
import type { Timers } from './connection'
import type { PairingStep, PairingView } from '../shared/office'

// 连接到办公室的电脑, step by step, as the desktop client's window walks through it (plain Node;
// the window sees `view()` over IPC and sends the user's input back):
//   idle → requesting (asking the host at an address) → code (the user types the six digits the
//   host's 局域网共享 page shows beside this PC's name) → waiting (the host's owner approves) →
//   approved (the office CA is pinned: `onApproved` remembers the host and switches the window)
// or failed, with a translated reason: not a host, refused by the owner, the request expired, the
// code did not match three times (another device may be posing as the host: nothing is kept).
// While waiting, the host is asked every `pollMs`; a host that cannot be reached for a moment is
// asked again (the step stays 'waiting' and says so).

export type { PairingStep, PairingView }

export const MAX_CODE_MISTAKES = 3
export const POLL_MS = 2000

export interface PairingFlowOptions {
  /** This PC's name, as the host's owner will see it. */
  deviceName: string
  timers: Timers
  pollMs?: number
  onChange?: (view: PairingView) => void
  onApproved: (paired: PairedHost, hostName: string) => void
}

const errorOf = (e: unknown, fallback: string): PairingView['error'] =>
  e instanceof DomainError ? { messageKey: e.messageKey, params: { ...e.params } } : { messageKey: fallback, params: {} }

export class PairingFlow {
  private session: PairingSession | null = null
  private state: PairingView = { step: 'idle', address: null, hostName: null, fingerprint: null, mistakes: 0, hostSilent: false, error: null }
  private timer: unknown = null
  /** Bumped by every start/cancel: answers of an abandoned attempt are dropped. */
  private generation = 0

  constructor(private readonly options: PairingFlowOptions) {}

  view(): PairingView {
    return { ...this.state }
  }

  private set(patch: Partial<PairingView>): PairingView {
    this.state = { ...this.state, ...patch }
    this.options.onChange?.(this.view())
    return this.view()
  }

  /** Ask the host at `address` (typed, or picked from the mDNS list) to pair. */
  async start(address: string, hostName: string | null = null): Promise<PairingView> {
    this.stopPolling()
    const generation = ++this.generation
    this.session = null
    this.set({ step: 'requesting', address, hostName, fingerprint: null, mistakes: 0, hostSilent: false, error: null })
    try {
      const session = await startPairing(address, this.options.deviceName)
      if (generation !== this.generation) return this.view()
      this.session = session
      // Picked from the list, the host keeps the name it was listed under; typed as an address, it gets the name the host gives.
      return this.set({ step: 'code', address: session.url, fingerprint: session.fingerprint, hostName: this.state.hostName || session.hostName })
    } catch (e) {
      if (generation !== this.generation) return this.view()
      const code = (e as { code?: string }).code
      const error = e instanceof DomainError ? errorOf(e, '') : { messageKey: typeof code === 'string' && /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET/.test(code) ? 'lan.client.noHostThere' : 'lan.client.notAHost', params: { address } }
      return this.set({ step: 'failed', error })
    }
  }

  /** The user typed the host's code. */
  enterCode(typed: string): PairingView {
    const session = this.session
    if (this.state.step !== 'code' || !session) return this.view()
    try {
      confirmCode(session, typed)
    } catch (e) {
      const mistakes = this.state.mistakes + 1
      if (mistakes >= MAX_CODE_MISTAKES) {
        this.session = null
        return this.set({ step: 'failed', mistakes, error: { messageKey: 'lan.client.codeMismatch', params: {} } })
      }
      return this.set({ mistakes, error: errorOf(e, 'lan.client.codeMismatch') })
    }
    this.set({ step: 'waiting', error: null })
    void this.poll(this.generation)
    return this.view()
  }

  cancel(): PairingView {
    this.generation++
    this.stopPolling()
    this.session = null
    return this.set({ step: 'idle', address: null, hostName: null, fingerprint: null, mistakes: 0, hostSilent: false, error: null })
  }

  private stopPolling(): void {
    if (this.timer !== null) this.options.timers.clearTimeout(this.timer)
    this.timer = null
  }

  private async poll(generation: number): Promise<void> {
    const session = this.session
    if (!session || generation !== this.generation) return
    let status: Awaited<ReturnType<typeof pairingStatus>> | null = null
    let failure: unknown = null
    try {
      status = await pairingStatus(session)
    } catch (e) {
      failure = e
    }
    if (generation !== this.generation) return
    if (status === 'approved') {
      this.session = null
      this.set({ step: 'approved', hostSilent: false })
      this.options.onApproved(pairedHostOf(session), this.state.hostName ?? '')
      return
    }
    if (status === 'refused' || status === 'revoked') {
      this.session = null
      this.set({ step: 'failed', error: { messageKey: 'lan.client.refused', params: {} } })
      return
    }
    if (failure instanceof DomainError && failure.code === 'NOT_FOUND') {
      // Undecided for too long (devices.ts PENDING_MINUTES): the request is gone at the host.
      this.session = null
      this.set({ step: 'failed', error: { messageKey: 'lan.client.expired', params: {} } })
      return
    }
    const silent = failure !== null
    if (silent !== this.state.hostSilent) this.set({ hostSilent: silent })
    this.timer = this.options.timers.setTimeout(() => {
      this.timer = null
      void this.poll(generation)
    }, this.options.pollMs ?? POLL_MS)
  }
}
