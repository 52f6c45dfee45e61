/**
 * The emulator's clock: real time (or a frozen start) plus an offset that the control API can
 * advance. Batch expiry, async batch due times and the rate limiter all read it, so a test can
 * jump a week ahead or refill a bucket without waiting.
 */
export class EmulatorClock {
  private offsetMs = 0;
  private readonly frozenAt: number | undefined;

  constructor(opts: { frozen?: boolean; startTime?: number; realNow?: () => number } = {}) {
    this.realNow = opts.realNow ?? Date.now;
    this.frozenAt = opts.frozen ? (opts.startTime ?? this.realNow()) : undefined;
    if (!opts.frozen && opts.startTime !== undefined) this.offsetMs = opts.startTime - this.realNow();
  }

  private readonly realNow: () => number;

  now(): number {
    return (this.frozenAt ?? this.realNow()) + this.offsetMs;
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  describe(): { now: string; epochMs: number; offsetSeconds: number; frozen: boolean } {
    return { now: new Date(this.now()).toISOString(), epochMs: this.now(), offsetSeconds: this.offsetMs / 1000, frozen: this.frozenAt !== undefined };
  }
}
