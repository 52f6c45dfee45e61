/**
 * Issue #21.1: after Ctrl-C no confirmation leaves the process, also one that was already waiting
 * in the client's rate limiter. The limiter is saturated on purpose (1 request per second, so the
 * confirmations of one wave leave a second apart); the request log shows what was sent.
 */
import { DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { ROOT } from "../helpers/cli";
import { spawnCli } from "../helpers/processes";
import { removeTempPrograms, tempProgram } from "../helpers/programs";

let t: TestEmulator;
afterEach(async () => {
  await t?.close();
  removeTempPrograms();
});

/** Six independent port changes: with --max-batch-size 2, three batches that wait for nothing (one wave). */
const sixPorts = () =>
  tempProgram("six", {
    "index.js": `const meraki = require(${JSON.stringify(ROOT)});\nfor (let p = 11; p <= 16; p++) new meraki.SwitchPort("p" + p, { serial: "AAAA-BBBB-CCCC", portId: String(p), name: "Queued " + p });\n`,
    "Pulumi.dev.yaml": `config:\n  meraki-batch:organizationId: "1234567"\n`,
  });

test("Ctrl-C while confirmations wait in a saturated rate limiter: none of them is sent, their drafts are deleted", async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 3000 });
  const env = { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: t.emu.url, MERAKI_ORGANIZATION_ID: undefined, MERAKI_BATCH_REQUESTS_PER_SECOND: "1" };
  const p = spawnCli(["apply", sixPorts(), "--yes", "--max-batch-size", "2", "--max-in-flight", "5", "--sync", "never"], { env });
  const [, first] = (await p.waitFor(/batch #\d \((\d+)\): confirmed\n/, 60_000)) as RegExpExecArray;
  p.child.kill("SIGINT");
  expect(await p.exited).toBe(130);

  const log = await t.control.requests();
  const confirms = log.filter((r) => r.method === "PUT" && /\/actionBatches\/\d+$/.test(r.path));
  // One confirmation went out before the interrupt; the other two were queued behind it.
  expect(confirms.map((r) => r.path)).toEqual([`/api/v1/organizations/1234567/actionBatches/${first}`]);
  expect(p.out()).toContain("Interrupted: confirming no more batches");
  expect(p.out()).toMatch(/deleted 2 unconfirmed drafts of this run/);
  const batches = (await t.api.get("/organizations/1234567/actionBatches")).body as Array<{ id: string; confirmed: boolean }>;
  expect(batches.map((b) => [b.id, b.confirmed])).toEqual([[first, true]]);
}, 90_000);
