/** Every default of the engine, in one place. */
export const DEFAULTS = {
  baseUrl: "https://api.meraki.com/api/v1",
  /** The Dashboard's per-organization limit (reference §4.1). */
  requestsPerSecond: 10,
  /** Attempts per request, the first included (as the Python SDK's MAXIMUM_RETRIES). */
  maxAttempts: 5,
  /** Retries a client may have in hand, so a sick API is not hammered; each success earns some back. */
  retryBudget: 200,
  retryBudgetRefill: 0.2,
  backoffBaseMs: 500,
  backoffMaxMs: 30_000,
  /** Cap for a 429 without Retry-After (the SDK's NGINX_429_RETRY_WAIT_TIME). */
  rateLimitFallbackMaxMs: 60_000,
  /**
   * Longest wait for a TCP (and TLS) connection. undici's own default; a Dashboard that does not
   * accept within 10 s is not reachable. Not retried: the wait stays bounded by this.
   */
  connectTimeoutMs: 10_000,
  /**
   * Longest wait for the response to start, and then between two parts of its body (undici's
   * headersTimeout and bodyTimeout). 60 s is the Python SDK's single_request_timeout; a
   * synchronous batch of 20 actions answers well within it. Not retried (a POST that timed out
   * may have been committed; a GET that took this long would only take as long again).
   */
  responseTimeoutMs: 60_000,
  /** Bounds for the timeout settings (seconds in flags, stack config and environment). */
  maxTimeoutMs: 3_600_000,
  /** A request pending this long shows a "waiting for …" line on a terminal. */
  waitingNoticeMs: 1_000,
  maxRedirects: 5,

  /**
   * Page sizes of the lists the engine reads, the largest each endpoint takes (reference §3.4):
   * an organization's devices (3-5000) and its switch ports by switch (3-50). A bySwitch request
   * names at most that many switches (serials[]), so each is one page.
   */
  devicesPerPage: 5000,
  portsBySwitchPerPage: 50,

  /** Action batch limits (reference §1.4). */
  maxActionsPerBatch: 100,
  maxSyncActions: 20,
  /**
   * The API allows 5 confirmed, unfinished batches per organization, and all are used: when other
   * apps hold some, the API's "Too many concurrently executing batches" is waited out (below).
   */
  maxBatchesInFlight: 5,
  apiMaxBatchesInFlight: 5,
  /** "auto": synchronous when ≤ 20 actions; "always": split to ≤ 20 so all are; "never". */
  synchronous: "auto" as "auto" | "always" | "never",
  pollInitialMs: 500,
  pollMaxMs: 5_000,
  /** "A batch should be completed within 10 minutes from confirmation" (reference §1.4). */
  batchDeadlineMs: 10 * 60_000,
  /** Wait after the API's "Too many concurrently executing batches" error, doubling to the max. */
  concurrencyRetryMs: 2_000,
  concurrencyRetryMaxMs: 60_000,
  /** How many times a lost batch create is recovered (orphan found and removed) before giving up. */
  maxCreateRecoveries: 3,
  /** How long polls may go unanswered (the API unreachable) before a confirmed batch's outcome is called unknown. */
  unreachableMs: 30_000,
  /** Attempts per poll request: the poll loop itself retries, so each poll gives up early. */
  pollAttempts: 2,
  /** Interrupted: how long confirmed batches are waited for before the run reports and exits. */
  drainMs: 60_000,
  /** How long the ledger keeps a confirmed batch of an ended run (to name it as this tool's). */
  ledgerKeepConfirmedMs: 24 * 3600_000,
  /**
   * With --wait: how long an unconfirmed draft of unknown origin is waited for (a run elsewhere
   * confirms or deletes its drafts within seconds; a review draft staged elsewhere stays).
   */
  unconfirmedWaitMs: 60_000,
  /** With --wait: how long other runs' batches on the same resources are waited for. */
  waitTimeoutMs: 30 * 60_000,
} as const;

export type SyncPreference = typeof DEFAULTS.synchronous;
