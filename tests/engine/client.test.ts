/** The Dashboard client against scripted servers: retries, backoff, redirects, pagination, errors. */
import * as http from "http";
import { AddressInfo } from "net";
import { DashboardApiError, DashboardClient, MerakiBatchError } from "../../provider";
import { nextLink } from "../../provider/dashboard/client";
import { OrgRateLimiter } from "../../provider/dashboard/rate-limiter";
import { backoffMs } from "../../provider/dashboard/backoff";

const KEY = "secret-key-0123456789abcdef0123456789";

interface Scripted {
  url: string;
  seen: Array<{ method: string; url: string; auth?: string; body: string }>;
  close(): Promise<void>;
}

/** A server that answers from a list of [status, body, headers] in order (the last repeats). */
async function scripted(replies: Array<[number, unknown, Record<string, string>?] | ((req: http.IncomingMessage) => [number, unknown, Record<string, string>?])>): Promise<Scripted> {
  const seen: Scripted["seen"] = [];
  let i = 0;
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      const r = replies[Math.min(i++, replies.length - 1)];
      const [status, payload, headers] = typeof r === "function" ? r(req) : r;
      if (status === 0) {
        req.socket.destroy();
        return;
      }
      res.writeHead(status, { "Content-Type": "application/json", ...(headers ?? {}) });
      res.end(payload === undefined ? "" : typeof payload === "string" ? payload : JSON.stringify(payload));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`,
    seen,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

function fakeClock() {
  const c = { t: 0, sleeps: [] as number[], now: () => c.t, sleep: async (ms: number) => { c.sleeps.push(ms); c.t += ms; } };
  return c;
}

const servers: Scripted[] = [];
const clients: DashboardClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function setup(replies: Parameters<typeof scripted>[0], opts: Partial<ConstructorParameters<typeof DashboardClient>[0]> = {}) {
  const server = await scripted(replies);
  servers.push(server);
  const clock = fakeClock();
  const client = new DashboardClient({ apiKey: KEY, baseUrl: server.url, clock, random: () => 1, requestsPerSecond: 0, ...opts });
  clients.push(client);
  return { server, client, clock };
}

test("sends the key as a Bearer header, never in the URL", async () => {
  const { server, client } = await setup([[200, { ok: true }]]);
  await client.get("/organizations");
  expect(server.seen[0]).toMatchObject({ method: "GET", url: "/api/v1/organizations", auth: `Bearer ${KEY}` });
});

test("honours Retry-After on 429, for POST too (a 429 was not processed)", async () => {
  const { server, client, clock } = await setup([[429, { errors: ["API rate limit exceeded for organization"] }, { "Retry-After": "2" }], [201, { id: "1" }]], { requestsPerSecond: 10 });
  const res = await client.request({ method: "POST", path: "/organizations/1/actionBatches", body: { actions: [] } });
  expect(res.status).toBe(201);
  expect(server.seen).toHaveLength(2);
  expect(clock.t).toBeGreaterThanOrEqual(2000);
  expect(client.stats).toMatchObject({ requests: 2, retries: 1, rateLimited: 1 });
});

test("a 429 without Retry-After backs off exponentially with jitter, capped", async () => {
  const { client, clock } = await setup([[429, {}], [429, {}], [429, {}], [200, []]], { requestsPerSecond: 10 });
  await client.get("/organizations");
  // random()=1 takes the top of each window: 2 s, 4 s, 8 s (base 1 s, doubling per attempt)
  expect(clock.t).toBeGreaterThanOrEqual(2000 + 4000 + 8000);
  expect(backoffMs(10, 1000, 60_000, () => 1)).toBe(60_000);
  expect(backoffMs(0, 1000, 60_000, () => 0)).toBe(500);
});

test("retries 5xx and lost connections for reads and idempotent writes", async () => {
  const { server, client, clock } = await setup([[503, { errors: ["busy"] }], [0, undefined], [200, { name: "x" }]]);
  expect(await client.put("/devices/Q", { name: "x" })).toEqual({ name: "x" });
  expect(server.seen.map((s) => s.method)).toEqual(["PUT", "PUT", "PUT"]);
  expect(clock.sleeps).toEqual([500, 1000]);
});

test("never repeats a POST after a 5xx or a lost response: it may have been committed", async () => {
  const { server, client } = await setup([[502, { errors: ["bad gateway"] }]]);
  const err = await client.post("/organizations/1/actionBatches", {}).catch((e) => e);
  expect(err).toBeInstanceOf(DashboardApiError);
  expect(err).toMatchObject({ code: "SERVER_ERROR", details: { maybeCommitted: true, status: 502 } });
  expect(server.seen).toHaveLength(1);
  const lost = await setup([[0, undefined]]);
  const err2 = await lost.client.post("/organizations/1/actionBatches", {}).catch((e) => e);
  expect(err2).toMatchObject({ code: "NETWORK_ERROR", details: { maybeCommitted: true } });
  expect(lost.server.seen).toHaveLength(1);
});

test("gives up after the attempts allowed, with a typed error carrying status, errors and request id", async () => {
  const { server, client } = await setup([[500, { errors: ["boom"] }, { "X-Request-Id": "req-1" }]], { maxAttempts: 3 });
  const err: any = await client.get("/organizations").catch((e) => e);
  expect(server.seen).toHaveLength(3);
  expect(err).toMatchObject({ code: "SERVER_ERROR", details: { status: 500, errors: ["boom"], requestId: "req-1", method: "GET", path: "/organizations" } });
  expect(err.message).toBe("GET /organizations: server error 500: boom (request id req-1)");
});

test("the retry budget caps retries across requests, and successes earn retries back", async () => {
  const { client } = await setup([[500, {}]], { retryBudget: 2, maxAttempts: 5 });
  const err = await client.get("/organizations").catch((e) => e);
  expect(err).toMatchObject({ code: "RETRY_BUDGET_EXHAUSTED" });
  expect(client.stats.retries).toBe(2);

  // Each success earns 0.2 of a retry back: after spending its one retry, a client needs five successes for another.
  const replies: Array<[number, unknown]> = [[500, {}], [200, {}], ...Array(4).fill([200, {}]), [500, {}], [200, {}], [500, {}]];
  const earned = await setup(replies, { retryBudget: 1, maxAttempts: 5 });
  await earned.client.get("/a"); // 500, retried (budget 0), 200 (0.2)
  for (let i = 0; i < 4; i++) await earned.client.get("/b"); // 1.0
  await earned.client.get("/c"); // 500, retried (budget 0), 200 (0.2)
  expect(earned.client.stats.retries).toBe(2);
  await expect(earned.client.get("/d")).rejects.toMatchObject({ code: "RETRY_BUDGET_EXHAUSTED" });
});

test("4xx answers are typed and keep the API's errors", async () => {
  const { client } = await setup([
    [400, { errors: ["'name' must be a string"] }],
    [401, { errors: ["Invalid API key"] }],
    [404, ""],
  ]);
  await expect(client.put("/devices/Q", { name: 1 })).rejects.toMatchObject({ code: "API_ERROR", errors: ["'name' must be a string"], status: 400 });
  await expect(client.get("/organizations")).rejects.toMatchObject({ code: "AUTH_FAILED", status: 401 });
  await expect(client.get("/organizations/9")).rejects.toThrow("GET /organizations/9: 404 not found (or not visible to this API key)");
});

test("the API key appears in no error message", async () => {
  const { client } = await setup([[400, { errors: ["nope"] }], [500, {}], [0, undefined]], { maxAttempts: 1 });
  const errors: any[] = [await client.get("/a").catch((e) => e), await client.get("/b").catch((e) => e), await client.get("/c").catch((e) => e)];
  for (const e of errors) {
    expect(MerakiBatchError.is(e)).toBe(true);
    expect(JSON.stringify({ ...e, message: e.message, stack: e.stack })).not.toContain(KEY);
  }
});

test("redirects keep the key on the same host and drop it for another host", async () => {
  const other = await scripted([[200, { where: "other" }]]);
  servers.push(other);
  const { server, client } = await setup([
    (req) => (req.url === "/api/v1/a" ? [307, "", { Location: "/api/v1/b" }] : [200, {}]),
    (req) => (req.url === "/api/v1/b" ? [302, "", { Location: `${other.url}/c` }] : [200, {}]),
  ]);
  expect(await client.get("/a")).toEqual({ where: "other" });
  expect(server.seen.map((s) => [s.url, s.auth])).toEqual([["/api/v1/a", `Bearer ${KEY}`], ["/api/v1/b", `Bearer ${KEY}`]]);
  expect(other.seen[0].auth).toBeUndefined();
});

test("pagination follows Link rel=next, quoted or not", async () => {
  const { server, client } = await setup([
    (req) => [200, [{ n: 1 }], { Link: `<http://${req.headers.host}/api/v1/x?startingAfter=1>; rel=next, <http://${req.headers.host}/api/v1/x>; rel=first` }],
    (req) => [200, [{ n: 2 }], { Link: `<http://${req.headers.host}/api/v1/x?startingAfter=2>; rel="next"` }],
    [200, [{ n: 3 }], { Link: "<http://x/first>; rel=first" }],
  ]);
  expect(await client.getAll("/x")).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  expect(server.seen.map((s) => s.url)).toEqual(["/api/v1/x", "/api/v1/x?startingAfter=1", "/api/v1/x?startingAfter=2"]);
  expect(nextLink('<https://a/b?c=1>; rel=prev, <https://a/b?c=2>; rel=next')).toBe("https://a/b?c=2");
});

