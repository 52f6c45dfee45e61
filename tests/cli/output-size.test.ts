/**
 * Issue #21.5: output is proportional to the change, not quadratic. A shared cause (an interrupt,
 * an outage, a typo) is said once for the resources it touches, which follow in compact lines;
 * long lists are capped and counted (--json has everything). Bounds, on the campus example (480
 * ports, 5 batches): the report after the batches stays within a fixed number of lines whatever
 * the number of resources, and a plan within a few lines per changed resource.
 */
import { CAMPUS_API_KEY, DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { ROOT, cli } from "../helpers/cli";
import { spawnCli } from "../helpers/processes";
import { Proxy, faultyProxy } from "../helpers/proxy";
import { removeTempPrograms, tempProgram } from "../helpers/programs";
import * as path from "path";

const CAMPUS = path.join(ROOT, "examples", "campus");
let t: TestEmulator;
let proxy: Proxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await t?.close();
  removeTempPrograms();
});

/** The report printed after the batches: from the first outcome line to the end. */
const report = (stdout: string) => stdout.slice(stdout.search(/\n[✓○✗?≠] /) + 1);
const lines = (s: string) => s.split("\n").length;

test("an interrupt: the report says once why 480 resources were not applied (it printed a line each)", async () => {
  t = await testEmulator({ seed: "campus", frozenClock: false, rateLimit: 0, batchLatencyMs: 1500 });
  const env = { MERAKI_DASHBOARD_API_KEY: CAMPUS_API_KEY, MERAKI_ORGANIZATION_ID: undefined };
  const p = spawnCli(["apply", CAMPUS, "--yes", "--max-in-flight", "1", "--base-url", t.emu.url], { env });
  await p.waitFor(/batch #1 \(\d+\): confirmed\n/, 60_000);
  p.child.kill("SIGINT");
  expect(await p.exited).toBe(130);
  const r = report(p.out());
  expect(r).toMatch(/\n\nInterrupted: 99 applied, 0 failed, 384 not applied, 0 unchanged; 1 of 5 batches completed/);
  // Every batch not confirmed says so once (4 of them), with its resources as port ranges.
  expect(r.match(/not applied: the run was interrupted before batch/g)).toHaveLength(4);
  expect(lines(r)).toBeLessThan(60);
  expect(r.length).toBeLessThan(6_000);
}, 90_000);

test("an outage: one URL error is said once per cause, not once per resource", async () => {
  t = await testEmulator({ seed: "campus", frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
  // Once the batches are staged, every read fails (5xx): nothing can be confirmed.
  let staged = 0;
  proxy = await faultyProxy(t.emu.url, ({ method, path: p }) => {
    if (method === "POST" && p.endsWith("/actionBatches")) staged++;
    if (staged >= 5 && method === "GET") return { status: 503, body: { errors: ["Service Unavailable"] } };
    return "forward";
  });
  const env = { MERAKI_DASHBOARD_API_KEY: CAMPUS_API_KEY, MERAKI_ORGANIZATION_ID: undefined };
  const r = await cli(["apply", CAMPUS, "--yes", "--base-url", proxy.url], { env });
  expect(r.code).toBe(1);
  const out = report(r.stdout);
  expect(out).toMatch(/✗ \d+ resources failed: batch #\d \(\d+\): GET [^\n]*server error 503: Service Unavailable:\n    /);
  // The error text: in the report once per batch that met it (5), not once per resource (483).
  expect(out.match(/server error 503/g)!.length).toBeLessThanOrEqual(5);
  expect(lines(out)).toBeLessThan(60);
  expect(out.length).toBeLessThan(8_000);
  // Nothing was confirmed, and the drafts were deleted.
  expect(((await t.api.withKey(CAMPUS_API_KEY).get("/organizations/2930418/actionBatches")).body as unknown[]).length).toBe(0);
}, 90_000);

test("a plan stays within a few lines per changed resource, and one typo on 100 ports is one line", async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0 });
  const campus = await testEmulator({ seed: "campus", frozenClock: false, rateLimit: 0 });
  try {
    const plan = await cli(["plan", CAMPUS, "--base-url", campus.emu.url], { env: { MERAKI_DASHBOARD_API_KEY: CAMPUS_API_KEY, MERAKI_ORGANIZATION_ID: undefined } });
    expect(plan.code).toBe(0);
    // 483 changed resources: the plan is grouped (ports with the same changes share a line, actions as ranges).
    expect(lines(plan.stdout)).toBeLessThan(483);
  } finally {
    await campus.close();
  }
  const typo = tempProgram("typo", {
    "index.js": `const meraki = require(${JSON.stringify(ROOT)});\nmeraki.switchPorts("desk", { serial: "AAAA-BBBB-CCCC", ports: "1-48" }, () => ({ voiceVlna: 20 }));\nmeraki.switchPorts("desk-b", { serial: "DDDD-EEEE-FFFF", ports: "1-48" }, () => ({ voiceVlna: 20 }));\nnew meraki.SwitchPort("x", { serial: "AAAA-BBBB-CCCC", portId: "49", vlanID: 5 });\n`,
    "Pulumi.dev.yaml": `config:\n  meraki-batch:organizationId: "1234567"\n`,
  });
  const r = await cli(["plan", typo, "--base-url", t.emu.url], { env: { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_ORGANIZATION_ID: undefined } });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(
    [
      // Each switchPorts call is one SwitchPorts resource: the typo shared by its 48 ports is one problem of it.
      "error: invalid desired state (3 problems):",
      "  2 SwitchPorts (switch AAAA-BBBB-CCCC; switch DDDD-EEEE-FFFF): unknown field 'voiceVlna' — did you mean 'voiceVlan'?",
      "  SwitchPort 'x' (port 49 of switch AAAA-BBBB-CCCC): unknown field 'vlanID' — did you mean 'vlan'?",
      "hint: fix the resources above; nothing was sent",
      "",
    ].join("\n"),
  );
}, 90_000);
