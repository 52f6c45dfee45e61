/**
 * The client's time limits and organization errors, below the CLI (so the Pulumi provider gets
 * them too): timeouts are typed, name the URL, the limit and the base URL's source, are never
 * retried, and keep the "may have been committed" rule for a POST; a 404 under an organization
 * the key does not see lists the ones it does. Real sockets on 127.0.0.1, small limits.
 */
import * as http from "http";
import { AddressInfo } from "net";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { DashboardApiError, DashboardClient, Engine, realClock } from "../../provider";
import { DEFAULTS } from "../../provider/defaults";
import { clientOptions, parseSeconds, resolveSettings } from "../../provider/dynamic/settings";
import { testEmulator } from "../helpers/api";
import { docScenario } from "../helpers/engine";
import { silentServer, unacceptingServer } from "../helpers/unresponsive";

const clients: DashboardClient[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(closers.splice(0).map((c) => c()));
});

function client(baseUrl: string, opts: Partial<ConstructorParameters<typeof DashboardClient>[0]> = {}): DashboardClient {
  const c = new DashboardClient({ apiKey: DEMO_API_KEY, baseUrl, requestsPerSecond: 0, clock: realClock, ...opts });
  clients.push(c);
  return c;
}

async function silent() {
  const s = await silentServer();
  closers.push(() => s.close());
  return s;
}

describe("response timeout", () => {
  test("a GET without an answer fails once, typed, naming the URL, the limit and the source; pending while it waits", async () => {
    const s = await silent();
    const c = client(s.url, { responseTimeoutMs: 300, baseUrlSource: "the stack config (meraki-batch:baseUrl)" });
    const request = c.get("/organizations/1234567/networks").catch((e: DashboardApiError) => e);
    // While it waits, the client says what it waits for (the terminal's waiting line reads this).
    await s.requestsArrived(1);
    expect(c.pending()).toEqual([{ method: "GET", host: new URL(s.url).host, path: "/organizations/1234567/networks", startedAt: expect.any(Number) }]);
    const err = (await request) as DashboardApiError;
    expect(err).toBeInstanceOf(DashboardApiError);
    expect(err.message).toBe(`GET /organizations/1234567/networks: no response within 0.3 s (response timeout) from ${s.url}/organizations/1234567/networks; base URL from the stack config (meraki-batch:baseUrl)`);
    expect(err).toMatchObject({ code: "NETWORK_ERROR", details: { timeout: { phase: "response", ms: 300 }, maybeCommitted: false, url: `${s.url}/organizations/1234567/networks` } });
    expect(c.pending()).toEqual([]);
    expect(c.stats.retries).toBe(0);
    expect(s.connections.flatMap((x) => x.requests)).toEqual(["GET /api/v1/organizations/1234567/networks HTTP/1.1"]);
  });

  test("a POST without an answer may have been committed, and is not repeated", async () => {
    const s = await silent();
    const err = await client(s.url, { responseTimeoutMs: 300 }).post("/organizations/1234567/actionBatches", { actions: [] }).catch((e) => e);
    expect(err).toMatchObject({ code: "NETWORK_ERROR", details: { timeout: { phase: "response", ms: 300 }, maybeCommitted: true } });
    expect(s.connections.flatMap((x) => x.requests)).toEqual(["POST /api/v1/organizations/1234567/actionBatches HTTP/1.1"]);
  });

  test("a body that stops halfway times out too; one cut off is a lost response, and reads are repeated", async () => {
    let served = 0;
    const server = http.createServer((req, res) => {
      served++;
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "30" });
      if (req.url!.endsWith("/stall")) res.write('[{"id":'); // and nothing more
      else if (served === 2) {
        res.write('[{"id":');
        res.socket!.destroy();
      } else res.end(JSON.stringify([{ id: "N_1", name: "x" }]).padEnd(30));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
    const c = client(base, { responseTimeoutMs: 300, backoffBaseMs: 1 });
    const stalled = await c.get("/organizations/1/stall").catch((e) => e);
    expect(stalled).toMatchObject({ code: "NETWORK_ERROR", details: { timeout: { phase: "response", ms: 300 } } });
    expect(await c.get("/organizations/1/networks")).toEqual([{ id: "N_1", name: "x" }]);
    expect(served).toBe(3); // the stall, the cut-off body, its repeat
    expect(c.stats.retries).toBe(1);
  });
});

const linux = process.platform === "linux" ? test : test.skip;
linux("connect timeout: nothing was sent, so even a POST was not committed", async () => {
  const never = await unacceptingServer();
  closers.push(() => never.close());
  const c = client(never.url, { connectTimeoutMs: 300 });
  const err = (await c.post("/organizations/1234567/actionBatches", { actions: [] }).catch((e) => e)) as DashboardApiError;
  expect(err.message).toBe(`POST /organizations/1234567/actionBatches: could not connect within 0.3 s (connect timeout) to ${never.url}/organizations/1234567/actionBatches`);
  expect(err).toMatchObject({ code: "NETWORK_ERROR", details: { timeout: { phase: "connect", ms: 300 }, maybeCommitted: false } });
  expect(c.stats.retries).toBe(0);
});

