import { Core, restoreBackup, type CoreOptions } from '../core'
import { validateBackup } from '../db/backup'
import { ConflictError } from '../shared/errors'
import type { LanShare } from '../lan/share'

/**
 * Holds the live core. A backup restore closes the database, swaps the file and opens a fresh
 * core; transports always reach the core through the host, so they pick up the new one.
 */
export class CoreHost {
  /** The backup being restored: a second restore meanwhile would swap files under the first. */
  private restoring: string | null = null
  /** The office-network share switch, where this process can serve the LAN (serve mode, desktop app). */
  lan: LanShare | null = null

  private constructor(public core: Core, private readonly options: CoreOptions) {}

  /** The backup file being restored now, or null: while set, the core's connection may be closed. */
  get restoringFile(): string | null {
    return this.restoring
  }

  static async open(options: CoreOptions): Promise<CoreHost> {
    return new CoreHost(await Core.open(options), options)
  }

  /**
   * Replace the database with a backup. The file is checked (name, presence, integrity) before
   * anything stops, so a bad request answers its error and the app runs on; then the scheduler and
   * the worker threads are stopped before the connection closes, and started again on the new core.
   */
  async restore(file: string): Promise<void> {
    if (this.restoring !== null) throw new ConflictError('error.restoreInProgress', { file: this.restoring })
    validateBackup(this.options.dataDir, file)
    this.restoring = file
    try {
      const scheduling = this.core.scheduler.started
      await this.core.shutdown()
      let restored = false
      try {
        await restoreBackup(this.options.dataDir, file, this.options.clock)
        restored = true
      } finally {
        this.core = await Core.open({ ...this.options, adoptUnkeyedAudit: restored })
        if (scheduling) void this.core.scheduler.start()
      }
    } finally {
      this.restoring = null
    }
  }

  close(): void {
    this.core.close()
  }
}
