import { Core, restoreBackup, type CoreOptions } from '../core'

/**
 * Holds the live core. A backup restore closes the database, swaps the file and opens a fresh
 * core; transports always reach the core through the host, so they pick up the new one.
 */
export class CoreHost {
  private constructor(public core: Core, private readonly options: CoreOptions) {}

  static async open(options: CoreOptions): Promise<CoreHost> {
    return new CoreHost(await Core.open(options), options)
  }

  async restore(file: string): Promise<void> {
    const scheduling = this.core.scheduler.started
    this.core.close()
    try {
      await restoreBackup(this.options.dataDir, file, this.options.clock)
    } finally {
      this.core = await Core.open(this.options)
      if (scheduling) void this.core.scheduler.start()
    }
  }

  close(): void {
    this.core.close()
  }
}
