/**
 * Interrupts in the plugin process. Two things stop a running apply (no more batches confirmed,
 * its drafts deleted, the confirmed ones waited for briefly):
 *
 * - the engine's Cancel (a Ctrl-C at `pulumi up`), seen through engine-hooks.ts, while calls wait
 *   or apply: they are then answered with their outcomes and the engine ends the deployment. (The
 *   engine also sends Cancel when a deployment ends normally, with nothing waiting: ignored.)
 * - a SIGINT or SIGTERM to the plugin itself (the engine closing it, or a user signalling it):
 *   the process exits with 130 once its applies have settled; a second signal exits at once.
 *
 * With no apply in flight, a signal gets Node's own handling.
 */
import { onEngineCancel } from "./engine-hooks";

export class PluginInterrupts {
  readonly controller = new AbortController();
  private inFlight = 0;
  private installed = false;
  private exitWhenSettled = false;
  private readonly onSignal = () => {
    if (this.exitWhenSettled) return this.exit();
    this.exitWhenSettled = true;
    this.stop("interrupted");
    if (this.inFlight === 0) this.exit();
  };

  /** `waiting`: whether calls wait for a flush (a Cancel then stops them too). */
  constructor(
    private readonly waiting: () => boolean = () => false,
    private readonly exit: () => void = () => process.exit(130),
    hookCancel: (onCancel: () => void) => boolean = onEngineCancel,
  ) {
    hookCancel(() => {
      if (this.inFlight > 0 || this.waiting()) this.stop("the deployment was cancelled");
    });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private stop(why: string): void {
    if (this.controller.signal.aborted) return;
    process.stderr.write(`meraki-batch: ${why}: confirming no more batches, deleting this run's drafts, waiting for the confirmed ones\n`);
    this.controller.abort();
  }

  /** Runs an apply with the signal handlers installed for its duration. */
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
        if (this.exitWhenSettled) this.exit();
      }
    }
  }
}
