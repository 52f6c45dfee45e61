/**
 * VlansSettings (/networks/{networkId}/appliance/vlans/settings, issue #11 point 11): ordered
 * before the VLAN creates of its network in the same batch, VLANs planned against the list that
 * enabling leaves, side effects stated in the plan, disabling refused while VLANs are declared,
 * onDelete, and the Pulumi runtime and CLI front ends.
 */
import * as path from "path";
import { formatPlan } from "../../cli/format";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { DeleteSpec, LiveSnapshot, Plan, ResourceSpec, ValidationError, makePlan, validate } from "../../provider";
import { packageVersion } from "../../provider/dashboard/user-agent";
import { Runtime } from "../../provider/dynamic/runtime";
import { TestEmulator, testEmulator } from "../helpers/api";
import { PROGRAMS, cli } from "../helpers/cli";

const OFF = "N_off";
const ON = "N_on";
const SWITCHES = "N_switches";

function snapshot(): LiveSnapshot {
  return {
    organizationId: "O",
    networks: {
      [OFF]: { id: OFF, name: "off", productTypes: ["appliance", "switch"], isBoundToConfigTemplate: false },
      [ON]: { id: ON, name: "on", productTypes: ["appliance"], isBoundToConfigTemplate: false },
      [SWITCHES]: { id: SWITCHES, name: "switches only", productTypes: ["switch"], isBoundToConfigTemplate: false },
    },
    devices: {},
    vlans: {
      [OFF]: { state: "disabled" },
      [ON]: { state: "ok", vlans: { "1": { id: 1, name: "Default", subnet: "192.168.128.0/24", applianceIp: "192.168.128.1" } } },
      [SWITCHES]: { state: "disabled" },
    },
    ports: {},
  };
}

function plan(resources: ResourceSpec[], deletes: DeleteSpec[] = [], options = {}): Plan {
  const { items, removals } = validate(resources, deletes);
  return makePlan(items, removals, snapshot(), options, new Date("2026-11-28T00:00:00Z"));
}

const settings = (networkId: string, vlansEnabled: boolean, extra = {}): ResourceSpec => ({ kind: "vlansSettings", name: `vlans-${networkId}`, props: { networkId, vlansEnabled, ...extra } });
const vlan = (networkId: string, vlanId: number, extra = {}): ResourceSpec => ({
  kind: "vlan",
  name: `vlan-${vlanId}`,
  props: { networkId, vlanId, name: `V${vlanId}`, subnet: `10.${vlanId}.0.0/24`, applianceIp: `10.${vlanId}.0.1`, ...extra },
});
const issueOf = (fn: () => unknown): ValidationError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error("no ValidationError");
};

