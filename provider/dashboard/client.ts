/**
 * Dashboard API client on undici: Bearer auth, a keep-alive pool, per-organization rate limiting,
 * retries with capped jittered backoff, connect and response timeouts (never retried, so a silent
 * server fails within the limit), redirects that keep the key only on the Dashboard's own hosts,
 * Link-header pagination and typed errors. The key never appears in an error or a log line.
 */
import { Agent, Dispatcher, request } from "undici";
import { Clock, realClock, sleepOrAbort } from "../clock";
import { DEFAULTS } from "../defaults";
import { DashboardApiError, ErrorCode, MerakiBatchError } from "../errors";
import { backoffMs } from "./backoff";
import { explainOrganizationNotFound, organizationOfPath, Organization, visibleOrganizations } from "./organizations";
import { OrgRateLimiter } from "./rate-limiter";
import { Semaphore } from "./semaphore";
import { userAgent } from "./user-agent";

export interface ClientOptions {
  apiKey: string;
  baseUrl?: string;
  requestsPerSecond?: number;
  maxAttempts?: number;
  retryBudget?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Longest wait for a connection (undici's connect.timeout; only applies to the client's own Agent). */
  connectTimeoutMs?: number;
  /** Longest wait for the response to start, and between parts of its body (headersTimeout, bodyTimeout). */
  responseTimeoutMs?: number;
  /** Where the base URL came from ("--base-url", "Pulumi.dev.yaml (meraki-batch:baseUrl)"…), named in connection errors. */
  baseUrlSource?: string;
  clock?: Clock;
  random?: () => number;
  /** One line per request and per retry (method, path, status, timing); never the key. */
  log?: (line: string) => void;
  /** Default "MerakiBatch/<version> MerakiBatch" (the format the API asks for: see user-agent.ts). */
  userAgent?: string;
  dispatcher?: Dispatcher;
}

export interface RequestOptions {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path under the base URL, e.g. /organizations/123/actionBatches, or an absolute URL (Link). */
  path: string;
  query?: Record<string, string | string[] | undefined>;
  body?: unknown;
  /** The organization whose rate limit applies; resolved from the path when absent. */
  organizationId?: string;
  /**
   * Whether the request may be repeated after 5xx or a lost response. Defaults to true except
   * for POST: a repeated POST /actionBatches could create a second batch.
   */
  idempotent?: boolean;
  /** Attempts for this request (default: the client's). A caller that retries by itself (polling) asks for fewer. */
  maxAttempts?: number;
  /**
   * Once aborted, the request is not sent (again): waits in the rate limiter and between retries
   * end with an ABORTED error. A request already on the wire is left to finish: its answer says
   * what happened, which cutting it off would not.
   */
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
  requestId?: string;
}

/** A request that was sent and has no answer yet (for "waiting for …" on a terminal). */
export interface PendingRequest {
  method: string;
  /** host:port */
  host: string;
  path: string;
  /** clock.now() when it was sent */
  startedAt: number;
}

export interface ClientStats {
  requests: number;
  retries: number;
  rateLimited: number;
  serverErrors: number;
  networkErrors: number;
}

/** Hosts that may receive the key after a redirect (the Dashboard shards and regional clouds). */
const DASHBOARD_HOSTS = /(^|\.)(meraki\.com|meraki\.ca|meraki\.cn|meraki\.in|gov-meraki\.com)$/i;

export class DashboardClient {
  readonly baseUrl: string;
  readonly stats: ClientStats = { requests: 0, retries: 0, rateLimited: 0, serverErrors: 0, networkErrors: 0 };
  private readonly apiKey: string;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly limiter: OrgRateLimiter;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly opts: Required<Pick<ClientOptions, "maxAttempts" | "backoffBaseMs" | "backoffMaxMs" | "connectTimeoutMs" | "responseTimeoutMs">>;
  private readonly baseUrlSource?: string;
  private readonly inFlight = new Set<PendingRequest>();
  /** The key's organizations, fetched once, only to explain a 404 under /organizations/{id}. */
  private organizations?: Promise<Organization[]>;
  /** Organizations that answered a request: a later 404 under them is about the object, not them. */
  private readonly answeringOrgs = new Set<string>();
  private retryBudget: number;
  private readonly retryBudgetMax: number;
  private readonly networkOrg = new Map<string, string>();
  private readonly deviceOrg = new Map<string, string>();
  private readonly slots = new Map<string, Semaphore>();
  /** The organization of paths whose owner is not known yet (a client usually works in one). */
  private defaultOrganization?: string;

