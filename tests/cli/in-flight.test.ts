/**
 * Issue #21.8: a confirmation whose answer was lost keeps its slot until its outcome is known.
 * The answer to the first confirmation is lost and the API then refuses (429) every retry and
 * the check that follows; once it answers again, the batch is found running. Under
 * --max-in-flight 1 the second batch must wait for it: the request log's runningBatches (the
 * organization's confirmed, unfinished batches after each request) never exceeds 1.
 */
import { DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { ROOT, cli } from "../helpers/cli";
import { Proxy, faultyProxy } from "../helpers/proxy";
import { removeTempPrograms, tempProgram } from "../helpers/programs";

let t: TestEmulator;
let proxy: Proxy;
afterEach(async () => {
  await proxy?.close();
  await t?.close();
  removeTempPrograms();
});

const sixPorts = () =>
  tempProgram("six", {
    "index.js": `const meraki = require(${JSON.stringify(ROOT)});\nfor (let p = 11; p <= 16; p++) new meraki.SwitchPort("p" + p, { serial: "AAAA-BBBB-CCCC", portId: String(p), name: "Slot " + p });\n`,
    "Pulumi.dev.yaml": `config:\n  meraki-batch:organizationId: "1234567"\n`,
  });

test("a confirmation whose answer was lost, and whose check was refused, keeps its slot: --max-in-flight 1 holds", async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 1500 });
  // The first confirmation reaches the API and its answer is lost; the next 9 requests (the 4 retries
  // of the confirmation, the 5 attempts of the check) are refused with 429 and Retry-After 0.
  let refusals = -1;
  proxy = await faultyProxy(t.emu.url, ({ method, path, body }) => {
    if (refusals < 0 && method === "PUT" && /\/actionBatches\/\d+$/.test(path) && /"confirmed":true/.test(body)) {
      refusals = 9;
      return "loseAnswer";
    }
    if (refusals > 0) {
      refusals--;
      return { status: 429, headers: { "Retry-After": "0" }, body: { errors: ["API rate limit exceeded for organization"] } };
    }
    return "forward";
  });
  const env = { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: proxy.url, MERAKI_ORGANIZATION_ID: undefined };
  const r = await cli(["apply", sixPorts(), "--yes", "--max-batch-size", "3", "--max-in-flight", "1", "--sync", "never"], { env });
  expect(proxy.seen.filter((s) => s.verdict === "429")).toHaveLength(9);
  const log = await t.control.requests();
  expect(Math.max(...log.map((q) => q.runningBatches))).toBe(1);
  expect(r.stdout).toMatch(/\nApplied: 6 applied, 0 failed, 0 not applied, 0 unchanged; 2 of 2 batches completed; read back: every applied field is live\.\n$/);
  expect(r.code).toBe(0);
}, 60_000);
