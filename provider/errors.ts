/**
 * Typed errors with stable codes. Messages never contain the API key: the client never puts
 * it in a URL, and no error carries request headers.
 */

export type ErrorCode =
  /** Desired state failed validation; `issues` lists every problem. */
  | "VALIDATION_FAILED"
  /** The Dashboard answered 4xx (other than 401/404/429). */
  | "API_ERROR"
  | "AUTH_FAILED"
  | "NOT_FOUND"
  /** A 404 under /organizations/{id} for an organization the key does not see (the message lists those it does). */
  | "ORGANIZATION_NOT_VISIBLE"
  /** 429 after every allowed retry. */
  | "RATE_LIMITED"
  /** 5xx after every allowed retry (or on a request that cannot be retried blindly). */
  | "SERVER_ERROR"
  /** The connection failed, timed out, or the response was lost. */
  | "NETWORK_ERROR"
  /** The caller's signal aborted (an interrupt) before the request could be sent (again). */
  | "ABORTED"
  /** The client's retry budget is spent. */
  | "RETRY_BUDGET_EXHAUSTED"
  /** A saved plan no longer matches the live network. */
  | "PLAN_STALE"
  /** An asynchronous batch did not finish before the deadline. */
  | "BATCH_TIMEOUT"
  /** Bad configuration (missing key, unknown organization…). */
  | "CONFIG_INVALID"
  /** A plan or result file could not be read. */
  | "PLAN_INVALID";

const BRAND = Symbol.for("meraki-batch.error");

export class MerakiBatchError extends Error {
  readonly [BRAND] = true;

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "MerakiBatchError";
  }

  /** Works across copies of this module (a Pulumi plugin may load a second one). */
  static is(err: unknown): err is MerakiBatchError {
    return typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** A failed request to the Dashboard API. */
export class DashboardApiError extends MerakiBatchError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly details: {
      method: string;
      /** Path without the base URL or query. */
      path: string;
      status?: number;
      /** The API's `errors[]`. */
      errors: string[];
      requestId?: string;
      /** For a POST that failed without an answer: it may have been committed. */
      maybeCommitted?: boolean;
      /** The full URL, for errors about reaching it (never carries the key). */
      url?: string;
      /** Set when no answer came in time: which limit and how long it was. */
      timeout?: { phase: "connect" | "response"; ms: number };
    },
  ) {
    super(code, message);
    this.name = "DashboardApiError";
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get errors(): string[] {
    return this.details.errors;
  }
}

export interface ValidationIssue {
  /** The resource, e.g. "SwitchPort 'uplink' (AAAA-BBBB-CCCC port 49)". */
  resource: string;
  /** The resource's logical name, so a front end can hand each problem to its resource. */
  name?: string;
  /** Field path, e.g. "allowedVlans" or "reservedIpRanges.0.start"; "" for the whole resource. */
  path: string;
  message: string;
}

export class ValidationError extends MerakiBatchError {
  constructor(readonly issues: ValidationIssue[]) {
    super("VALIDATION_FAILED", ValidationError.summarise(issues));
    this.name = "ValidationError";
  }

  static summarise(issues: ValidationIssue[]): string {
    const lines = issues.map((i) => `${i.resource}: ${i.path ? `${i.path}: ` : ""}${i.message}`);
    return `invalid desired state (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n  ${lines.join("\n  ")}`;
  }
}
