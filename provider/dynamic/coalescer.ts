/**
 * Gathers the provider's concurrent create/update/delete calls and hands them over together, so
 * that one `pulumi up` step wave becomes one plan and as few batches as the limits allow. It
 * flushes on time, never on a count: the engine runs at most --parallel steps at once, so waiting
 * for more calls than are in flight would never end. While the engine is still checking resources
 * (each Check or Diff precedes a step it is about to hand over) a waiting flush waits on.
 */
export interface Flushable<T, R> {
  item: T;
  resolve(result: R): void;
  reject(err: unknown): void;
}

export class Coalescer<T, R> {
  private pending: Flushable<T, R>[] = [];
  private quiet?: NodeJS.Timeout;
  private deadline?: NodeJS.Timeout;

  constructor(
    private readonly flush: (items: Flushable<T, R>[]) => Promise<void>,
    private readonly windowMs: () => number,
    private readonly maxWaitMs: () => number,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      // Debounced: flush once no call has arrived for the window, or at the latest maxWaitMs after the first.
      this.restartQuiet();
      if (!this.deadline) this.deadline = setTimeout(() => this.run(), this.maxWaitMs());
    });
  }

  /**
   * The engine is still handing out steps (a Check or Diff arrived): a flush that is waiting waits
   * for the window again, still bounded by its deadline. Without pending calls it does nothing.
   */
  touch(): void {
    if (this.pending.length) this.restartQuiet();
  }

  /** How many calls wait for their flush. */
  waiting(): number {
    return this.pending.length;
  }

  private restartQuiet(): void {
    if (this.quiet) clearTimeout(this.quiet);
    this.quiet = setTimeout(() => this.run(), this.windowMs());
  }

  private run(): void {
    clearTimeout(this.quiet);
    clearTimeout(this.deadline);
    this.quiet = this.deadline = undefined;
    const items = this.pending;
    this.pending = [];
    if (!items.length) return;
    this.flush(items).catch((err) => {
      for (const i of items) i.reject(err);
    });
  }
}
