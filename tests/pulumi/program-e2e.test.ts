/**
 * examples/branch-office run as Pulumi runs it: @pulumi/pulumi/cmd/run executes the program,
 * a minimal monitor forwards its registrations to the real dynamic-provider plugin (started in
 * the program's directory, as the engine starts it), which applies through the emulator.
 *
 * Time: each run starts two Node processes that load @pulumi/pulumi (the program under ts-node,
 * and the plugin), about 3 s on an idle 2-core machine. The limits below allow five times that
 * per run, for a machine busy with other work.
 */
import * as fs from "fs";
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { runProgram, StateEntry } from "../helpers/fake-engine";

const PROGRAM = path.resolve(__dirname, "..", "..", "examples", "branch-office");
const NET = "L_000000000000000";

let t: TestEmulator;
beforeAll(async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
});
afterAll(async () => {
  await t.close();
  // The provider's directory for records of changes applied ahead (see the README), if a run made it and left it empty.
  const dir = path.join(PROGRAM, ".meraki-batch");
  if (fs.existsSync(dir) && !fs.readdirSync(dir).length) fs.rmdirSync(dir);
});

/** This emulator's record of changes applied ahead, in the program's directory. */
const recordFile = () => path.join(PROGRAM, ".meraki-batch", `lookahead-${new URL(t.emu.url).host.replace(":", "_")}-1234567.json`);

const RUN_LIMIT_MS = 15_000;

const config = () => ({
  "meraki-batch:apiKey": DEMO_API_KEY,
  "meraki-batch:baseUrl": t.emu.url,
  "meraki-batch:organizationId": "1234567",
  // The steps of a wave arrive a Check apart; on a busy machine that can exceed the default 50 ms.
  "meraki-batch:batchWindowMs": "200",
});

/** The resources (not actions: a VLAN create may carry an update) each batch holds. */
const resourcesPerBatch = (batches: any[]) => batches.map((b) => new Set(b.actions.map((a: any) => a.resource.replace(/\/appliance\/vlans$/, `/appliance/vlans/${a.body?.id ?? ""}`))).size);

test("pulumi up of examples/branch-office at --parallel 8: every resource applied, batches bounded by what the engine lets the provider see; a second run changes nothing", async () => {
  const first = await runProgram({ programDir: PROGRAM, project: "branch-office", stack: "dev", config: config(), secretKeys: ["meraki-batch:apiKey"], parallel: 8 });
  expect(first.stderr).toBe("");
  expect(first.exitCode).toBe(0);
  expect(first.steps).toEqual({ create: 97, update: 0, same: 0 });
  expect(first.maxConcurrentSteps).toBeLessThanOrEqual(8);
  expect(first.stackOutputs.vlans).toEqual([1, 10, 20, 30, 99]);

  // The emulator holds the branch.
  const get = async (p: string) => (await t.api.get(p)).body;
  expect((await get(`/networks/${NET}/appliance/vlans`)).map((v: any) => [v.id, v.name])).toEqual([
    [1, "Management"], [10, "Users"], [20, "Voice"], [30, "Guest"], [99, "API-VLAN"],
  ]);
  expect((await get(`/networks/${NET}/appliance/vlans/10`)).reservedIpRanges).toEqual([{ start: "10.10.10.2", end: "10.10.10.19", comment: "printers and infrastructure" }]);
  for (const serial of ["AAAA-BBBB-CCCC", "DDDD-EEEE-FFFF"]) {
    expect((await get(`/devices/${serial}`)).tags).toEqual(["APIness", "branch"]);
    const ports = await get(`/devices/${serial}/switch/ports`);
    expect(ports[0]).toMatchObject({ type: "access", vlan: 99, tags: ["APIness"] });
    expect(ports[9]).toMatchObject({ name: expect.stringMatching(/^Desk [AB]10$/), vlan: 10, voiceVlan: 20, stpGuard: "bpdu guard" });
    expect(ports[42]).toMatchObject({ type: "trunk", allowedVlans: "1,10,30" });
    expect(ports[47]).toMatchObject({ name: "Uplink to MX", type: "trunk", allowedVlans: "1,10,20,30,99" });
  }

  // Batches: every one completed. Today's engine makes no further Check while its 8 workers are
  // busy, so a flush sees at most the 8 steps in flight and one resource checked ahead.
  const batches = (await t.api.get(`/organizations/1234567/actionBatches`)).body as any[];
  expect(batches.every((b) => b.confirmed && b.status.completed)).toBe(true);
  const actions = batches.reduce((n, b) => n + b.actions.length, 0);
  expect(actions).toBe(99); // 90 ports, 2 tag sets, 4 VLAN creates, 2 update-only follow-ups, VLAN 1
  expect(Math.max(...resourcesPerBatch(batches))).toBeLessThanOrEqual(8 + 1);
  expect(batches.length).toBeLessThan(97 / 4); // coalesced: far fewer batches than resources

  // The state holds no API key; a second run with this state is all "same".
  expect(JSON.stringify(first.state)).not.toContain(DEMO_API_KEY);
  const second = await runProgram({ programDir: PROGRAM, project: "branch-office", stack: "dev", config: config(), secretKeys: ["meraki-batch:apiKey"], parallel: 8, state: first.state });
  expect(second.exitCode).toBe(0);
  expect(second.steps).toEqual({ create: 0, update: 0, same: 97 });
  expect(((await t.api.get(`/organizations/1234567/actionBatches`)).body as any[]).length).toBe(batches.length);

  // Drift made in the Dashboard is put back by the next run.
  await t.api.put(`/devices/AAAA-BBBB-CCCC/switch/ports/5`, { vlan: 30 });
  const third = await runProgram({ programDir: PROGRAM, project: "branch-office", stack: "dev", config: config(), secretKeys: ["meraki-batch:apiKey"], parallel: 8, state: second.state as Record<string, StateEntry> });
  expect(third.steps).toEqual({ create: 0, update: 1, same: 96 });
  expect((await get(`/devices/AAAA-BBBB-CCCC/switch/ports/5`)).vlan).toBe(10);
  // Every change applied ahead was claimed by its resource: nothing left in the program's directory.
  expect(fs.existsSync(recordFile())).toBe(false);
}, 3 * RUN_LIMIT_MS * 2);

