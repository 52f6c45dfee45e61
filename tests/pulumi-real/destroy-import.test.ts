/**
 * `pulumi destroy` and importing existing objects, under the real engine.
 *
 * - destroy deletes the VLANs the stack created and returns ports and tags to what `onDelete`
 *   says: the values they had when the stack took them over (restore), factory defaults (reset),
 *   or as they are (retain).
 * - Importing a dynamic resource does not work in this engine: its import step reads the object by
 *   id alone (pkg/resource/deploy/step.go `ImportStep.Apply`: `prov.Read` with no inputs or state),
 *   and the dynamic-provider plugin loads the provider from the resource's `__provider` input
 *   ("code must be a string, not undefined"). That holds for `pulumi import` and for the `import`
 *   resource option alike. Existing objects are adopted instead: VLANs with `adopt: true`, ports
 *   and tags by their create, which takes them over and writes nothing when they already match.
 */
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { testEmulator, TestEmulator } from "../helpers/api";
import { describeReal, expectOk, PulumiProject, stepsOf } from "../helpers/real-pulumi";

const TEMPLATE = path.resolve(__dirname, "..", "fixtures", "pulumi-project");
const NET = "L_000000000000000";
const SW = "AAAA-BBBB-CCCC";
const writes = (log: any[]) => log.filter((r) => r.method !== "GET");

describeReal("destroy and import", (tc) => {
  let t: TestEmulator;
  let project: PulumiProject;
  beforeAll(async () => {
    t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
    project = await PulumiProject.create(tc, {
      program: TEMPLATE,
      config: { "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": "1234567" },
      env: { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY },
    });
  }, 120_000);
  afterAll(async () => {
    await project?.dispose();
    await t?.close();
  });
  const port = async (p: string) => (await t.api.get(`/devices/${SW}/switch/ports/${p}`)).body;

  test("destroy: VLANs deleted, ports and tags as onDelete says", async () => {
    // What the stack will find: port 3 already named and trunked, the switch tagged "existing".
    expect((await t.api.put(`/devices/${SW}/switch/ports/3`, { name: "Printer", type: "trunk", vlan: 1, allowedVlans: "1,10" })).status).toBe(200);
    expect((await t.api.put(`/devices/${SW}`, { tags: ["existing"] })).status).toBe(200);
    project.writeProgram(`
import * as meraki from "meraki-batch";
const lab = new meraki.Vlan("lab", { networkId: "${NET}", vlanId: 60, name: "Lab", subnet: "10.60.0.0/24", applianceIp: "10.60.0.1" });
new meraki.SwitchPort("restored", { serial: "${SW}", portId: "3", name: "Lab bench", type: "access", vlan: 60 });
new meraki.SwitchPort("reset", { serial: "${SW}", portId: "4", name: "Lab 4", vlan: 60, onDelete: "reset" });
new meraki.SwitchPort("retained", { serial: "${SW}", portId: "5", name: "Lab 5", vlan: 60, onDelete: "retain" });
new meraki.DeviceTags("tags", { serial: "${SW}", tags: ["lab"], mode: "include" });
`);
    expectOk(await project.run(["up", "--yes", "--skip-preview"]));
    expect(await port("3")).toMatchObject({ name: "Lab bench", type: "access", vlan: 60 });
    expect((await t.api.get(`/devices/${SW}`)).body.tags.sort()).toEqual(["existing", "lab"]);

    await t.control.clearRequests();
    const r = expectOk(await project.run(["destroy", "--yes", "--skip-preview"]));
    expect(stepsOf(r.events).map((s) => s.op).every((op) => op === "delete")).toBe(true);
    expect(stepsOf(r.events)).toHaveLength(5);
    // The VLAN is gone; port 3 is as it was found, port 4 at factory defaults, port 5 left as the stack set it.
    expect((await t.api.get(`/networks/${NET}/appliance/vlans/60`)).status).toBe(404);
    expect(await port("3")).toMatchObject({ name: "Printer", type: "trunk", vlan: 1, allowedVlans: "1,10" });
    expect(await port("4")).toMatchObject({ vlan: 1 });
    expect((await port("4")).name ?? null).toBeNull();
    expect(await port("5")).toMatchObject({ name: "Lab 5", vlan: 60 });
    // include-mode tags: only the tag the stack added is removed.
    expect((await t.api.get(`/devices/${SW}`)).body.tags).toEqual(["existing"]);
    // Through batches only.
    expect(writes(await t.control.requests()).every((x) => /actionBatches/.test(x.path))).toBe(true);
    expect(await project.state()).toEqual({});
  }, 240_000);

  test("pulumi import and the import option cannot import a dynamic resource: the engine reads it without the provider", async () => {
    expect((await t.api.post(`/networks/${NET}/appliance/vlans`, { id: 70, name: "Cameras", subnet: "10.70.0.0/24", applianceIp: "10.70.0.1" })).status).toBe(201);
    const cli = await project.run(["import", "pulumi-nodejs:dynamic/meraki:Vlan", "cameras", `${NET}/70`, "--yes", "--generate-code=false"]);
    expect(cli.code).not.toBe(0);
    expect(cli.stdout).toContain("code must be a string, not undefined");
    project.writeProgram(`
import * as meraki from "meraki-batch";
new meraki.Vlan("cameras", { networkId: "${NET}", vlanId: 70, name: "Cameras", subnet: "10.70.0.0/24", applianceIp: "10.70.0.1" }, { import: "${NET}/70" });
`);
    const option = await project.run(["up", "--yes", "--skip-preview"]);
    expect(option.code).not.toBe(0);
    expect(option.stdout).toContain("code must be a string, not undefined");
    expect(await project.state()).toEqual({});
  }, 240_000);

  test("adopting instead: existing objects are taken into the stack by the first up, without a write", async () => {
    expect((await t.api.put(`/devices/${SW}/switch/ports/12`, { name: "Camera 12", vlan: 70 })).status).toBe(200);
    // What `meraki-batch import` writes: existing VLANs with adopt, ports as they are.
    project.writeProgram(`
import * as meraki from "meraki-batch";
new meraki.Vlan("cameras", { networkId: "${NET}", vlanId: 70, name: "Cameras", subnet: "10.70.0.0/24", applianceIp: "10.70.0.1", adopt: true });
new meraki.SwitchPort("camera-12", { serial: "${SW}", portId: "12", name: "Camera 12", vlan: 70 });
`);
    await t.control.clearRequests();
    const r = expectOk(await project.run(["up", "--yes"]));
    expect(stepsOf(r.events).map((s) => [s.name, s.op]).sort()).toEqual([
      ["camera-12", "create"],
      ["cameras", "create"],
    ]);
    expect(writes(await t.control.requests())).toEqual([]);
    const state = await project.state();
    expect(state.cameras.id).toBe(`${NET}/70`);
    expect(state["camera-12"].outputs).toMatchObject({ name: "Camera 12", vlan: 70, original: { name: "Camera 12", vlan: 70 } });
    const again = expectOk(await project.run(["up", "--yes"]));
    expect(stepsOf(again.events).filter((s) => s.op !== "same")).toEqual([]);
  }, 240_000);
});
