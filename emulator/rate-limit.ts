/**
 * Token bucket as the Dashboard documents it (reference §4.1): `rate` requests per second with a
 * bucket of `rate` tokens, so at most rate + rate·t requests pass in any t seconds: 20 in the
 * first second and 30 in two at the default 10/s.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly capacity: number,
    private readonly now: () => number,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  /** Takes a token, or says how many whole seconds until one is available (at least 1). */
  take(): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / this.rate)) };
  }
}

/** One bucket per key (organization id, source IP), created on first use. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly rate: number,
    private readonly now: () => number,
  ) {}

  get enabled(): boolean {
    return this.rate > 0;
  }

  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    if (!this.enabled) return { ok: true };
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.rate, this.rate, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  reset(): void {
    this.buckets.clear();
  }
}