describe("enabling VLANs and creating them in one plan", () => {
  test("the VLAN creates are planned against the list enabling leaves, in the same batch, after the setting", () => {
    const p = plan([vlan(OFF, 10), settings(OFF, true), vlan(OFF, 20)]);
    expect(p.batches).toHaveLength(1);
    expect(p.batches[0].actions.map((a) => `${a.operation} ${a.resource}`)).toEqual([
      `update /networks/${OFF}/appliance/vlans/settings`,
      `create /networks/${OFF}/appliance/vlans`,
      `create /networks/${OFF}/appliance/vlans`,
    ]);
    expect(p.batches[0].actions[0].body).toEqual({ vlansEnabled: true });
    const s = p.changes.find((c) => c.kind === "vlansSettings")!;
    expect(s).toMatchObject({ op: "update", fields: [{ path: "vlansEnabled", old: false, new: true }], live: { vlansEnabled: false } });
    expect(s.notes).toContain("enabling VLANs turns the MX's LAN ports into trunks that drop untagged traffic (dashboard-api-ansible#52)");
    for (const c of p.changes.filter((x) => x.kind === "vlan")) expect(c.dependsOn).toEqual([`vlansSettings/${OFF}`]);
  });

  test("when the batch size splits them, the VLANs come in later batches that wait for the setting", () => {
    const p = plan([settings(OFF, true), vlan(OFF, 10), vlan(OFF, 20), vlan(OFF, 30)], [], { maxActionsPerBatch: 2 });
    expect(p.batches.map((b) => b.actions.map((a) => a.operation))).toEqual([["update", "create"], ["create", "create"]]);
    expect(p.batches[1].after).toEqual([0]);
  });

  test("VLAN 1 exists once enabled (TFP#86): a create without adopt is refused, adopt updates it with every field", () => {
    const one = { ...vlan(OFF, 1, { subnet: "192.168.128.0/24", applianceIp: "192.168.128.1" }), intent: "create" as const };
    expect(issueOf(() => plan([settings(OFF, true), one])).message).toMatch(/vlanId: Vlan has already been taken: VLAN 1 already exists on network N_off \(set adopt: true to manage it\)/);
    const adopted = plan([settings(OFF, true), { ...one, props: { ...(one.props as object), adopt: true } }]);
    const c = adopted.changes.find((x) => x.kind === "vlan")!;
    expect(c.op).toBe("update");
    expect(c.actions[0].body).toEqual({ name: "V1", subnet: "192.168.128.0/24", applianceIp: "192.168.128.1" });
  });

  test("without a VlansSettings the plan says which resource to declare", () => {
    expect(issueOf(() => plan([vlan(OFF, 10)])).message).toMatch(
      /Vlan 'vlan-10' \(VLAN 10 on network N_off\): networkId: VLANs are not enabled for this network \(N_off\); declare a VlansSettings for network N_off with vlansEnabled: true/,
    );
  });

  test("already enabled is no change; a network without an appliance or outside the organization is refused", () => {
    expect(plan([settings(ON, true)]).changes[0]).toMatchObject({ op: "noop", actions: [] });
    expect(issueOf(() => plan([settings(SWITCHES, true)])).message).toMatch(/VlansSettings 'vlans-N_switches' \(VLAN settings of network N_switches\): networkId: network N_switches has no security appliance \(its products: switch\)/);
    expect(issueOf(() => plan([settings("N_else", true)])).message).toMatch(/networkId: network N_else is not in organization O/);
  });
});

describe("disabling", () => {
  test("refused while the program declares VLANs on that network, naming the resource and field", () => {
    const err = issueOf(() => plan([settings(ON, false), vlan(ON, 10), vlan(OFF, 20), settings(OFF, true)]));
    expect(err.issues).toEqual([
      expect.objectContaining({
        name: `vlans-${ON}`,
        path: "vlansEnabled",
        message: "cannot disable VLANs on network N_on while the program declares VLANs on it (Vlan 'vlan-10'): disabling removes every VLAN of the network",
      }),
    ]);
  });

  test("otherwise it is the last action, after the VLAN deletes of the network, with its note", () => {
    const p = plan([settings(ON, false)], [{ kind: "vlan", name: "gone", props: vlan(ON, 1).props }]);
    expect(p.batches[0].actions.map((a) => a.operation)).toEqual(["destroy", "update"]);
    expect(p.changes.find((c) => c.kind === "vlansSettings")!).toMatchObject({
      dependsOn: [`vlan/${ON}/1`],
      notes: ["disabling VLANs puts the MX back on a single LAN: every VLAN of the network is removed"],
    });
  });
});

describe("onDelete", () => {
  const del = (onDelete?: "restore" | "reset" | "retain", original: Record<string, unknown> | null = { vlansEnabled: false }): DeleteSpec => ({
    kind: "vlansSettings",
    name: "s",
    props: { networkId: ON, vlansEnabled: true },
    onDelete,
    original,
  });

  test("retain by default: destroying the resource leaves VLANs on", () => {
    expect(plan([], [del()]).changes[0]).toMatchObject({ op: "noop", actions: [] });
  });

  test("restore puts back the value found at adoption, reset disables; both refused while VLANs are declared there", () => {
    expect(plan([], [del("restore")]).changes[0].actions).toEqual([{ resource: `/networks/${ON}/appliance/vlans/settings`, operation: "update", body: { vlansEnabled: false } }]);
    expect(plan([], [del("restore", { vlansEnabled: true })]).changes[0].op).toBe("noop");
    expect(plan([], [del("restore", null)]).changes[0].op).toBe("noop");
    expect(plan([], [del("reset")]).changes[0].op).toBe("delete");
    expect(issueOf(() => plan([vlan(ON, 10)], [del("reset")])).issues[0]).toMatchObject({ name: "s", path: "onDelete" });
  });
});

