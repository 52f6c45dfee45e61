/** The examples users copy: campus at scale through the CLI, and the GitOps workflow's commands. */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CAMPUS_API_KEY, DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { ROOT, cli } from "../helpers/cli";

let t: TestEmulator | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

test("campus: 3 VLANs and 480 ports plan to 5 batches and apply; a second plan is empty", async () => {
  t = await testEmulator({ frozenClock: false, seed: "campus", rateLimit: 0, batchLatencyMs: 20 });
  const env = { MERAKI_DASHBOARD_API_KEY: CAMPUS_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: undefined };
  const plan = await cli(["plan", "examples/campus", "--base-url", t.emu.url, "--json"], { env });
  expect(plan.code).toBe(0);
  const p = JSON.parse(plan.stdout);
  expect(p.summary).toEqual({ create: 3, update: 480, delete: 0, noop: 0, actions: 484, batches: 5 });
  expect(p.batches.every((b: any) => b.actions.length <= 100)).toBe(true);
  const apply = await cli(["apply", "examples/campus", "--base-url", t.emu.url, "--yes"], { env });
  expect(apply.code).toBe(0);
  expect(apply.stdout).toContain("Applied: 483 applied, 0 failed, 0 not applied, 0 unchanged; 5 of 5 batches completed; read back: every applied field is live.");
  const again = await cli(["plan", "examples/campus", "--base-url", t.emu.url, "--detailed-exitcode"], { env });
  expect(again.code).toBe(0);
  const port = (await t.api.withKey(CAMPUS_API_KEY).get("/devices/Q2CA-MS00-0007/switch/ports/45")).body;
  expect(port).toMatchObject({ name: "IoT", vlan: 300, accessPolicyType: "Sticky MAC allow list", stickyMacAllowListLimit: 2 });
});

test("gitops: the site plans against the demo seed, and the workflow uses commands and flags the CLI has", async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
  const env = { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: t.emu.url };
  const r = await cli(["plan", "examples/gitops", "--stack", "prod", "--json"], { env });
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).summary).toMatchObject({ create: 3, update: 52 });

  // The workflow itself runs in gitops-flow.test.ts.
  const workflow = parse(fs.readFileSync(path.join(ROOT, "examples/gitops/.github/workflows/meraki-batch.yml"), "utf8"));
  expect(Object.keys(workflow.jobs)).toEqual(["plan", "apply"]);
  const commands = Object.values(workflow.jobs)
    .flatMap((j: any) => j.steps)
    .map((s: any) => s.run as string | undefined)
    .filter((run): run is string => !!run && run.includes("meraki-batch"));
  expect(commands.length).toBe(2);
  for (const run of commands) {
    const line = run.split("\n").find((l) => l.includes("npx meraki-batch"))!;
    const [command, ...rest] = line.trim().replace(/^npx meraki-batch /, "").split(/\s+/);
    const help = (await cli([command, "--help"])).stdout;
    for (const flag of rest.filter((a) => a.startsWith("--"))) expect([command, flag, help.includes(flag)]).toEqual([command, flag, true]);
  }
});

test("the workflow's Node satisfies what @pulumi/pulumi and meraki-batch declare (engines); the Node running these tests is one meraki-batch declares", () => {
  const semver: typeof import("semver") = require("semver");
  const engines = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")).engines.node as string;
  const ours = engines(path.join(ROOT, "package.json"));
  const pulumi = engines(require.resolve("@pulumi/pulumi/package.json"));
  const workflow = parse(fs.readFileSync(path.join(ROOT, "examples/gitops/.github/workflows/meraki-batch.yml"), "utf8"));
  const versions = Object.values(workflow.jobs)
    .flatMap((j: any) => j.steps)
    .filter((s: any) => s.uses?.startsWith("actions/setup-node@"))
    .map((s: any) => String(s.with["node-version"]));
  expect(versions.length).toBe(2);
  for (const v of versions) {
    // setup-node takes "22" as the newest 22.x: its first release stands for all of them here.
    const lowest = semver.minVersion(v)!.version;
    expect([v, semver.satisfies(lowest, ours), semver.satisfies(lowest, pulumi)]).toEqual([v, true, true]);
  }
  expect(semver.satisfies(process.version, ours)).toBe(true);
});

test("the root Pulumi.yaml points at examples/branch-office", async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0 });
  const r = await cli(["plan", ".", "--base-url", t.emu.url, "--json"], { env: { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY } });
  expect(r.code).toBe(0);
  const plan = JSON.parse(r.stdout);
  expect(plan.source).toMatchObject({ project: "branch-office", stack: "dev" });
  expect(plan.summary).toMatchObject({ create: 4, update: 93, actions: 99, batches: 1 });
});
