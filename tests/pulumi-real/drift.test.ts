/**
 * Drift under the real engine: a port changed in the Dashboard after `pulumi up`. Refresh reads
 * the live values into the stack (outputs and inputs), so the preview names the resource and the
 * drifted field with both values; `pulumi up` puts the program's value back.
 */
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { testEmulator, TestEmulator } from "../helpers/api";
import { describeReal, expectOk, plannedOf, PulumiProject, stepsOf } from "../helpers/real-pulumi";

const TEMPLATE = path.resolve(__dirname, "..", "fixtures", "pulumi-project");
const PROGRAM = `
import * as meraki from "meraki-batch";
const users = new meraki.Vlan("users", { networkId: "L_000000000000000", vlanId: 10, name: "Users", subnet: "10.10.10.0/24", applianceIp: "10.10.10.1" });
for (const port of ["5", "6", "7"]) {
  new meraki.SwitchPort("desk-" + port, { serial: "AAAA-BBBB-CCCC", portId: port, name: "Desk " + port, vlan: 10 });
}
`;
const writes = (log: any[]) => log.filter((r) => r.method !== "GET");

describeReal("drift made in the Dashboard", (tc) => {
  let t: TestEmulator;
  let project: PulumiProject;
  beforeAll(async () => {
    t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
    project = await PulumiProject.create(tc, {
      program: TEMPLATE,
      config: { "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": "1234567" },
      env: { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY },
    });
    project.writeProgram(PROGRAM);
    expectOk(await project.run(["up", "--yes", "--skip-preview"]));
  }, 240_000);
  afterAll(async () => {
    await project?.dispose();
    await t?.close();
  });

  test("preview --refresh --diff names the resource and the field with its live and its program value", async () => {
    expect((await t.api.put("/devices/AAAA-BBBB-CCCC/switch/ports/6", { vlan: 30 })).status).toBe(200);
    await t.control.clearRequests();
    const r = expectOk(await project.run(["preview", "--refresh", "--diff"]));
    const updates = plannedOf(r.events).filter((p) => p.op === "update");
    expect(updates.map((u) => u.name)).toEqual(["desk-6"]);
    // The update's diff line, live 30 → program 10 (the refreshed inputs hold the live value).
    expect(r.stdout).toMatch(/~ vlan\s*: 30 => 10/);
    expect(writes(await t.control.requests())).toEqual([]);
  }, 240_000);

  test("pulumi up puts the program's value back, and the stack records it", async () => {
    await t.control.clearRequests();
    const r = expectOk(await project.run(["up", "--yes", "--refresh"]));
    expect(stepsOf(r.events).filter((s) => s.op === "update").map((s) => s.name)).toEqual(["desk-6"]);
    expect((await t.api.get("/devices/AAAA-BBBB-CCCC/switch/ports/6")).body).toMatchObject({ vlan: 10, name: "Desk 6" });
    const w = writes(await t.control.requests());
    expect(w.every((x) => /actionBatches/.test(x.path))).toBe(true);
    const state = await project.state();
    expect(state["desk-6"].inputs.vlan).toBe(10);
    expect(state["desk-6"].outputs.vlan).toBe(10);
    // Nothing left to do.
    const again = expectOk(await project.run(["preview", "--refresh"]));
    expect(plannedOf(again.events).filter((p) => p.op !== "same" && p.op !== "refresh")).toEqual([]);
  }, 240_000);

  test("without refresh: pulumi up finds the drift against the live network and repairs it", async () => {
    expect((await t.api.put("/devices/AAAA-BBBB-CCCC/switch/ports/7", { name: "changed in Dashboard" })).status).toBe(200);
    const r = expectOk(await project.run(["up", "--yes"]));
    expect(stepsOf(r.events).filter((s) => s.op === "update").map((s) => s.name)).toEqual(["desk-7"]);
    expect((await t.api.get("/devices/AAAA-BBBB-CCCC/switch/ports/7")).body).toMatchObject({ name: "Desk 7", vlan: 10 });
  }, 240_000);
});
