/**
 * VlanOwnership under the real Pulumi engine: the declaration registers as a component resource
 * with its network and deletes nothing: Pulumi deletes by its state.
 */
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { NET, TestEmulator, testEmulator } from "../helpers/api";
import { describeReal, expectOk, PulumiProject, stepsOf } from "../helpers/real-pulumi";

const TEMPLATE = path.resolve(__dirname, "..", "fixtures", "pulumi-project");

describeReal("VlanOwnership under pulumi up", (tc) => {
  let t: TestEmulator;
  let project: PulumiProject;
  beforeAll(async () => {
    t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 0 });
    project = await PulumiProject.create(tc, {
      program: TEMPLATE,
      config: { "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": "1234567" },
      env: { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY },
    });
    project.writeProgram(
      [
        'import * as meraki from "meraki-batch";',
        `new meraki.VlanOwnership("branch-vlans", { networkId: "${NET}" });`,
        `new meraki.Vlan("users", { networkId: "${NET}", vlanId: 10, name: "Users", subnet: "10.0.10.0/24", applianceIp: "10.0.10.1" });`,
        "",
      ].join("\n"),
    );
  }, 120_000);
  afterAll(async () => {
    await project?.dispose();
    await t?.close();
  });

  test("accepted as a component with its network; the VLANs the stack never managed stay", async () => {
    expect((await t.api.post(`/networks/${NET}/appliance/vlans`, { id: "40", name: "Lab", subnet: "10.0.40.0/24", applianceIp: "10.0.40.1" })).status).toBe(201);
    const up = expectOk(await project.run(["up", "--yes", "--skip-preview"]));
    expect(stepsOf(up.events).map((s) => `${s.op} ${s.name}`)).toEqual(["create users"]);
    const component = up.events.find((e) => e.resOutputsEvent?.metadata?.type === "meraki-batch:index:VlanOwnership");
    expect(component?.resOutputsEvent.metadata.new.inputs ?? component?.resOutputsEvent.metadata.new.outputs).toBeDefined();
    expect(String(component!.resOutputsEvent.metadata.urn)).toMatch(/::branch-vlans$/);
    const live = ((await t.api.get(`/networks/${NET}/appliance/vlans`)).body as Array<{ id: number }>).map((v) => v.id);
    expect(live).toEqual([1, 10, 40]);
  }, 240_000);
});
