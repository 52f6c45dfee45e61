/**
 * Time limits as a user meets them: a server that accepts and never answers, and one that never
 * accepts, give an error within about the limit (a timed-out request is not retried) that names
 * the URL, the limit and where the base URL came from (flag, stack file, environment).
 */
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { cli } from "../helpers/cli";
import { removeTempPrograms, smallWithStack } from "../helpers/programs";
import { SilentServer, silentServer, unacceptingServer } from "../helpers/unresponsive";

let silent: SilentServer;
let t: TestEmulator;
const env = {
  MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY,
  MERAKI_DASHBOARD_API_BASE_URL: undefined,
  MERAKI_ORGANIZATION_ID: undefined,
  MERAKI_BATCH_DEBUG: undefined,
  MERAKI_BATCH_CONNECT_TIMEOUT: undefined,
  MERAKI_BATCH_RESPONSE_TIMEOUT: undefined,
};

beforeAll(async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0 });
});
afterAll(() => t.close());
beforeEach(async () => {
  silent = await silentServer();
});
afterEach(async () => {
  await silent.close();
  removeTempPrograms();
});

/** undici checks its timers every ~0.5 s, so a limit fires up to ~1 s late; the rest is slack for a loaded machine. */
const LATE_MS = 1000 + 4000;

/** Every request the silent server received, once each: nothing was retried. */
function requestsOnce(s: SilentServer): string[] {
  const all = s.connections.flatMap((c) => c.requests);
  expect(new Set(all).size).toBe(all.length);
  return all;
}

test("--response-timeout: a server that never answers fails once, within the limit, naming the URL, the limit and --base-url", async () => {
  const r = await cli(["batches", "list", "--org", "1234567", "--base-url", silent.url, "--response-timeout", "1"], { env });
  const exited = Date.now();
  expect(r.code).toBe(1);
  // Not a terminal: no "waiting for" line, only the error.
  expect(r.stderr).toBe(
    [
      `error: GET /organizations/1234567/actionBatches: no response within 1 s (response timeout) from ${silent.url}/organizations/1234567/actionBatches; base URL from --base-url`,
      "hint: the server took the request but did not answer in time. A slow server: raise --response-timeout SECONDS (meraki-batch:responseTimeout, MERAKI_BATCH_RESPONSE_TIMEOUT); the wrong one: --base-url",
      "",
    ].join("\n"),
  );
  expect(requestsOnce(silent)).toEqual(["GET /api/v1/organizations/1234567/actionBatches HTTP/1.1"]);
  await silent.allClosed();
  const [c] = silent.connections;
  expect(c.closedAt! - c.acceptedAt).toBeGreaterThanOrEqual(1000 - 50);
  expect(exited - c.acceptedAt).toBeLessThan(1000 + LATE_MS);
});

test("the base URL from the stack file: the error names the file and key; a set MERAKI_DASHBOARD_API_BASE_URL gets a note", async () => {
  const dir = smallWithStack({ "meraki-batch:baseUrl": silent.url, "meraki-batch:organizationId": "1234567", "meraki-batch:responseTimeout": "1" });
  const stackFile = path.join(dir, "Pulumi.dev.yaml"); // outside the working directory: shown absolute
  const r = await cli(["plan", dir], { env: { ...env, MERAKI_DASHBOARD_API_BASE_URL: t.emu.url } });
  expect(r.code).toBe(1);
  const lines = r.stderr.split("\n");
  expect(lines[0]).toBe(`note: using ${silent.url} from ${stackFile} (meraki-batch:baseUrl), not MERAKI_DASHBOARD_API_BASE_URL=${t.emu.url} (the stack file comes before the environment; --base-url overrides both)`);
  // The plan reads several collections at once; whichever timed out first is reported.
  const m = /^error: GET (\/\S+): no response within 1 s \(response timeout\) from (\S+); base URL from (.+)$/.exec(lines[1]);
  expect(m).not.toBeNull();
  expect(m![2]).toBe(silent.url + m![1]);
  expect(m![3]).toBe(`${stackFile} (meraki-batch:baseUrl)`);
  expect(requestsOnce(silent).length).toBeGreaterThanOrEqual(1);

  // --base-url overrides both, quietly.
  const fixed = await cli(["plan", dir, "--base-url", t.emu.url], { env: { ...env, MERAKI_DASHBOARD_API_BASE_URL: t.emu.url } });
  expect(fixed.stderr).toBe("");
  expect(fixed.code).toBe(0);
  // The same value in both places: nothing to point out.
  const same = await cli(["plan", smallWithStack({ "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": "1234567" })], { env: { ...env, MERAKI_DASHBOARD_API_BASE_URL: t.emu.url } });
  expect(same.stderr).toBe("");
  expect(same.code).toBe(0);
});

