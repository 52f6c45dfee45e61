/**
 * Client-side token bucket per organization, shaped like the Dashboard's own (rate r, bucket of r:
 * at most r + r·t requests in any t seconds) less one token of margin, so that a lone client
 * does not meet a 429. Implemented
 * as GCRA: each request reserves the next slot synchronously, then sleeps until it, which keeps
 * concurrent callers fair and ordered.
 */
import { Clock, sleepOrAbort } from "../clock";

export class OrgRateLimiter {
  /** Theoretical arrival time per organization. */
  private tat = new Map<string, number>();
  private readonly interval: number;
  private readonly tolerance: number;

  constructor(
    ratePerSecond: number,
    private readonly clock: Clock,
  ) {
    this.interval = ratePerSecond > 0 ? 1000 / ratePerSecond : 0;
    // A burst one smaller than the server's: the server's bucket starts when our first request
    // arrives, which (with connection set-up) can be later than when we sent it.
    this.tolerance = ratePerSecond > 0 ? Math.max(0, ratePerSecond - 2) * this.interval : 0;
  }

  /**
   * Waits for a slot. With a signal that aborts during the wait, returns false: the request must
   * not be sent (an interrupted run confirms nothing that was still queued here). Its slot is given
   * back when nobody queued behind it.
   */
  async acquire(org: string, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return false;
    if (this.interval === 0) return true;
    const now = this.clock.now();
    const tat = Math.max(this.tat.get(org) ?? now, now);
    const wait = tat - this.tolerance - now;
    this.tat.set(org, tat + this.interval);
    if (wait > 0) await sleepOrAbort(this.clock, wait, signal);
    if (!signal?.aborted) return true;
    if (this.tat.get(org) === tat + this.interval) this.tat.set(org, tat);
    return false;
  }

  /** After a 429: nobody sends to this organization for `ms`. */
  pause(org: string, ms: number): void {
    if (this.interval === 0) return;
    const now = this.clock.now();
    // Resume with a single slot, not a fresh burst, so the retry does not trip the limit again.
    this.tat.set(org, Math.max(this.tat.get(org) ?? now, now + ms + this.tolerance));
  }
}
