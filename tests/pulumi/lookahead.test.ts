/**
 * Lookahead (issue #15, ARCHITECTURE §13) through the real dynamic-provider plugin, with the
 * provider texts the SDK produces, called the way the engine calls it (tests/helpers/engine-loop.ts
 * names the engine source of each behaviour). Each run is a fresh plugin process, as each
 * `pulumi up` is, started in its own program directory under tmp/ (the plugin's cwd).
 *
 * Two hand-offs are measured. "engine": today's engine, whose loop stops making Check calls while
 * all --parallel workers are busy (step_executor.go, unbuffered `incomingChains`), so a flush can
 * never see more than --parallel + 1 resources. "queued": Checks go on while the workers are busy
 * (issue #15's model), which is where lookahead gathers a whole deployment into one flush.
 *
 * Time: the plugin is another process on real timers. The quiet window (300 ms) and the bound on
 * waiting for Check/Diff (20 s instead of 1 s) are set for a loaded 2-core machine, so that a slow
 * Check stream still lands in one flush; each test's limit allows for 3-5× slower runs.
 */
import * as fs from "fs";
import * as path from "path";
import { CAMPUS_API_KEY, DEMO_API_KEY } from "../../emulator/seeds";
import { serial as campusSerial } from "../../bench/scenarios";
import { TestEmulator, testEmulator } from "../helpers/api";
import { DynProc, ProviderCalls, ROOT, secret, sdkProviderTexts, startDynamicProvider } from "../helpers/dynamic-provider";
import { ModelResource, RunOptions, State, destroy, up } from "../helpers/engine-model";

const NET = "L_000000000000000";
const ORG = "1234567";
const SW = ["AAAA-BBBB-CCCC", "DDDD-EEEE-FFFF"];
const CAMPUS_ORG = "2930418";

let demo: TestEmulator;
let campus: TestEmulator;
let texts: Record<string, string>;
const running: DynProc[] = [];
const programDirs: string[] = [];

beforeAll(async () => {
  demo = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
  campus = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20, seed: "campus", switches: 10 });
  texts = await sdkProviderTexts();
});
afterAll(async () => {
  for (const p of running) await p.stop();
  await demo?.close();
  await campus?.close();
  for (const d of programDirs) fs.rmSync(d, { recursive: true, force: true });
});
beforeEach(async () => {
  await demo.control.reset();
});

/** A program directory: the plugin's cwd, under the repository so that require("meraki-batch/…") resolves. */
function programDir(): string {
  fs.mkdirSync(path.join(ROOT, "tmp"), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, "tmp", "lookahead-"));
  programDirs.push(dir);
  return dir;
}

/** One `pulumi up`'s plugin process, configured as the engine configures it. */
async function plugin(opts: { cwd?: string; config?: Record<string, unknown>; emu?: TestEmulator } = {}): Promise<ProviderCalls> {
  const emu = opts.emu ?? demo;
  const proc = await startDynamicProvider({ cwd: opts.cwd ?? programDir() });
  running.push(proc);
  const p = new ProviderCalls(proc, texts);
  await p.configure({
    "meraki-batch:apiKey": secret(emu === campus ? CAMPUS_API_KEY : DEMO_API_KEY),
    "meraki-batch:baseUrl": emu.emu.url,
    "meraki-batch:organizationId": emu === campus ? CAMPUS_ORG : ORG,
    "meraki-batch:batchWindowMs": "300",
    "meraki-batch:batchMaxWaitMs": "20000",
    ...opts.config,
  });
  return p;
}

async function stop(p: ProviderCalls): Promise<void> {
  await p.proc.stop();
  running.splice(running.indexOf(p.proc), 1);
}

async function run(program: ModelResource[], prior: State, opts: RunOptions & { cwd?: string; config?: Record<string, unknown>; emu?: TestEmulator }) {
  const p = await plugin(opts);
  try {
    return { ...(await up(p, program, prior, opts)), output: p.proc.output() };
  } finally {
    await stop(p);
  }
}

const apiOf = (emu: TestEmulator) => (emu === campus ? emu.api.withKey(CAMPUS_API_KEY) : emu.api);
const batches = async (emu = demo, org = ORG) => (await apiOf(emu).get(`/organizations/${org}/actionBatches`)).body as any[];
const port = async (serial: string, id: number | string, emu = demo) => (await apiOf(emu).get(`/devices/${serial}/switch/ports/${id}`)).body;
const writes = async (emu = demo) => (await emu.control.requests()).filter((r) => r.method !== "GET");

