/**
 * examples/branch-office run as Pulumi runs it: @pulumi/pulumi/cmd/run executes the program,
 * a minimal monitor forwards its registrations to the real dynamic-provider plugin (started in
 * the program's directory, as the engine starts it), which applies through the emulator.
 */
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
afterAll(() => t.close());

const config = () => ({
  "meraki-batch:apiKey": DEMO_API_KEY,
  "meraki-batch:baseUrl": t.emu.url,
  "meraki-batch:organizationId": "1234567",
});

test("pulumi up of examples/branch-office: every resource applied through batches no larger than --parallel; a second run changes nothing", async () => {
  const first = await runProgram({ programDir: PROGRAM, project: "branch-office", stack: "dev", config: config(), secretKeys: ["meraki-batch:apiKey"], parallel: 16 });
  expect(first.stderr).toBe("");
  expect(first.exitCode).toBe(0);
  expect(first.steps).toEqual({ create: 97, update: 0, same: 0 });
  expect(first.maxConcurrentSteps).toBeLessThanOrEqual(16);
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

  // Batches: every one completed, none larger than the steps the engine runs at once.
  const batches = (await t.api.get(`/organizations/1234567/actionBatches`)).body as any[];
  expect(batches.every((b) => b.confirmed && b.status.completed)).toBe(true);
  const actions = batches.reduce((n, b) => n + b.actions.length, 0);
  expect(batches.every((b) => b.actions.length <= 16 + 2 /* a VLAN create may carry its update */)).toBe(true);
  expect(actions).toBe(99); // 90 ports, 2 tag sets, 4 VLAN creates, 2 update-only follow-ups, VLAN 1
  expect(batches.length).toBeLessThan(97 / 4); // coalesced: far fewer batches than resources

  // The state holds no API key; a second run with this state is all "same".
  expect(JSON.stringify(first.state)).not.toContain(DEMO_API_KEY);
  const second = await runProgram({ programDir: PROGRAM, project: "branch-office", stack: "dev", config: config(), secretKeys: ["meraki-batch:apiKey"], parallel: 16, state: first.state });
  expect(second.exitCode).toBe(0);
  expect(second.steps).toEqual({ create: 0, update: 0, same: 97 });
  expect(((await t.api.get(`/organizations/1234567/actionBatches`)).body as any[]).length).toBe(batches.length);

  // Drift made in the Dashboard is put back by the next run.
  await t.api.put(`/devices/AAAA-BBBB-CCCC/switch/ports/5`, { vlan: 30 });
  const third = await runProgram({ programDir: PROGRAM, project: "branch-office", stack: "dev", config: config(), secretKeys: ["meraki-batch:apiKey"], parallel: 16, state: second.state as Record<string, StateEntry> });
  expect(third.steps).toEqual({ create: 0, update: 1, same: 96 });
  expect((await get(`/devices/AAAA-BBBB-CCCC/switch/ports/5`)).vlan).toBe(10);
});
