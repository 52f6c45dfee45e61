/**
 * SwitchPorts (a switch's ports as one resource) under the real engine: moving a program between
 * the per-port and the bulk form sends nothing; a failure inside a batch fails the resource with
 * the ports and reasons and records the ports that were applied; refresh, ports leaving the set,
 * validation and destroy work per port.
 */
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { testEmulator, TestEmulator } from "../helpers/api";
import { describeReal, diagnosticsOf, expectOk, plannedOf, PulumiProject, stepsOf } from "../helpers/real-pulumi";

const TEMPLATE = path.resolve(__dirname, "..", "fixtures", "pulumi-project");
const SW = "AAAA-BBBB-CCCC";
const writes = (log: any[]) => log.filter((r) => r.method !== "GET");

const perPort = (ports: number[], vlan = 20) => `
import * as meraki from "meraki-batch";
for (const port of ${JSON.stringify(ports)}) {
  new meraki.SwitchPort("desk-" + port, { serial: "${SW}", portId: String(port), name: "Desk " + port, vlan: ${vlan} });
}
`;
const bulk = (ports: string, vlan = 20, extra = "") => `
import * as meraki from "meraki-batch";
meraki.switchPorts("desks", { serial: "${SW}", ports: "${ports}" }, (port) => ({ name: "Desk " + port, vlan: ${vlan} })${extra});
`;