test("a refused connection is retried for reads, then names the URL and the base URL's source", async () => {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r)); // nothing listens there now
  const sleeps: number[] = [];
  const clock = { now: () => 0, sleep: async (ms: number) => void sleeps.push(ms) };
  const base = `http://127.0.0.1:${port}/api/v1`;
  const err = (await client(base, { clock, random: () => 1, baseUrlSource: "MERAKI_DASHBOARD_API_BASE_URL" }).get("/organizations").catch((e) => e)) as DashboardApiError;
  expect(err.message).toBe(`GET /organizations: connection failed: connect ECONNREFUSED 127.0.0.1:${port} (${base}/organizations; base URL from MERAKI_DASHBOARD_API_BASE_URL)`);
  expect(err).toMatchObject({ code: "NETWORK_ERROR", details: { url: `${base}/organizations`, maybeCommitted: false } });
  expect(err.details.timeout).toBeUndefined();
  expect(sleeps).toEqual([500, 1000, 2000, 4000]); // DEFAULTS.maxAttempts: 5
});

describe("an organization the key does not see", () => {
  test("the engine's reads (the Pulumi provider's organizationId) say so and list the visible ones", async () => {
    const t = await testEmulator();
    closers.push(() => t.close());
    const c = client(t.emu.url);
    const err = await new Engine(c, { organizationId: "999" }).plan(docScenario()).catch((e) => e);
    expect(err).toMatchObject({ code: "ORGANIZATION_NOT_VISIBLE", details: { status: 404 } });
    expect(err.message).toBe("organization 999 is not visible to this API key; it sees 2: 1234567 (Documentation Example Org), 1234567890 (Documentation curl Org)");
  });

  test("a 404 in an organization that answered before is about the object: no extra request, the API's own error", async () => {
    const t = await testEmulator();
    closers.push(() => t.close());
    const c = client(t.emu.url);
    await c.get("/organizations/1234567/actionBatches");
    await t.control.clearRequests();
    const err = await c.get("/organizations/1234567/actionBatches/999").catch((e) => e);
    expect(err).toMatchObject({ code: "NOT_FOUND", message: "GET /organizations/1234567/actionBatches/999: 404 Action batch 999 not found" });
    expect((await t.control.requests()).map((q: { path: string }) => q.path)).toEqual(["/api/v1/organizations/1234567/actionBatches/999"]);
    // Unknown so far, but visible: one look at the list, then the API's own error.
    const fresh = client(t.emu.url);
    expect(await fresh.get("/organizations/1234567890/actionBatches/5").catch((e) => e.code)).toBe("NOT_FOUND");
  });
});

describe("provider settings: the same names as the CLI", () => {
  const none = () => undefined;
  const env = { MERAKI_DASHBOARD_API_KEY: "k" };

  test("timeouts in seconds from stack config, else the environment, else the defaults; the base URL's source", () => {
    const config = (values: Record<string, string>) => (name: string) => values[name];
    expect(resolveSettings(none, env)).toMatchObject({ connectTimeoutMs: DEFAULTS.connectTimeoutMs, responseTimeoutMs: DEFAULTS.responseTimeoutMs, baseUrlSource: "the built-in default" });
    const fromEnv = resolveSettings(none, { ...env, MERAKI_BATCH_CONNECT_TIMEOUT: "2.5", MERAKI_BATCH_RESPONSE_TIMEOUT: "0.5", MERAKI_DASHBOARD_API_BASE_URL: "http://127.0.0.1:8787/api/v1" });
    expect(fromEnv).toMatchObject({ connectTimeoutMs: 2500, responseTimeoutMs: 500, baseUrlSource: "MERAKI_DASHBOARD_API_BASE_URL" });
    const fromConfig = resolveSettings(config({ responseTimeout: "90", baseUrl: "http://127.0.0.1:1/api/v1" }), { ...env, MERAKI_BATCH_RESPONSE_TIMEOUT: "0.5" });
    expect(fromConfig).toMatchObject({ responseTimeoutMs: 90_000, baseUrl: "http://127.0.0.1:1/api/v1", baseUrlSource: "the stack config (meraki-batch:baseUrl)" });
    expect(clientOptions(fromConfig)).toEqual({ baseUrl: "http://127.0.0.1:1/api/v1", baseUrlSource: "the stack config (meraki-batch:baseUrl)", requestsPerSecond: 10, connectTimeoutMs: 10_000, responseTimeoutMs: 90_000 });
  });

  test("a timeout that is not a number of seconds is refused by name", () => {
    for (const bad of ["0", "-1", "abc", "3601", "1e9"]) {
      expect(parseSeconds(bad)).toBeUndefined();
      expect(() => resolveSettings(none, { ...env, MERAKI_BATCH_CONNECT_TIMEOUT: bad })).toThrow(
        `meraki-batch:connectTimeout (or MERAKI_BATCH_CONNECT_TIMEOUT) must be a number of seconds above 0 and at most 3600, got '${bad}'`,
      );
    }
    expect(parseSeconds(" 0.25 ")).toBe(250);
  });
});