/** n ports over the demo switches, 48 each, in registration order. */
function ports(n: number, props: (i: number) => Record<string, unknown> = (i) => ({ name: `Desk ${i}`, vlan: 20 })): ModelResource[] {
  return Array.from({ length: n }, (_, k) => ({
    name: `port-${k + 1}`,
    type: "SwitchPort" as const,
    inputs: { serial: SW[Math.floor(k / 48)], portId: String((k % 48) + 1), ...props(k + 1) },
  }));
}

describe("96 port creates at --parallel 8", () => {
  test("queued hand-off: one batch with lookahead; a later run's updates, announced by Diff, in one batch too", async () => {
    const first = await run(ports(96), {}, { parallel: 8, handoff: "queued" });
    expect(first.error).toBeUndefined();
    expect(first.steps).toMatchObject({ create: 96 });
    expect(first.maxRunning).toBe(8);
    const all = await batches();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ confirmed: true, status: { completed: true } });
    expect(all[0].actions).toHaveLength(96);
    expect(await port(SW[1], 48)).toMatchObject({ name: "Desk 96", vlan: 20 });
    // Each resource's original is what the port had before (the seed's), whether its change was applied ahead or not.
    for (const n of ["port-1", "port-50", "port-96"]) expect(first.state[n].outputs.original).toEqual({ name: null, vlan: 1 });

    const second = await run(ports(96, (i) => ({ name: `Desk ${i}`, vlan: 30 })), first.state, { parallel: 8, handoff: "queued" });
    expect(second.error).toBeUndefined();
    expect(second.steps).toMatchObject({ update: 96, create: 0 });
    const after = await batches();
    expect(after).toHaveLength(2);
    expect(after[1].actions).toHaveLength(96);
    expect(after[1].actions[0]).toMatchObject({ operation: "update", body: { vlan: 30 } });
    expect(second.state["port-7"].outputs.original).toEqual({ name: null, vlan: 1 });
  }, 120_000);

  test("queued hand-off, lookahead off: a batch holds at most --parallel resources, as before", async () => {
    const r = await run(ports(96), {}, { parallel: 8, handoff: "queued", config: { "meraki-batch:lookahead": "false" } });
    expect(r.error).toBeUndefined();
    const all = await batches();
    expect(all.length).toBeGreaterThanOrEqual(12);
    expect(Math.max(...all.map((b) => b.actions.length))).toBeLessThanOrEqual(8);
    expect(all.reduce((n, b) => n + b.actions.length, 0)).toBe(96);
  }, 120_000);

  test("the engine's hand-off: Checks stop while all workers are busy, so a batch holds at most --parallel + 1 resources", async () => {
    const r = await run(ports(96), {}, { parallel: 8, handoff: "engine" });
    expect(r.error).toBeUndefined();
    expect(r.steps).toMatchObject({ create: 96 });
    const all = await batches();
    expect(Math.max(...all.map((b) => b.actions.length))).toBeLessThanOrEqual(9);
    expect(all.length).toBeGreaterThanOrEqual(11);
    expect(all.reduce((n, b) => n + b.actions.length, 0)).toBe(96);
  }, 120_000);
});

test("480 ports on 10 switches at --parallel 8 (queued hand-off): at most 7 batches, 5 being the fewest", async () => {
  const program: ModelResource[] = Array.from({ length: 480 }, (_, k) => ({
    name: `p-${k + 1}`,
    type: "SwitchPort",
    inputs: { serial: campusSerial(Math.floor(k / 48) + 1), portId: String((k % 48) + 1), name: `Desk ${k + 1}`, vlan: 100 + (k % 4) },
  }));
  const r = await run(program, {}, { parallel: 8, handoff: "queued", emu: campus });
  expect(r.error).toBeUndefined();
  expect(r.steps.create).toBe(480);
  const all = await batches(campus, CAMPUS_ORG);
  expect(all.length).toBeGreaterThanOrEqual(5);
  expect(all.length).toBeLessThanOrEqual(7);
  expect(all.every((b) => b.confirmed && b.status.completed)).toBe(true);
  expect(all.reduce((n, b) => n + b.actions.length, 0)).toBe(480);
  expect(await port(campusSerial(10), 48, campus)).toMatchObject({ name: "Desk 480" });
}, 180_000);