test("the per-organization limiter allows a burst, then spaces requests, per organization", async () => {
  const clock = fakeClock();
  const limiter = new OrgRateLimiter(10, clock);
  for (let i = 0; i < 9; i++) await limiter.acquire("A");
  expect(clock.t).toBe(0);
  await limiter.acquire("A");
  expect(clock.t).toBe(100);
  await limiter.acquire("B");
  expect(clock.t).toBe(100);
  limiter.pause("A", 2000);
  const before = clock.t;
  await limiter.acquire("A");
  expect(clock.t - before).toBeGreaterThanOrEqual(2000);
});

test("an aborted signal cancels a request waiting in the limiter or between retries: it is not sent (again)", async () => {
  // A clock whose sleeps never end: only the abort can release a waiting request.
  const stuck = { now: () => 0, sleep: () => new Promise<void>(() => undefined) };
  const limiter = new OrgRateLimiter(1, stuck);
  expect(await limiter.acquire("A")).toBe(true);
  const controller = new AbortController();
  const queued = limiter.acquire("A", controller.signal);
  controller.abort();
  expect(await queued).toBe(false);
  expect(await limiter.acquire("A", controller.signal)).toBe(false);

  const server = await scripted([[503, { errors: ["busy"] }], [200, { ok: true }]]);
  servers.push(server);
  const abort = new AbortController();
  const client = new DashboardClient({ apiKey: KEY, baseUrl: server.url, requestsPerSecond: 0, random: () => 1, clock: { now: () => 0, sleep: async () => abort.abort() } });
  clients.push(client);
  const err = await client.request({ method: "PUT", path: "/organizations/1/actionBatches/7", body: { confirmed: true }, signal: abort.signal }).catch((e) => e);
  expect(err).toBeInstanceOf(DashboardApiError);
  expect(err.code).toBe("ABORTED");
  // The first attempt was answered 503: it may have taken effect, which the caller must learn.
  expect(err.details.maybeCommitted).toBe(true);
  expect(server.seen).toHaveLength(1);
});