  constructor(options: ClientOptions) {
    if (!options.apiKey) throw new MerakiBatchError("CONFIG_INVALID", "no Dashboard API key was given");
    this.apiKey = options.apiKey;
    this.baseUrl = (options.baseUrl ?? DEFAULTS.baseUrl).replace(/\/+$/, "");
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.limiter = new OrgRateLimiter(options.requestsPerSecond ?? DEFAULTS.requestsPerSecond, this.clock);
    this.retryBudget = this.retryBudgetMax = options.retryBudget ?? DEFAULTS.retryBudget;
    this.opts = {
      maxAttempts: options.maxAttempts ?? DEFAULTS.maxAttempts,
      backoffBaseMs: options.backoffBaseMs ?? DEFAULTS.backoffBaseMs,
      backoffMaxMs: options.backoffMaxMs ?? DEFAULTS.backoffMaxMs,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      responseTimeoutMs: options.responseTimeoutMs ?? DEFAULTS.responseTimeoutMs,
    };
    this.baseUrlSource = options.baseUrlSource;
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: 16, connect: { timeout: this.opts.connectTimeoutMs } });
    this.log = options.log ?? (() => undefined);
    this.userAgent = options.userAgent ?? userAgent();
  }

  private readonly log: (line: string) => void;
  private readonly userAgent: string;

  /** Requests sent and not answered yet, oldest first. */
  pending(): PendingRequest[] {
    return [...this.inFlight];
  }

  /** Rate-limits requests whose organization cannot be told from the path under this one. */
  useOrganization(organizationId: string): void {
    this.defaultOrganization = organizationId;
  }

  /** Remembers which organization a network or device belongs to, for rate limiting by path. */
  learn(organizationId: string, ids: { networks?: string[]; serials?: string[] }): void {
    for (const n of ids.networks ?? []) this.networkOrg.set(n, organizationId);
    for (const s of ids.serials ?? []) this.deviceOrg.set(s, organizationId);
  }

  /** The process-wide slots for batches in flight in an organization. */
  batchSlots(organizationId: string, size: number): Semaphore {
    const key = `${organizationId}/${size}`;
    let s = this.slots.get(key);
    if (!s) {
      s = new Semaphore(size);
      this.slots.set(key, s);
    }
    return s;
  }

  private orgOf(path: string): string {
    const fallback = this.defaultOrganization ?? "_global";
    const m = /^\/(organizations|networks|devices)\/([^/?]+)/.exec(path);
    if (!m) return fallback;
    const id = decodeURIComponent(m[2]);
    if (m[1] === "organizations") return id;
    return (m[1] === "networks" ? this.networkOrg.get(id) : this.deviceOrg.get(id)) ?? fallback;
  }

  private url(path: string, query?: RequestOptions["query"]): URL {
    const u = new URL(/^https?:\/\//.test(path) ? path : this.baseUrl + path);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v) u.searchParams.append(`${k}[]`, item);
      else u.searchParams.set(k, v);
    }
    return u;
  }

  async request<T = unknown>(opts: RequestOptions): Promise<ApiResponse<T>> {
    const idempotent = opts.idempotent ?? opts.method !== "POST";
    let url = this.url(opts.path, opts.query);
    const path = url.pathname.replace(/^\/api\/v\d+/, "");
    const org = opts.organizationId ?? this.orgOf(path);
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    let sendKey = true;
    let redirects = 0;
    let method: string = opts.method;
    const fail = (code: ErrorCode, message: string, extra: Partial<DashboardApiError["details"]> = {}) =>
      new DashboardApiError(code, `${opts.method} ${path}: ${message}`, { method: opts.method, path, errors: [], ...extra });
    const from = this.baseUrlSource ? `; base URL from ${this.baseUrlSource}` : "";
    // An attempt was sent and got no clear answer (lost, or 5xx): it may have taken effect.
    let uncertain = false;
    const aborted = () => {
      this.log(`${opts.method} ${path} → not sent: aborted`);
      return fail("ABORTED", `not sent: the run was interrupted${uncertain ? " (an earlier attempt got no clear answer)" : ""}`, { maybeCommitted: uncertain });
    };

    for (let attempt = 1; ; attempt++) {
      if (!(await this.limiter.acquire(org, opts.signal))) throw aborted();
      this.stats.requests++;
      const started = this.clock.now();
      const pending: PendingRequest = { method, host: url.host, path, startedAt: started };
      this.inFlight.add(pending);
      let res: Dispatcher.ResponseData;
      let text: string;
      try {
        res = await request(url, {
          method: method as Dispatcher.HttpMethod,
          dispatcher: this.dispatcher,
          headers: {
            ...(sendKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
            accept: "application/json",
            "user-agent": this.userAgent,
            ...(body !== undefined ? { "content-type": "application/json" } : {}),
          },
          body: method === "GET" ? undefined : body,
          headersTimeout: this.opts.responseTimeoutMs,
          bodyTimeout: this.opts.responseTimeoutMs,
        });
        // A body cut off or stalled is as lost as no answer at all.
        text = await res.body.text();
      } catch (err) {
        this.stats.networkErrors++;
        const elapsed = this.clock.now() - started;
        const phase = timeoutPhase(err);
        if (phase) {
          // Never retried: a silent server must fail within the limit, not a multiple of it. A
          // connection that never opened sent nothing; a request without an answer may have been
          // committed (a POST of a batch: the engine looks for it before creating it again).
          const ms = phase === "connect" ? this.opts.connectTimeoutMs : this.opts.responseTimeoutMs;
          const what = phase === "connect" ? `could not connect within ${formatSeconds(ms)} (connect timeout) to` : `no response within ${formatSeconds(ms)} (response timeout) from`;
          this.log(`${opts.method} ${path} → ${phase} timeout after ${elapsed} ms (${url.host})`);
          throw fail("NETWORK_ERROR", `${what} ${url}${from}`, { url: url.toString(), timeout: { phase, ms }, maybeCommitted: !idempotent && phase !== "connect" });
        }
        const reason = (err as Error).message;
        this.log(`${opts.method} ${path} → connection failed after ${elapsed} ms (${reason})`);
        uncertain = true;
        if (idempotent && (await this.mayRetry(attempt, opts.method, path, "connection failed", undefined, opts.maxAttempts, opts.signal))) continue;
        if (idempotent && opts.signal?.aborted) throw aborted();
        throw fail("NETWORK_ERROR", `connection failed: ${reason} (${url}${from})`, { url: url.toString(), maybeCommitted: !idempotent });
      } finally {
        this.inFlight.delete(pending);
      }
      const requestId = header(res.headers, "x-request-id");
      this.log(`${opts.method} ${path} → ${res.statusCode} (${this.clock.now() - started} ms${requestId ? `, request id ${requestId}` : ""})`);

      if (res.statusCode >= 300 && res.statusCode < 400 && header(res.headers, "location")) {
        if (++redirects > DEFAULTS.maxRedirects) throw fail("API_ERROR", "too many redirects", { status: res.statusCode });
        url = new URL(header(res.headers, "location")!, url);
        // Shards of the Dashboard keep the key; anything else does not get it.
        sendKey = sendKey && (DASHBOARD_HOSTS.test(url.hostname) || url.host === new URL(this.baseUrl).host);
        if (res.statusCode === 303) method = "GET";
        attempt--;
        continue;
      }

      const errors = parseErrors(text);
      if (res.statusCode === 429) {
        this.stats.rateLimited++;
        const retryAfter = Number(header(res.headers, "retry-after"));
        const wait = Number.isFinite(retryAfter) && retryAfter >= 0 && header(res.headers, "retry-after") !== undefined
          ? retryAfter * 1000
          : backoffMs(attempt, 1000, DEFAULTS.rateLimitFallbackMaxMs, this.random);
        this.limiter.pause(org, wait);
        // A 429 was not processed, so even a POST can be repeated.
        if (await this.mayRetry(attempt, opts.method, path, `429, waiting ${wait} ms`, 0, opts.maxAttempts, opts.signal)) continue;
        if (opts.signal?.aborted) throw aborted();
        throw fail("RATE_LIMITED", `rate limited (429): ${errors.join("; ") || "too many requests"}`, { status: 429, errors, requestId });
      }
      if (res.statusCode >= 500) {
        this.stats.serverErrors++;
        uncertain = true;
        if (idempotent && (await this.mayRetry(attempt, opts.method, path, `${res.statusCode}`, undefined, opts.maxAttempts, opts.signal))) continue;
        if (idempotent && opts.signal?.aborted) throw aborted();
        throw fail("SERVER_ERROR", `server error ${res.statusCode}${errors.length ? `: ${errors.join("; ")}` : ""}${requestId ? ` (request id ${requestId})` : ""}`, {
          status: res.statusCode,
          errors,
          requestId,
          maybeCommitted: !idempotent,
        });
      }
      if (res.statusCode >= 400) {
        const code: ErrorCode = res.statusCode === 401 || res.statusCode === 403 ? "AUTH_FAILED" : res.statusCode === 404 ? "NOT_FOUND" : "API_ERROR";
        const what = errors.length ? errors.join("; ") : res.statusCode === 404 ? "not found (or not visible to this API key)" : `HTTP ${res.statusCode}`;
        // A 404 that names nothing (no such path: a wrong base URL) says where the request went.
        const where = res.statusCode === 404 && errors.every((e) => /^not found\.?$/i.test(e)) ? ` (${url}${from})` : "";
        const err = fail(code, `${res.statusCode} ${what}${where}`, { status: res.statusCode, errors, requestId, url: url.toString() });
        throw res.statusCode === 404 ? await this.explainNotFound(err, path) : err;
      }
      let parsed: unknown = undefined;
      if (text) {
        try {
          parsed = JSON.parse(text);
        } catch {
          // A truncated 2xx body is a transport problem; repeat reads.
          if (opts.method === "GET" && (await this.mayRetry(attempt, opts.method, path, "invalid JSON", undefined, opts.maxAttempts, opts.signal))) continue;
          throw fail("SERVER_ERROR", "the response was not valid JSON", { status: res.statusCode, requestId });
        }
      }
      const answering = organizationOfPath(path);
      if (answering) this.answeringOrgs.add(answering);
      // Successes earn retries back, so a long-lived client (the Pulumi provider) is not starved.
      this.retryBudget = Math.min(this.retryBudgetMax, this.retryBudget + DEFAULTS.retryBudgetRefill);
      return { status: res.statusCode, body: parsed as T, headers: res.headers, requestId };
    }
  }

  /** A 404 under an organization the key does not see says so, listing those it does. */
  private async explainNotFound(err: DashboardApiError, path: string): Promise<DashboardApiError> {
    const organizationId = organizationOfPath(path);
    if (!organizationId || this.answeringOrgs.has(organizationId)) return err;
    this.organizations ??= visibleOrganizations(this);
    try {
      return explainOrganizationNotFound(err, organizationId, await this.organizations);
    } catch {
      this.organizations = undefined;
      return err; // the list itself failed: the original answer is all there is to say
    }
  }

  /** Waits before a retry if attempts and budget allow; false when the caller must give up (or the signal aborted). */
  private async mayRetry(attempt: number, method: string, path: string, why: string, waitMs?: number, maxAttempts = this.opts.maxAttempts, signal?: AbortSignal): Promise<boolean> {
    if (attempt >= maxAttempts || signal?.aborted) return false;
    if (this.retryBudget < 1) {
      throw new DashboardApiError("RETRY_BUDGET_EXHAUSTED", `${method} ${path}: retry budget exhausted (${why})`, { method, path, errors: [] });
    }
    this.retryBudget--;
    this.stats.retries++;
    const wait = waitMs ?? backoffMs(attempt - 1, this.opts.backoffBaseMs, this.opts.backoffMaxMs, this.random);
    this.log(`${method} ${path}: retry ${attempt} after ${why}${wait ? ` in ${wait} ms` : ""}`);
    if (wait > 0) await sleepOrAbort(this.clock, wait, signal);
    return !signal?.aborted;
  }

  get<T = unknown>(path: string, query?: RequestOptions["query"]): Promise<T> {
    return this.request<T>({ method: "GET", path, query }).then((r) => r.body);
  }

  put<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.request<T>({ method: "PUT", path, body }).then((r) => r.body);
  }

  post<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.request<T>({ method: "POST", path, body }).then((r) => r.body);
  }

  delete(path: string): Promise<void> {
    return this.request({ method: "DELETE", path }).then(() => undefined);
  }

  /** Every page of a paginated collection, following `Link: <…>; rel=next`. */
  async getAll<T>(path: string, query?: RequestOptions["query"]): Promise<T[]> {
    const out: T[] = [];
    let res = await this.request<T[]>({ method: "GET", path, query });
    const org = this.orgOf(path);
    for (let page = 0; ; page++) {
      if (!Array.isArray(res.body)) throw new MerakiBatchError("API_ERROR", `GET ${path}: expected a list`);
      out.push(...res.body);
      const link = nextLink(header(res.headers, "link"));
      if (!link || res.body.length === 0) return out;
      const next = new URL(link, this.baseUrl).toString();
      if (new URL(next).origin !== new URL(this.baseUrl).origin && !DASHBOARD_HOSTS.test(new URL(next).hostname)) {
        throw new MerakiBatchError("API_ERROR", `GET ${path}: refusing to follow a pagination link to another host`);
      }
      if (page > 10_000) throw new MerakiBatchError("API_ERROR", `GET ${path}: pagination does not end`);
      res = await this.request<T[]>({ method: "GET", path: next, organizationId: org });
    }
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}

/** Which limit an undici error reports, if it is a timeout. */
function timeoutPhase(err: unknown): "connect" | "response" | undefined {
  const code = (err as { code?: string })?.code;
  if (code === "UND_ERR_CONNECT_TIMEOUT") return "connect";
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") return "response";
  return undefined;
}

/** 300 → "0.3 s", 60000 → "60 s" */
export function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseErrors(text: string): string[] {
  try {
    const body = JSON.parse(text);
    if (body && Array.isArray(body.errors)) return body.errors.map(String);
  } catch {
    // Not JSON (the Dashboard sometimes answers 404 with an empty or HTML body).
  }
  return [];
}

/** The `rel=next` URL of an RFC 5988 Link header (rel quoted or not). */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /<([^>]+)>\s*;(.*)$/.exec(part.trim());
    if (m && /(^|;)\s*rel\s*=\s*"?next"?\s*(;|$)/i.test(m[2])) return m[1];
  }
  return undefined;
}