describeReal("SwitchPorts under the real engine", (tc) => {
  let t: TestEmulator;
  let project: PulumiProject;
  const port = async (p: string) => (await t.api.get(`/devices/${SW}/switch/ports/${p}`)).body;
  beforeEach(async () => {
    t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
    project = await PulumiProject.create(tc, {
      program: TEMPLATE,
      config: { "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": "1234567", "meraki-batch:batchWindowMs": "300" },
      env: { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY },
    });
  }, 120_000);
  afterEach(async () => {
    await project?.dispose();
    await t?.close();
  });

  test("moving between one resource per port and one SwitchPorts, both ways, sends no action", async () => {
    project.writeProgram(perPort([5, 6, 7, 8]));
    expectOk(await project.run(["up", "--yes", "--skip-preview"]));
    for (const p of ["5", "6", "7", "8"]) expect(await port(p)).toMatchObject({ name: `Desk ${p}`, vlan: 20 });

    await t.control.clearRequests();
    project.writeProgram(bulk("5-8"));
    const toBulk = expectOk(await project.run(["up", "--yes", "--skip-preview"]));
    expect(stepsOf(toBulk.events).map((s) => `${s.op} ${s.name}`).sort()).toEqual(["create desks", "delete desk-5", "delete desk-6", "delete desk-7", "delete desk-8"]);
    expect(writes(await t.control.requests())).toEqual([]);
    for (const p of ["5", "6", "7", "8"]) expect(await port(p)).toMatchObject({ name: `Desk ${p}`, vlan: 20 });

    await t.control.clearRequests();
    project.writeProgram(perPort([5, 6, 7, 8]));
    const back = expectOk(await project.run(["up", "--yes", "--skip-preview"]));
    expect(stepsOf(back.events).filter((s) => s.op === "delete").map((s) => s.name)).toEqual(["desks"]);
    expect(writes(await t.control.requests())).toEqual([]);
    for (const p of ["5", "6", "7", "8"]) expect(await port(p)).toMatchObject({ name: `Desk ${p}`, vlan: 20 });
  }, 240_000);

  test("an action failing inside a batch fails the resource with the ports and reasons; the applied ports are recorded; the next up finishes", async () => {
    project.writeConfig({ "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": "1234567", "meraki-batch:maxActionsPerBatch": "3" });
    await t.control.fault({ type: "actionFailure", operation: "update", resource: "/switch/ports/6", message: "Port is in a link aggregate", times: 1 });
    project.writeProgram(bulk("5-10"));
    const r = await project.run(["up", "--yes", "--skip-preview"]);
    expect(r.code).not.toBe(0);
    const errors = diagnosticsOf(r.events).filter((d) => d.severity === "error" && d.name === "desks").map((d) => d.message);
    expect(errors.join("\n")).toMatch(/3 of 6 ports not applied: port 6: Port is in a link aggregate.*; ports 5, 7: not applied: .*rolled back/);
    // Ports 8-10 were applied, and the stack knows it: their originals are recorded.
    for (const p of ["8", "9", "10"]) expect(await port(p)).toMatchObject({ name: `Desk ${p}`, vlan: 20 });
    for (const p of ["5", "6", "7"]) expect(await port(p)).toMatchObject({ vlan: 1 });
    const state = await project.state();
    expect(Object.keys(state.desks.outputs.original).sort()).toEqual(["10", "8", "9"]);

    await t.control.clearRequests();
    const again = expectOk(await project.run(["up", "--yes", "--skip-preview"]));
    expect(stepsOf(again.events).map((s) => `${s.op} ${s.name}`)).toEqual(["update desks"]);
    const sent = writes(await t.control.requests()).filter((x) => x.method === "POST");
    expect(sent).toHaveLength(1);
    for (const p of ["5", "6", "7", "8", "9", "10"]) expect(await port(p)).toMatchObject({ name: `Desk ${p}`, vlan: 20 });
    expect(Object.keys((await project.state()).desks.outputs.original).sort()).toEqual(["10", "5", "6", "7", "8", "9"]);
    expect((await project.state()).desks.outputs.original["5"]).toEqual({ name: null, vlan: 1 });
  }, 240_000);

  test("refresh names the drifted port and field; ports leaving the set go back; destroy restores every port", async () => {
    await t.api.put(`/devices/${SW}/switch/ports/9`, { name: "Printer", vlan: 7 });
    project.writeProgram(bulk("5-10"));
    expectOk(await project.run(["up", "--yes", "--skip-preview"]));

    expect((await t.api.put(`/devices/${SW}/switch/ports/7`, { vlan: 30 })).status).toBe(200);
    const drift = expectOk(await project.run(["preview", "--refresh", "--diff"]));
    expect(plannedOf(drift.events).filter((p) => p.op === "update").map((p) => p.name)).toEqual(["desks"]);
    // The refreshed inputs hold port 7's live VLAN as an override; the program has none.
    // The update's diff: port 7's override with the live VLAN goes (the program's shared vlan is 20).
    expect(drift.stdout).toMatch(/~ 7\s*: \{[^}]*- vlan: 30/);

    // Ports 9 and 10 leave the set: they go back to what they were (9: Printer on VLAN 7).
    await t.control.clearRequests();
    project.writeProgram(bulk("5-8"));
    const shrink = expectOk(await project.run(["up", "--yes", "--skip-preview"]));
    expect(stepsOf(shrink.events).map((s) => `${s.op} ${s.name}`)).toEqual(["update desks"]);
    expect(await port("9")).toMatchObject({ name: "Printer", vlan: 7 });
    expect(await port("10")).toMatchObject({ vlan: 1 });
    expect((await port("10")).name ?? null).toBeNull();
    expect(await port("7")).toMatchObject({ name: "Desk 7", vlan: 20 });
    expect(Object.keys((await project.state()).desks.outputs.original).sort()).toEqual(["5", "6", "7", "8"]);

    expectOk(await project.run(["destroy", "--yes", "--skip-preview"]));
    for (const p of ["5", "6", "7", "8"]) {
      expect(await port(p)).toMatchObject({ vlan: 1 });
      expect((await port(p)).name ?? null).toBeNull();
    }
  }, 240_000);

  test("validation names the field once, and the port when it is one port's", async () => {
    // The engine stops at the first resource whose Check fails: one resource a run.
    const failures = async (source: string, name: string) => {
      project.writeProgram(source);
      const r = await project.run(["preview"]);
      expect(r.code).not.toBe(0);
      return diagnosticsOf(r.events).filter((d) => d.severity === "error" && d.name === name).map((d) => d.message).join("\n");
    };
    // A shared field: one failure for the resource, not one per port.
    const shared = await failures(bulk("5-8", 5000), "desks");
    expect(shared.match(/vlan/g)).toHaveLength(1);
    expect(shared).toMatch(/vlan.*must be between 1 and 4094/);
    // A port's own override, and an override for a port not in the set.
    const own = await failures(`
import * as meraki from "meraki-batch";
new meraki.SwitchPorts("uplinks", { serial: "${SW}", ports: "47-48", type: "trunk", allowedVlans: "1,10", overrides: { "47": { vlan: 0 } } });
`, "uplinks");
    expect(own).toMatch(/overrides\.47\.vlan.*must be between 1 and 4094/);
    const stray = await failures(`
import * as meraki from "meraki-batch";
new meraki.SwitchPorts("uplinks", { serial: "${SW}", ports: "47-48", overrides: { "49": { name: "x" } } });
`, "uplinks");
    expect(stray).toMatch(/overrides\.49.*port 49 is not in ports "47-48"/);
    expect(writes(await t.control.requests())).toEqual([]);
  }, 240_000);
});
