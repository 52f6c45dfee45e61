/**
 * An action that fails inside a batch, under the real engine: the resources of that batch fail
 * their steps with the API's reason (the failing one) or the rollback (the others), resources in
 * other batches succeed, the stack's state matches the network, and the next `pulumi up`
 * converges.
 */
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { testEmulator, TestEmulator } from "../helpers/api";
import { describeReal, diagnosticsOf, expectOk, PulumiProject, stepsOf } from "../helpers/real-pulumi";

const TEMPLATE = path.resolve(__dirname, "..", "fixtures", "pulumi-project");
// Six ports, three actions a batch: two batches of one flush, side by side.
const PORTS = ["5", "6", "7", "8", "9", "10"];
const PROGRAM = `
import * as meraki from "meraki-batch";
for (const port of ${JSON.stringify(PORTS)}) {
  new meraki.SwitchPort("desk-" + port, { serial: "AAAA-BBBB-CCCC", portId: port, name: "Desk " + port, vlan: 20 });
}
`;

describeReal("an action that fails inside a batch", (tc) => {
  let t: TestEmulator;
  let project: PulumiProject;
  beforeAll(async () => {
    t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
    project = await PulumiProject.create(tc, {
      program: TEMPLATE,
      config: { "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": "1234567", "meraki-batch:maxActionsPerBatch": "3", "meraki-batch:batchWindowMs": "300" },
      env: { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY },
    });
    project.writeProgram(PROGRAM);
  }, 120_000);
  afterAll(async () => {
    await project?.dispose();
    await t?.close();
  });

  test("the failing batch's resources fail with the reason, the other batch applies, state matches, a re-run converges", async () => {
    await t.control.fault({ type: "actionFailure", operation: "update", resource: "/switch/ports/6", message: "Port is in a link aggregate", times: 1 });
    const r = await project.run(["up", "--yes", "--skip-preview"]);
    expect(r.code).not.toBe(0);
    const batches = (await t.api.get("/organizations/1234567/actionBatches")).body as any[];
    expect(batches).toHaveLength(2);
    const failedBatch = batches.find((b) => b.status.failed)!;
    const okBatch = batches.find((b) => b.status.completed)!;
    const portsOf = (b: any) => b.actions.map((a: any) => a.resource.split("/").pop()).sort((x: string, y: string) => Number(x) - Number(y));
    expect(portsOf(failedBatch)).toContain("6");
    const failedPorts: string[] = portsOf(failedBatch);
    const okPorts: string[] = portsOf(okBatch);

    const steps = stepsOf(r.events);
    expect(steps.map((s) => s.name).sort()).toEqual(okPorts.map((p) => `desk-${p}`).sort());
    const errors = diagnosticsOf(r.events).filter((d) => d.severity === "error" && d.name?.startsWith("desk-"));
    const byName = new Map(errors.map((e) => [e.name!, e.message]));
    expect(byName.get("desk-6")).toMatch(/Port is in a link aggregate/);
    for (const p of failedPorts.filter((x) => x !== "6")) expect(byName.get(`desk-${p}`)).toMatch(/not applied: .*rolled back because .*port 6.*failed/);

    // The network: the completed batch's ports are on VLAN 20, the rolled-back ones are not.
    for (const p of okPorts) expect((await t.api.get(`/devices/AAAA-BBBB-CCCC/switch/ports/${p}`)).body.vlan).toBe(20);
    for (const p of failedPorts) expect((await t.api.get(`/devices/AAAA-BBBB-CCCC/switch/ports/${p}`)).body.vlan).toBe(1);
    // The stack: exactly the applied resources.
    expect(Object.keys(await project.state()).sort()).toEqual(okPorts.map((p) => `desk-${p}`).sort());

    // The fault was for one try: the next up applies what is left, and only that.
    await t.control.clearRequests();
    const again = expectOk(await project.run(["up", "--yes", "--skip-preview"]));
    expect(stepsOf(again.events).filter((s) => s.op === "create").map((s) => s.name).sort()).toEqual(failedPorts.map((p) => `desk-${p}`).sort());
    for (const p of PORTS) expect((await t.api.get(`/devices/AAAA-BBBB-CCCC/switch/ports/${p}`)).body.vlan).toBe(20);
    const newBatches = ((await t.api.get("/organizations/1234567/actionBatches")).body as any[]).filter((b) => b.id !== failedBatch.id && b.id !== okBatch.id);
    expect(newBatches.flatMap((b) => portsOf(b)).sort()).toEqual([...failedPorts].sort());
  }, 240_000);
});