test("ports on a VLAN being created wait for it; independent ones join the VLAN's batch", async () => {
  const program: ModelResource[] = [
    { name: "voice", type: "Vlan", inputs: { networkId: NET, vlanId: 40, name: "Voice", subnet: "10.40.0.0/24", applianceIp: "10.40.0.1" } },
    ...Array.from({ length: 20 }, (_, k): ModelResource => ({
      name: `phone-${k + 1}`,
      type: "SwitchPort",
      dependsOn: ["voice"],
      inputs: (outs) => ({ serial: SW[0], portId: String(k + 1), voiceVlan: outs.voice.vlanId, vlan: 1 }),
    })),
    ...Array.from({ length: 10 }, (_, k): ModelResource => ({ name: `desk-${k + 1}`, type: "SwitchPort", inputs: { serial: SW[1], portId: String(k + 1), name: `Desk ${k + 1}` } })),
  ];
  const r = await run(program, {}, { parallel: 4, handoff: "queued" });
  expect(r.error).toBeUndefined();
  const all = await batches();
  const has = (b: any, re: RegExp) => b.actions.some((a: any) => re.test(a.resource));
  const vlanBatch = all.findIndex((b) => has(b, /appliance\/vlans$/));
  const phoneBatches = all.map((b, i) => (has(b, new RegExp(`${SW[0]}/switch/ports/`)) ? i : -1)).filter((i) => i >= 0);
  expect(vlanBatch).toBe(0);
  // The VLAN's batch also carries the independent desks (its flush anticipated them) but no phone port.
  expect(all[0].actions.filter((a: any) => a.resource.includes(SW[1]))).toHaveLength(10);
  expect(phoneBatches.length).toBeGreaterThanOrEqual(1);
  expect(Math.min(...phoneBatches)).toBeGreaterThan(vlanBatch);
  expect(all.length).toBe(2);
  expect(await port(SW[0], 20)).toMatchObject({ voiceVlan: 40 });
}, 120_000);

