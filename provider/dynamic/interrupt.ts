/**
 * Interrupts in the plugin process. The dynamic-provider plugin answers the engine's Cancel RPC
 * without telling the provider (@pulumi/pulumi cmd/dynamic-provider: `cancel(call, callback) {
 * callback(undefined, new Empty()) }`), so what reaches a running apply is the signal that ends
 * the plugin (a Ctrl-C at the terminal, or the engine stopping it). While applies are in flight,
 * the first SIGINT or SIGTERM aborts them (no more batches confirmed, their drafts deleted,
 * confirmed batches waited for briefly) and the process exits with 130 once they have; a second
 * signal exits at once. With no apply in flight, Node's own handling applies.
 */
export class PluginInterrupts {
  readonly controller = new AbortController();
  private inFlight = 0;
  private installed = false;
  private readonly onSignal = () => {
    if (this.controller.signal.aborted) return this.exit();
    process.stderr.write("meraki-batch: interrupted: confirming no more batches, deleting this run's drafts, waiting for the confirmed ones\n");
    this.controller.abort();
    if (this.inFlight === 0) this.exit();
  };

  constructor(private readonly exit: () => void = () => process.exit(130)) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Runs an apply with the handlers installed for its duration. */
  async around<T>(run: () => Promise<T>): Promise<T> {
    this.inFlight++;
    if (!this.installed) {
      process.on("SIGINT", this.onSignal);
      process.on("SIGTERM", this.onSignal);
      this.installed = true;
    }
    try {
      return await run();
    } finally {
      if (--this.inFlight === 0) {
        process.off("SIGINT", this.onSignal);
        process.off("SIGTERM", this.onSignal);
        this.installed = false;
        if (this.controller.signal.aborted) this.exit();
      }
    }
  }
}
