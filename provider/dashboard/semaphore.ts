/** A counting semaphore (FIFO), used to keep at most N batches in flight per organization. */
export class Semaphore {
  private waiting: Array<() => void> = [];
  private used = 0;

  constructor(private readonly size: number) {}

  get inUse(): number {
    return this.used;
  }

  /** A slot if one is free now, else undefined (never waits). */
  tryAcquire(): (() => void) | undefined {
    if (this.used >= this.size) return undefined;
    this.used++;
    return this.releaser();
  }

  async acquire(): Promise<() => void> {
    if (this.used >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.used++;
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.used--;
    };
  }
}