test("the plan output shows the notes under the change", () => {
  const plain = (s: string) => s;
  const text = formatPlan(plan([settings(OFF, true), vlan(OFF, 10)]), { green: plain, yellow: plain, red: plain, dim: plain, bold: plain, cyan: plain });
  expect(text).toContain(
    [
      `Network ${OFF}`,
      `  ~ VlansSettings vlans-${OFF} (VLAN settings): vlansEnabled false → true`,
      "      note: enabling VLANs turns the MX's LAN ports into trunks that drop untagged traffic (dashboard-api-ansible#52)",
    ].join("\n"),
  );
});

describe("front ends", () => {
  let t: TestEmulator;
  const NET = "L_000000000000000";
  const disable = () => t.api.put(`/networks/${NET}/appliance/vlans/settings`, { vlansEnabled: false });
  beforeEach(async () => {
    t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
  });
  afterEach(() => t.close());

  test("the Pulumi runtime: create takes the setting over and remembers it; networkId replaces; delete leaves VLANs on", async () => {
    await disable();
    const config: Record<string, string> = { "meraki-batch:apiKey": DEMO_API_KEY, "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": "1234567" };
    const rt = new Runtime();
    rt.configure({ get: (k) => config[k] });
    const created = await rt.create("vlansSettings", { networkId: NET, vlansEnabled: true });
    expect(created).toEqual({ id: NET, outs: { networkId: NET, vlansEnabled: true, original: { vlansEnabled: false } } });
    expect((await t.api.get(`/networks/${NET}/appliance/vlans/settings`)).body).toEqual({ vlansEnabled: true });
    expect((await rt.diff("vlansSettings", NET, { networkId: NET, vlansEnabled: true }, { networkId: "L_1", vlansEnabled: true })).replaces).toEqual(["networkId"]);
    await t.control.clearRequests();
    await rt.delete("vlansSettings", NET, { networkId: NET, vlansEnabled: true, original: { vlansEnabled: false } });
    expect((await t.control.requests()).filter((r) => r.method !== "GET")).toEqual([]);
    expect((await t.api.get(`/networks/${NET}/appliance/vlans/settings`)).body).toEqual({ vlansEnabled: true });
  });

  test("the CLI: a program that switches VLANs on and uses them plans one batch, applies, then has nothing to do", async () => {
    await disable();
    await t.control.clearRequests();
    const env = { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: t.emu.url, MERAKI_ORGANIZATION_ID: "1234567" };
    const program = path.join(PROGRAMS, "vlans-settings");
    const r = await cli(["plan", program], { env });
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("note: enabling VLANs turns the MX's LAN ports into trunks that drop untagged traffic (dashboard-api-ansible#52)");
    expect(r.stdout).toContain(
      ["        1. update  /networks/L_000000000000000/appliance/vlans/settings", "        2. create  /networks/L_000000000000000/appliance/vlans", "        3. update  /networks/L_000000000000000/appliance/vlans/1"].join("\n"),
    );
    expect((await cli(["apply", program, "--yes"], { env })).code).toBe(0);
    const again = await cli(["plan", program, "--detailed-exitcode"], { env });
    expect(again.stdout).toContain("No changes.");
    expect(again.code).toBe(0);
    // The CLI names itself as the API asks: ApplicationName/Version VendorName.
    const agents = new Set((await t.control.requests()).map((q) => q.userAgent));
    expect([...agents]).toEqual([`MerakiBatchCLI/${packageVersion()} MerakiBatch`]);
  });
});