describe("failures", () => {
  test("a failing action rolls its batch back, anticipated changes included, and every call of it is rejected", async () => {
    await demo.control.fault({ type: "actionFailure", resource: `/devices/${SW[0]}/switch/ports/3`, message: "Port is part of a link aggregation group", times: 1 });
    // --continue-on-error, so that every resource's own Create arrives and reports.
    const r = await run(ports(20), {}, { parallel: 8, handoff: "queued", continueOnError: true });
    const all = await batches();
    expect(all).toHaveLength(1);
    expect(all[0].actions).toHaveLength(20);
    expect(all[0].status).toMatchObject({ completed: false, failed: true });
    expect(Object.keys(r.failures)).toHaveLength(20);
    expect(r.failures["port-3"]).toMatch(/^port 3 of switch AAAA-BBBB-CCCC: Port is part of a link aggregation group \(action batch \d+\)$/);
    // Real calls (ports 1-8) and anticipated ones (9-20, answered from the recorded outcome) alike.
    for (const n of [1, 8, 9, 20]) {
      expect(r.failures[`port-${n}`]).toMatch(new RegExp(`^port ${n} of switch AAAA-BBBB-CCCC: not applied: batch #1 \\(\\d+\\) rolled back because port 3 of switch AAAA-BBBB-CCCC failed: Port is part of a link aggregation group$`));
    }
    for (const n of [1, 3, 20]) expect(await port(SW[0], n)).toMatchObject({ name: null, vlan: 1 });
    expect(await batches()).toHaveLength(1);
  }, 120_000);

  test("when only an anticipated change fails, the calls it rolled back are applied again on their own", async () => {
    await demo.control.fault({ type: "actionFailure", resource: `/devices/${SW[0]}/switch/ports/15`, message: "Port is part of a link aggregation group", times: 1 });
    const r = await run(ports(20), {}, { parallel: 4, handoff: "queued" });
    // The next Create (port 5's, applied ahead and rolled back) is answered from the recorded outcome, and the engine stops there.
    expect(r.error).toMatch(/^port 5 of switch AAAA-BBBB-CCCC: not applied: batch #1 \(\d+\) rolled back because port 15 of switch AAAA-BBBB-CCCC failed: Port is part of a link aggregation group$/);
    const all = await batches();
    expect(all[0].actions).toHaveLength(20);
    expect(all[0].status.failed).toBe(true);
    expect(all[1].actions.map((a: any) => a.resource)).toEqual([1, 2, 3, 4].map((n) => `/devices/${SW[0]}/switch/ports/${n}`));
    expect(all[1].status.completed).toBe(true);
    expect(r.state["port-1"].outputs.original).toEqual({ name: null, vlan: 1 });
    expect(r.state["port-15"]).toBeUndefined();
  }, 120_000);

  test("a run that stops after changes were applied ahead: the next run records the true originals, and destroy restores them", async () => {
    for (let n = 1; n <= 12; n++) await demo.api.put(`/devices/${SW[0]}/switch/ports/${n}`, { name: `was-${n}`, vlan: 7 });
    const dir = programDir();
    const program = ports(12);
    // The second registration fails at its own Create (VLAN 1 exists and is not adopted): the engine stops.
    const failing: ModelResource = { name: "dup", type: "Vlan", inputs: { networkId: NET, vlanId: 1, name: "Dup", subnet: "192.168.128.0/24", applianceIp: "192.168.128.1" } };
    const first = await run([program[0], failing, ...program.slice(1)], {}, { parallel: 4, handoff: "queued", cwd: dir });
    expect(first.error).toMatch(/Vlan has already been taken/);
    // Applied in one batch, though the engine created only the first few before it stopped.
    const created = Object.keys(first.state);
    expect(created.length).toBeLessThan(12);
    expect(await port(SW[0], 12)).toMatchObject({ name: "Desk 12", vlan: 20 });
    const file = path.join(dir, ".meraki-batch", `lookahead-${new URL(demo.emu.url).host.replace(":", "_")}-${ORG}.json`);
    const recorded = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(Object.keys(recorded.entries).sort()).toEqual(program.filter((r) => !created.includes(r.name)).map((r) => `switchPort/${SW[0]}/${(r.inputs as any).portId}`).sort());
    expect(recorded.entries[`switchPort/${SW[0]}/12`]).toMatchObject({ before: { name: "was-12", vlan: 7 }, after: { name: "Desk 12", vlan: 20 }, state: "applied" });
    expect(fs.readFileSync(file, "utf8")).not.toContain(DEMO_API_KEY);

    // The next `pulumi up` (today's engine, lookahead on) creates the rest: their originals are the ports' true values.
    const second = await run(program, first.state, { parallel: 4, cwd: dir });
    expect(second.error).toBeUndefined();
    expect(second.state["port-12"].outputs.original).toEqual({ name: "was-12", vlan: 7 });
    expect(second.state["port-1"].outputs.original).toEqual({ name: "was-1", vlan: 7 });
    expect(fs.existsSync(file)).toBe(false); // every record claimed

    const p = await plugin({ cwd: dir });
    try {
      await destroy(p, second.state, { parallel: 4 });
    } finally {
      await stop(p);
    }
    for (const n of [1, 5, 12]) expect(await port(SW[0], n)).toMatchObject({ name: `was-${n}`, vlan: 7 });
  }, 180_000);
});

test("preview (Check and Diff only) writes nothing, lookahead or not", async () => {
  const dir = programDir();
  const existing = await run(ports(4), {}, { parallel: 4, cwd: dir });
  await demo.control.clearRequests();
  const program = ports(30, (i) => ({ name: `Preview ${i}`, vlan: 30 }));
  const r = await run(program, existing.state, { parallel: 8, handoff: "queued", preview: true, cwd: dir });
  expect(r.error).toBeUndefined();
  expect(await writes()).toEqual([]);
  expect(fs.existsSync(path.join(dir, ".meraki-batch"))).toBe(false);
  expect(await port(SW[0], 1)).toMatchObject({ name: "Desk 1", vlan: 20 });
}, 120_000);

test("resources outside --target are never touched", async () => {
  const r = await run(ports(12), {}, { parallel: 4, handoff: "queued", targets: ["port-1", "port-2", "port-3"] });
  expect(r.error).toBeUndefined();
  expect(r.steps).toMatchObject({ create: 3, skipped: 9 });
  expect(await port(SW[0], 3)).toMatchObject({ name: "Desk 3" });
  for (const n of [4, 8, 12]) expect(await port(SW[0], n)).toMatchObject({ name: null, vlan: 1 });
  expect((await batches()).flatMap((b) => b.actions)).toHaveLength(3);
}, 120_000);

test("a policy pack's remediation after Check: the remediated value is applied, the original stays the true one", async () => {
  const remediate = (name: string, inputs: Record<string, unknown>) => (name === "port-7" ? { ...inputs, name: "Desk 7 (remediated)" } : undefined);
  const r = await run(ports(10), {}, { parallel: 2, handoff: "queued", remediate });
  expect(r.error).toBeUndefined();
  expect(await port(SW[0], 7)).toMatchObject({ name: "Desk 7 (remediated)", vlan: 20 });
  expect(r.state["port-7"].outputs).toMatchObject({ name: "Desk 7 (remediated)", original: { name: null, vlan: 1 } });
  const all = await batches();
  // Applied ahead with Check's inputs, then the difference on its own when port 7's Create came.
  expect(all).toHaveLength(2);
  expect(all[1].actions).toEqual([{ resource: `/devices/${SW[0]}/switch/ports/7`, operation: "update", body: { name: "Desk 7 (remediated)" } }]);
}, 120_000);