test("with Checks going on while the workers are busy (issue #15's hand-off), lookahead applies the branch in 2 batches at --parallel 8: VLANs, tags and uplinks, then the ports on the VLANs", async () => {
  await t.control.reset();
  // Windows for a loaded machine: a slow stream of Checks still lands in one flush.
  const slow = { ...config(), "meraki-batch:batchWindowMs": "300", "meraki-batch:batchMaxWaitMs": "20000" };
  const run = await runProgram({ programDir: PROGRAM, project: "branch-office", stack: "dev", config: slow, secretKeys: ["meraki-batch:apiKey"], parallel: 8, handoff: "queued" });
  expect(run.stderr).toBe("");
  expect(run.exitCode).toBe(0);
  expect(run.steps).toEqual({ create: 97, update: 0, same: 0 });

  // The SDK registers the VLANs before the ports and tags declared with them (sdk/registration-order.ts),
  // so the five VLANs take the first of the 8 workers. Without that the Node SDK would register the
  // "users" VLAN (8 inputs and a reserved range) after the uplink ports, ninth for 8 workers.
  expect(run.registrations.slice(0, 5).sort()).toEqual(["api-vlan", "guest", "management", "users", "voice"]);
  expect(run.registrations.slice(5, 9).sort()).toEqual(["switch-a-tags", "switch-a-uplink", "switch-b-tags", "switch-b-uplink"]);

  const batches = (await t.api.get(`/organizations/1234567/actionBatches`)).body as any[];
  expect(batches.every((b) => b.confirmed && b.status.completed)).toBe(true);
  expect(batches.length).toBeLessThanOrEqual(2);
  expect(batches.reduce((n, b) => n + b.actions.length, 0)).toBe(99);
  // Batch 1: every VLAN (4 creates, their 2 follow-up updates, VLAN 1 adopted), both tag sets and both
  // uplinks. Batch 2: the 88 ports registered once their VLANs were applied.
  const first = batches.find((b) => b.actions.some((a: any) => a.operation === "create"));
  expect(first.actions.filter((a: any) => a.resource.includes("/appliance/vlans")).length).toBe(7);
  expect(first.actions.filter((a: any) => a.resource.includes("/switch/ports/")).length).toBe(2);
  expect(run.state["urn:pulumi:dev::branch-office::pulumi-nodejs:dynamic/meraki:SwitchPort::switch-b-desk-40"].outputs.original).toMatchObject({ vlan: 1 });
}, 2 * RUN_LIMIT_MS);
