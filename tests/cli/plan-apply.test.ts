/** `meraki-batch plan` and `apply` end to end against the emulator, as a user runs them. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { cli, PROGRAMS } from "../helpers/cli";

let t: TestEmulator;
let env: NodeJS.ProcessEnv;
let dir: string;
const small = path.join(PROGRAMS, "small");

beforeEach(async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
  env = { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: t.emu.url, MERAKI_ORGANIZATION_ID: undefined };
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-cli-"));
});
afterEach(() => t.close());

test("plan prints the summary, the changes grouped by network and device, field by field, then the exact batches", async () => {
  const r = await cli(["plan", small], { env });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(
    /^Plan for organization 1234567: 6 resources to change \(1 to create, 5 to update, 0 to delete\), 0 unchanged\n {2}Vlan 1 to create · DeviceTags 2 to update · SwitchPort 3 to update\n {2}6 actions in 1 batch · plan sha256:[0-9a-f]{16} · live state sha256:[0-9a-f]{16}\n/,
  );
  expect(r.stdout).toContain(
    [
      "Network L_000000000000000",
      '  + Vlan api-vlan (VLAN 99): name "API-VLAN", subnet "172.16.99.0/24", applianceIp "172.16.99.1"',
      "  Device AAAA-BBBB-CCCC",
      '    ~ DeviceTags switch-a-tags (tags): tags [] → ["APIness"]',
      '    ~ port 1 (switch-a-port-1): tags [] → ["APIness"], vlan 1 → 99',
      // The config value from Pulumi.dev.yaml reached the program; the encrypted key was skipped.
      '    ~ port 2 (window): name – → "Desk by the window"',
      "  Device DDDD-EEEE-FFFF",
    ].join("\n"),
  );
  expect(r.stdout.endsWith(
    [
      "Batches: 1 (6 actions), in execution order:",
      "  #1  6 actions, synchronous: 1 Vlan create, 2 DeviceTags updates, 3 SwitchPort updates",
      "        1. create  /networks/L_000000000000000/appliance/vlans",
      "        2. update  /devices/AAAA-BBBB-CCCC",
      "        3. update  /devices/DDDD-EEEE-FFFF",
      "        4. update  /devices/AAAA-BBBB-CCCC/switch/ports/1",
      "        5. update  /devices/AAAA-BBBB-CCCC/switch/ports/2",
      "        6. update  /devices/DDDD-EEEE-FFFF/switch/ports/1",
      "",
    ].join("\n"),
  )).toBe(true);
  expect((await t.control.requests()).every((q) => q.method === "GET")).toBe(true);
});

test("--detailed-exitcode: 2 with changes, 0 without; --json prints the plan", async () => {
  expect((await cli(["plan", small, "--detailed-exitcode"], { env })).code).toBe(2);
  const json = await cli(["plan", small, "--json"], { env });
  expect(JSON.parse(json.stdout)).toMatchObject({ organizationId: "1234567", summary: { create: 1, update: 5, actions: 6, batches: 1 }, source: { stack: "dev", project: "small" } });
  expect((await cli(["apply", small, "--yes"], { env })).code).toBe(0);
  const after = await cli(["plan", small, "--detailed-exitcode"], { env });
  expect(after.code).toBe(0);
  expect(after.stdout).toContain("No changes. The live network matches the program.");
});

test("--out saves a plan without secrets and --markdown a pull-request summary", async () => {
  const out = path.join(dir, "plan.json");
  const md = path.join(dir, "plan.md");
  const r = await cli(["plan", small, "--out", out, "--markdown", md], { env });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`Saved the plan to ${out}; apply it with: meraki-batch apply --plan ${out}`);
  const text = fs.readFileSync(out, "utf8");
  expect(text).not.toContain(DEMO_API_KEY);
  expect(JSON.parse(text).digest).toMatch(/^sha256:/);
  expect(JSON.parse(text).liveDigest).toMatch(/^sha256:/);
  const summary = fs.readFileSync(md, "utf8");
  const digest = JSON.parse(text).digest as string;
  expect(summary.split("\n")[0]).toBe(`<!-- meraki-batch-plan {"program":"${path.relative(process.cwd(), small)}","stack":"dev","digest":"${digest}"} -->`);
  expect(summary).toContain(`### meraki-batch plan: \`${path.relative(process.cwd(), small)}\` (dev)`);
  expect(summary).toContain(`**6 resources to change**, 0 unchanged · **6 actions in 1 batch** · plan \`${digest.slice(0, 23)}\``);
  expect(summary).toContain("**Device `AAAA-BBBB-CCCC`** · network `L_000000000000000`\n\n| | Resource | Changes |\n|---|---|---|\n");
  expect(summary).toContain('| ~ | port 1 (`switch-a-port-1`) | `tags` `[]` → `["APIness"]`<br>`vlan` `1` → `99` |');
  expect(summary).toContain("| 1 | 6 | synchronous | – | 1 Vlan create, 2 DeviceTags updates, 3 SwitchPort updates |");
});

test("apply --plan applies a saved plan; a stale one is refused with a clear line and a hint; --replan re-plans", async () => {
  const out = path.join(dir, "plan.json");
  await cli(["plan", small, "--out", out], { env });
  await t.api.put("/devices/AAAA-BBBB-CCCC/switch/ports/1", { vlan: 5 });
  await t.control.clearRequests();
  const stale = await cli(["apply", "--plan", out, "--yes"], { env });
  expect(stale.code).toBe(1);
  expect(stale.stderr).toBe(
    "error: the live network changed since the plan was made:\n  port 1 of switch AAAA-BBBB-CCCC: vlan 1 → 5\nhint: make a new plan and review it (at a terminal, --replan plans again and asks you here)\n",
  );
  expect((await t.control.requests()).filter((q) => q.method !== "GET")).toEqual([]);

  const replan = await cli(["apply", "--plan", out, "--yes", "--replan"], { env });
  expect(replan.code).toBe(0);
  // The new plan is printed in full before anything is sent, and asked for again (--yes answers off a terminal).
  expect(replan.stdout).toContain("The plan is stale: the live network changed since the plan was made:\n  port 1 of switch AAAA-BBBB-CCCC: vlan 1 → 5\nPlanned again; this is the new plan, which was not reviewed:\n");
  expect(replan.stdout).toContain("~ port 1 (switch-a-port-1): tags [] → [\"APIness\"], vlan 5 → 99");
  expect(replan.stdout).toContain("to organization 1234567 (a new plan, not the reviewed one)? yes (--yes)");
  expect(replan.stdout.indexOf("vlan 5 → 99")).toBeLessThan(replan.stdout.indexOf("created unconfirmed"));
  expect((await t.api.get("/devices/AAAA-BBBB-CCCC/switch/ports/1")).body.vlan).toBe(99);
});

test("plan --stage creates unconfirmed batches; apply --plan confirms them instead of creating new ones", async () => {
  const out = path.join(dir, "plan.json");
  const staged = await cli(["plan", small, "--stage", "--out", out], { env });
  expect(staged.code).toBe(0);
  const id = JSON.parse(fs.readFileSync(out, "utf8")).batches[0].stagedId;
  expect(staged.stdout).toContain(`Staged 1 unconfirmed batch for review: ${id}`);
  const drafts = (await t.api.get("/organizations/1234567/actionBatches")).body;
  expect(drafts).toEqual([expect.objectContaining({ id, confirmed: false })]);
  expect((await t.api.get("/devices/AAAA-BBBB-CCCC")).body.tags).toEqual([]);

  await t.control.clearRequests();
  const applied = await cli(["apply", "--plan", out, "--yes"], { env });
  expect(applied.code).toBe(0);
  expect(applied.stdout).toContain(`batch #1 (${id}): using the unconfirmed batch already there`);
  expect((await t.control.requests()).filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path}`)).toEqual([`PUT /api/v1/organizations/1234567/actionBatches/${id}`]);
});

test("apply shows the plan, progress as plain lines off a terminal, and every resource's outcome", async () => {
  const r = await cli(["apply", small, "--yes"], { env });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/batch #1 \(\d+\): created unconfirmed, 6 actions, synchronous\nbatch #1 \(\d+\): confirmed\nbatch #1 \(\d+\): completed\n/);
  // One batch applied them all: one line says so, the resources follow (ports as ranges).
  expect(r.stdout).toMatch(/\n✓ 6 resources applied by batch #1 \(\d+\) \(read back: as sent\):\n    VLAN 99 on network L_000000000000000\n    tags of device AAAA-BBBB-CCCC\n    tags of device DDDD-EEEE-FFFF\n    ports 1-2 of switch AAAA-BBBB-CCCC\n    port 1 of switch DDDD-EEEE-FFFF\n/);
  expect(r.stdout).toContain("read back: 6 verified\n");
  expect(r.stdout).toContain("Applied: 6 applied, 0 failed, 0 not applied, 0 unchanged; 1 of 1 batch completed; read back: every applied field is live.");
});

test("apply refuses without --yes when not on a terminal, and sends nothing", async () => {
  const r = await cli(["apply", small], { env });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe("error: refusing to apply without --yes: not on a terminal, so nobody can confirm\nhint: review the plan, then run again with --yes\n");
  expect((await t.control.requests()).filter((q) => q.method !== "GET")).toEqual([]);
});

test("a failing batch: exit 1, the failing resource and its reason, the rest rolled back", async () => {
  await t.control.fault({ type: "actionFailure", resource: "/switch/ports/2", message: "Port is part of a link aggregation group" });
  const r = await cli(["apply", small, "--yes"], { env });
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/batch #1 \(\d+\): failed/);
  expect(r.stdout).toContain("✗ port 2 of switch AAAA-BBBB-CCCC (window) failed: Port is part of a link aggregation group");
  // The rollback is said once for the five resources it took with it.
  expect(r.stdout).toMatch(/\n○ 5 resources not applied: batch #1 \(\d+\) rolled back because port 2 of switch AAAA-BBBB-CCCC failed: Port is part of a link aggregation group:\n    VLAN 99 on network L_000000000000000\n    tags of device AAAA-BBBB-CCCC\n    tags of device DDDD-EEEE-FFFF\n    port 1 of switch AAAA-BBBB-CCCC\n    port 1 of switch DDDD-EEEE-FFFF\n/);
  expect(r.stdout.match(/rolled back because/g)).toHaveLength(1);
  expect(r.stdout).toContain("Apply failed: 0 applied, 1 failed, 5 not applied, 0 unchanged; 0 of 1 batch completed.");
  expect((await t.api.get("/networks/L_000000000000000/appliance/vlans/99")).status).toBe(404);
});

test("--json on apply prints the per-resource result", async () => {
  const r = await cli(["apply", small, "--yes", "--json"], { env });
  expect(r.code).toBe(0);
  const result = JSON.parse(r.stdout);
  expect(result.ok).toBe(true);
  expect(result.resources.map((x: any) => x.outcome.status)).toEqual(Array(6).fill("applied"));
});

test("flags override the environment; several stacks need --stack", async () => {
  const wrong = `${t.emu.origin}/api/v9`; // answers 404
  const bad = await cli(["plan", small], { env: { ...env, MERAKI_DASHBOARD_API_BASE_URL: wrong } });
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/^error: GET \/organizations\/1234567\/\w+: 404 Not found \(http:\/\/[^ ]+\/api\/v9\/organizations\/1234567\/\w+; base URL from MERAKI_DASHBOARD_API_BASE_URL\)\nhint: the Dashboard API's paths start with \/api\/v1 /);
  const good = await cli(["plan", small, "--base-url", t.emu.url], { env: { ...env, MERAKI_DASHBOARD_API_BASE_URL: wrong } });
  expect(good.code).toBe(0);
  const multi = path.join(PROGRAMS, "multi");
  const ambiguous = await cli(["plan", multi], { env });
  expect(ambiguous.stderr).toBe(`error: ${multi} has several stacks (one, two)\nhint: pick one with --stack NAME\n`);
  const two = await cli(["plan", multi, "--stack", "two"], { env });
  expect(two.stdout).toContain('name – → "two"');
});

test("batching flags: --max-batch-size, --sync and --max-in-flight shape the batches", async () => {
  const r = await cli(["plan", small, "--max-batch-size", "2", "--sync", "never", "--json"], { env });
  const plan = JSON.parse(r.stdout);
  expect(plan.batches.map((b: any) => [b.actions.length, b.synchronous])).toEqual([[2, false], [2, false], [2, false]]);
  // the VLAN create and the ports that use it: the ports' batches wait for the VLAN's
  expect(plan.batches.some((b: any) => b.after.length > 0)).toBe(true);
  const applied = await cli(["apply", small, "--yes", "--max-batch-size", "2", "--max-in-flight", "1"], { env });
  expect(applied.code).toBe(0);
  expect((await t.control.requests()).reduce((m, q) => Math.max(m, q.runningBatches), 0)).toBeLessThanOrEqual(1);
  expect((await cli(["plan", small, "--max-in-flight", "9"], { env })).stderr).toBe("error: --max-in-flight must be an integer between 1 and 5, got '9'\n");
});