test("the base URL and the limit from the environment", async () => {
  const r = await cli(["batches", "list", "--org", "1234567"], { env: { ...env, MERAKI_DASHBOARD_API_BASE_URL: silent.url, MERAKI_BATCH_RESPONSE_TIMEOUT: "0.5" } });
  expect(r.code).toBe(1);
  expect(r.stderr.split("\n")[0]).toBe(
    `error: GET /organizations/1234567/actionBatches: no response within 0.5 s (response timeout) from ${silent.url}/organizations/1234567/actionBatches; base URL from MERAKI_DASHBOARD_API_BASE_URL`,
  );
  expect(requestsOnce(silent)).toHaveLength(1);
});

test("MERAKI_BATCH_DEBUG=1 adds where each setting came from, a line per request and the error's details; never the key", async () => {
  const r = await cli(["batches", "list", "--org", "1234567", "--base-url", silent.url, "--response-timeout", "0.5"], { env: { ...env, MERAKI_BATCH_DEBUG: "1" } });
  expect(r.code).toBe(1);
  const lines = r.stderr.split("\n");
  expect(lines[0]).toBe(`debug: base URL ${silent.url} (from --base-url); connect timeout 10 s (from the built-in default), response timeout 0.5 s (from --response-timeout)`);
  expect(lines[1]).toBe("debug: organization 1234567 (from --org)");
  expect(lines[2]).toMatch(new RegExp(`^debug: GET /organizations/1234567/actionBatches → response timeout after \\d+ ms \\(127\\.0\\.0\\.1:\\d+\\)$`));
  expect(lines[3]).toMatch(/^error: GET \/organizations\/1234567\/actionBatches: no response within 0\.5 s/);
  expect(lines).toContain(`debug: details: {"method":"GET","path":"/organizations/1234567/actionBatches","errors":[],"url":"${silent.url}/organizations/1234567/actionBatches","timeout":{"phase":"response","ms":500},"maybeCommitted":false}`);
  expect(lines.some((l) => /^debug:\s+at .*client\.js/.test(l))).toBe(true);
  expect(lines.filter((l) => /retry/.test(l))).toEqual([]);
  expect(r.stderr).not.toContain(DEMO_API_KEY);
});

test("bad limits are refused before anything is sent, naming where they came from", async () => {
  const flag = await cli(["batches", "list", "--org", "1234567", "--base-url", silent.url, "--connect-timeout", "0"], { env });
  expect(flag).toMatchObject({ code: 2, stderr: "error: the connect timeout must be a number of seconds above 0 and at most 3600, got '0' from --connect-timeout\n" });
  const dir = smallWithStack({ "meraki-batch:baseUrl": silent.url, "meraki-batch:responseTimeout": "60000" });
  const config = await cli(["plan", dir], { env });
  expect(config.stderr).toBe(`error: the response timeout must be a number of seconds above 0 and at most 3600, got '60000' from ${path.join(dir, "Pulumi.dev.yaml")} (meraki-batch:responseTimeout)\n`);
  expect(silent.connections).toEqual([]);
});

// A connection that is never accepted needs a listening socket whose accept queue is full; how
// long that queue is depends on the kernel (Linux: backlog + 1). Unroutable addresses are not
// available here, so this is the locally testable case.
const linux = process.platform === "linux" ? test : test.skip;
linux("--connect-timeout: a server that never accepts the connection fails once, within the limit", async () => {
  const never = await unacceptingServer();
  try {
    const started = Date.now();
    const r = await cli(["batches", "list", "--org", "1234567", "--base-url", never.url, "--connect-timeout", "1"], { env: { ...env, MERAKI_BATCH_DEBUG: "1" } });
    expect(Date.now() - started).toBeLessThan(1000 + LATE_MS + 2000 /* the command's start */);
    expect(r.code).toBe(1);
    const lines = r.stderr.split("\n");
    expect(lines.filter((l) => l.startsWith("debug: GET "))).toEqual([expect.stringMatching(/^debug: GET \/organizations\/1234567\/actionBatches → connect timeout after \d+ ms \(127\.0\.0\.1:\d+\)$/)]);
    expect(lines).toContain(`error: GET /organizations/1234567/actionBatches: could not connect within 1 s (connect timeout) to ${never.url}/organizations/1234567/actionBatches; base URL from --base-url`);
    expect(lines).toContain(
      "hint: nothing accepted the connection in time: is the Dashboard API (or the emulator) reachable at that address? A slow network: raise --connect-timeout SECONDS (meraki-batch:connectTimeout, MERAKI_BATCH_CONNECT_TIMEOUT)",
    );
  } finally {
    await never.close();
  }
});
