/** Capped exponential backoff with full jitter: a random wait in [base·2^n / 2, base·2^n], at most `max`. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
