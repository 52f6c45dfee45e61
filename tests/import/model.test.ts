/** The pure part of import: fields from the schemas, grouping, names, the model and its text. */
import { z } from "zod";
import { Device, SwitchPort, Vlan } from "../../emulator/model";
import { defaultPort, renderPort } from "../../emulator/resources/switch-ports";
import { defaultVlan, renderVlan } from "../../emulator/resources/vlans";
import { makePlan, validate } from "../../provider/plan/plan";
import { LiveSnapshot } from "../../provider/live/snapshot";
import { IMPORT_KINDS, KindFields, deriveFields, writableFields } from "../../provider/import/fields";
import { groupPorts, namePatterns, portExpression } from "../../provider/import/group";
import { buildModel, modelResources } from "../../provider/import/model";
import { NameSet, camel, kebab } from "../../provider/import/names";
import { renderIndex, summary } from "../../provider/import/render";
import { ImportKind, parseKinds, resolveScope } from "../../provider/import/scope";
import { portRange } from "../../sdk/ports";

const NET = "L_1";
const SW = "SW-1";

const SWITCH = { serial: SW, model: "MS225-48LP" } as Device;

/** A port as GET returns it (spec-shaped, with the model's capabilities), with these settings. */
function port(id: number, fields: Record<string, unknown> = {}) {
  return renderPort(SWITCH, { ...defaultPort(String(id)), ...fields } as SwitchPort) as Record<string, unknown>;
}

/** A VLAN as GET returns it (no networkId, no prefix assignment's `disabled`). */
function vlan(id: number, fields: Partial<Vlan> = {}, bound = false) {
  return renderVlan({ ...defaultVlan({ isBoundToConfigTemplate: bound }, id, String(id)), ...fields }) as Record<string, unknown>;
}

function snapshot(opts: { ports?: Record<string, unknown>[]; vlans?: object[]; tags?: string[]; vlansDisabled?: boolean; bound?: boolean } = {}): LiveSnapshot {
  const ports = opts.ports ?? Array.from({ length: 8 }, (_, i) => port(i + 1));
  return {
    organizationId: "9",
    networks: { [NET]: { id: NET, name: "Main Office", productTypes: ["appliance", "switch"], isBoundToConfigTemplate: opts.bound ?? false } },
    devices: {
      [SW]: { serial: SW, networkId: NET, name: "Core Switch", model: "MS225-48LP", productType: "switch", tags: opts.tags ?? [] },
      "MX-1": { serial: "MX-1", networkId: NET, name: "Edge", model: "MX84", productType: "appliance", tags: [] },
    },
    vlans: { [NET]: opts.vlansDisabled ? { state: "disabled" } : { state: "ok", vlans: Object.fromEntries((opts.vlans ?? [vlan(1, {}, opts.bound)]).map((v) => [String((v as { id: number }).id), v as Record<string, unknown>])) } },
    ports: { [SW]: Object.fromEntries(ports.map((p) => [String(p.portId), p])) },
  };
}

/** The model of the kinds these tests are about (VLANs, tags, ports); the campus kinds have their own tests. */
function model(snap: LiveSnapshot, kinds: ImportKind[] = ["vlans", "tags", "ports"]) {
  return buildModel(snap, resolveScope("9", snap.networks!, snap.devices!, { kinds }));
}

/** The model's resources planned against the snapshot they came from, as Pulumi's first up (create) and as the CLI (ensure). */
function actions(snap: LiveSnapshot, resources = modelResources(model(snap))): number {
  let total = 0;
  for (const intent of ["create", "ensure"] as const) {
    const { items } = validate(resources.map((r) => ({ ...r, intent })));
    total += makePlan(items, [], snap).summary.actions;
  }
  return total;
}

describe("fields", () => {
  test("an untouched port has nothing to write; values equal to the defaults after normalising are left out too", () => {
    expect(deriveFields(IMPORT_KINDS.switchPort, port(1))).toEqual({ fields: {}, dropped: [], unknown: [] });
    const d = deriveFields(IMPORT_KINDS.switchPort, port(1, { name: "", allowedVlans: "1-500,501-1000", tags: [] }));
    expect(d.fields).toEqual({});
  });

  test("written values are normalised as the diff sees them: canonical VLAN lists, sorted tags, lower-case MACs", () => {
    const d = deriveFields(IMPORT_KINDS.switchPort, port(1, { type: "trunk", allowedVlans: "30,10,11,12", tags: ["b", "a"], vlan: null }));
    expect(d.fields).toEqual({ tags: ["a", "b"], type: "trunk", vlan: null, allowedVlans: "10-12,30" });
    const m = deriveFields(IMPORT_KINDS.switchPort, port(1, { accessPolicyType: "MAC allow list", macAllowList: ["AA:BB:CC:DD:EE:01"] }));
    expect(m.fields).toEqual({ accessPolicyType: "MAC allow list", macAllowList: ["aa:bb:cc:dd:ee:01"] });
  });

  test("nested objects: only the sub-fields that differ plus the required ones; unknown sub-fields are named", () => {
    const d = deriveFields(IMPORT_KINDS.switchPort, port(1, { profile: { enabled: true, id: "1234", iname: null, color: "red" }, dot3az: { enabled: false } }));
    expect(d.fields).toEqual({ profile: { enabled: true, id: "1234" } });
    expect(d.unknown).toEqual(["profile.color"]);
  });

  test("read-only and unknown top-level fields: read-only ones are silent here, unknown ones are named", () => {
    const d = deriveFields(IMPORT_KINDS.switchPort, { ...port(1), mirror: { mode: "Source port" }, schedule: { id: "1", name: "x" }, macsecEnabled: true });
    expect(d.unknown).toEqual(["macsecEnabled"]);
  });

  test("a value the SDK's schema refuses is dropped with the schema's reason", () => {
    const v = vlan(5, { subnet: "10.5.0.0/24", applianceIp: "10.5.0.1", vpnNatSubnet: "10.9.9.5/24" });
    const d = deriveFields(IMPORT_KINDS.vlan, v);
    expect(d.dropped).toEqual([{ field: "vpnNatSubnet", value: "10.9.9.5/24", reason: "10.9.9.5/24 is not a network address (the host bits must be zero)" }]);
    expect(d.fields).toEqual({ name: "Default", subnet: "10.5.0.0/24", applianceIp: "10.5.0.1" });
  });

  test("VLAN fields at the values a new VLAN gets are left out; the required ones stay", () => {
    const v = vlan(10, { name: "Users", subnet: "10.10.0.0/24", applianceIp: "10.10.0.1", dhcpLeaseTime: "4 hours", mandatoryDhcp: { enabled: true } });
    expect(deriveFields(IMPORT_KINDS.vlan, v).fields).toEqual({
      name: "Users", subnet: "10.10.0.0/24", applianceIp: "10.10.0.1", dhcpLeaseTime: "4 hours", mandatoryDhcp: { enabled: true },
    });
  });

  test("the fields come from the schema: a field added to a kind's schema is imported without other changes", () => {
    const extended: KindFields = { ...IMPORT_KINDS.switchPort, schema: IMPORT_KINDS.switchPort.schema.extend({ macsecEnabled: z.boolean().optional() }) };
    expect(writableFields(extended)).toContain("macsecEnabled");
    expect(deriveFields(extended, { ...port(1), macsecEnabled: true }).fields).toEqual({ macsecEnabled: true });
    expect(writableFields(IMPORT_KINDS.switchPort)).toEqual(Object.keys(IMPORT_KINDS.switchPort.schema.shape).filter((k) => !["serial", "portId", "onDelete"].includes(k)));
  });
});

describe("grouping", () => {
  const p = (portId: string, fields: Record<string, unknown>) => ({ portId, fields });

  test("identical settings become one group with a range; a name that is the same text around each port id becomes a pattern", () => {
    const ports = [
      p("1", { vlan: 99 }),
      ...Array.from({ length: 39 }, (_, i) => p(String(i + 2), { name: `Desk ${i + 2}`, vlan: 10 })),
      ...["41", "42", "43"].map((id) => p(id, { name: "IoT", vlan: 30 })),
      p("48", { name: "Uplink", type: "trunk" }),
    ];
    expect(groupPorts(ports)).toEqual([
      { kind: "single", portId: "1", settings: { vlan: 99 } },
      { kind: "group", ports: Array.from({ length: 39 }, (_, i) => String(i + 2)), expression: "2-40", settings: { vlan: 10 }, pattern: { prefix: "Desk ", suffix: "" } },
      { kind: "group", ports: ["41", "42", "43"], expression: "41-43", settings: { name: "IoT", vlan: 30 } },
      { kind: "single", portId: "48", settings: { name: "Uplink", type: "trunk" } },
    ]);
  });

  test("ranges cover non-adjacent ports; different settings or names that fit no pattern stay apart", () => {
    const ports = [p("1", { vlan: 10 }), p("2", { vlan: 10 }), p("3", { vlan: 20 }), p("5", { vlan: 10 }), p("6", { vlan: 10, name: "A" }), p("7", { vlan: 10, name: "B" })];
    expect(groupPorts(ports)).toEqual([
      { kind: "group", ports: ["1", "2", "5"], expression: "1,2,5", settings: { vlan: 10 } },
      { kind: "single", portId: "3", settings: { vlan: 20 } },
      { kind: "single", portId: "6", settings: { vlan: 10, name: "A" } },
      { kind: "single", portId: "7", settings: { vlan: 10, name: "B" } },
    ]);
  });

  test("patterns: the port id must stand alone, every occurrence is a candidate, and the most common one wins", () => {
    expect(namePatterns("Port 11", "1")).toEqual([]);
    expect(namePatterns("B1-SW1-D1", "1")).toEqual([
      { prefix: "B", suffix: "-SW1-D1" },
      { prefix: "B1-SW", suffix: "-D1" },
      { prefix: "B1-SW1-D", suffix: "" },
    ]);
    const ports = ["1", "2", "3"].map((id) => p(id, { name: `B1-SW1-D${id}`, vlan: 5 }));
    expect(groupPorts(ports)).toEqual([{ kind: "group", ports: ["1", "2", "3"], expression: "1-3", settings: { vlan: 5 }, pattern: { prefix: "B1-SW1-D", suffix: "" } }]);
  });

  test("ports with ids that are not plain numbers are listed, not ranged", () => {
    expect(portExpression(["1_MA-MOD-4X10G_1", "1_MA-MOD-4X10G_2"])).toEqual(["1_MA-MOD-4X10G_1", "1_MA-MOD-4X10G_2"]);
    expect(portExpression(["5", "6"])).toBe("5,6");
    expect(portExpression(["01", "2"])).toEqual(["01", "2"]);
  });

  test("every range expression is one sdk/ports.ts parses back to exactly its ports", () => {
    const ids = ["1", "2", "3", "7", "9", "10", "11", "12", "20", "48"];
    expect(portRange(portExpression(ids) as string)).toEqual(ids);
  });
});

describe("names", () => {
  test("identifiers and resource names from display names, unique, never a reserved word", () => {
    expect(camel("Switch A (2nd floor)", "device")).toBe("switchA2ndFloor");
    expect(camel("3rd floor", "device")).toBe("device3rdFloor");
    expect(camel("", "device")).toBe("device");
    expect(kebab("Branch Office #2", "x")).toBe("branch-office-2");
    const ids = new NameSet("");
    expect([ids.take("switchA"), ids.take("switchA"), ids.take("default"), ids.take("meraki")]).toEqual(["switchA", "switchA2", "default2", "meraki2"]);
    const names = new NameSet("-");
    expect(names.takeAll(["a-1", "a-2"])).toBe(true);
    expect(names.takeAll(["a-2", "a-3"])).toBe(false);
    expect(names.take("a-1")).toBe("a-1-2");
  });
});

describe("model", () => {
  test("what a person would write: constants, adopted VLANs (VLAN 1 kept on delete), tags, grouped ports; it plans to no actions", () => {
    const ports = [
      port(1, { vlan: 99, tags: ["api"] }),
      ...[2, 3, 4, 5].map((i) => port(i, { name: `Desk ${i}`, vlan: 10, voiceVlan: 20 })),
      port(6),
      port(7, { name: "Printer", vlan: 10 }),
      port(8, { name: "Uplink", type: "trunk", allowedVlans: "1,10,20,99" }),
    ];
    const vlans = [vlan(1), vlan(10, { name: "Users", subnet: "10.10.0.0/24", applianceIp: "10.10.0.1" })];
    const snap = snapshot({ ports, vlans, tags: ["core", "api"] });
    const m = model(snap);
    expect(m.counts).toEqual({
      vlansSettings: 1, vlansDisabled: 0, vlans: 2, vlanNetworks: 1, tagSets: 1, ports: 7, switches: 1, declarations: 8, defaultPorts: 1, untaggedDevices: 1,
      devices: 0, policies: 0, aggregations: 0, interfaces: 0, routes: 0,
    });
    expect(m.networks[0]).toMatchObject({
      constant: "mainOffice",
      vlansSettings: { resourceName: "main-office-vlans-settings", props: { networkId: NET, vlansEnabled: true }, variable: "mainOfficeVlans" },
      vlans: [{ resourceName: "main-office-vlan-1", retainOnDelete: true }, { resourceName: "main-office-vlan-10", retainOnDelete: false }],
    });
    expect(m.networks[0].vlans[1].props).toEqual({ networkId: NET, vlanId: 10, name: "Users", subnet: "10.10.0.0/24", applianceIp: "10.10.0.1", adopt: true });
    expect(renderIndex(m)).toContain(
      [
        "// Networks",
        'const mainOffice = "L_1"; // Main Office',
        "",
        "// Devices in Main Office",
        'const coreSwitch = "SW-1"; // Core Switch, MS225-48LP',
        "",
        "// VLANs of Main Office, taken over as they are (adopt); VLAN 1 stays if the program is destroyed",
        'const mainOfficeVlans = new meraki.VlansSettings("main-office-vlans-settings", {',
        "  networkId: mainOffice,",
        "  vlansEnabled: true,",
        "});",
        "new meraki.Vlan(",
      ].join("\n"),
    );
    // The VLANs take their networkId from the settings, so Pulumi creates them after it.
    expect(renderIndex(m)).toContain(
      'new meraki.Vlan("main-office-vlan-10", {\n  networkId: mainOfficeVlans.networkId,\n  vlanId: 10,\n  name: "Users",\n  subnet: "10.10.0.0/24",\n  applianceIp: "10.10.0.1",\n  adopt: true,\n});',
    );
    expect(renderIndex(m)).toContain(
      [
        "// Device tags",
        'new meraki.DeviceTags("core-switch-tags", { serial: coreSwitch, tags: ["api", "core"] });',
        "",
        "// Ports of Core Switch",
        'new meraki.SwitchPort("core-switch-port-1", { serial: coreSwitch, portId: "1", tags: ["api"], vlan: 99 });',
        'meraki.switchPorts("core-switch-desk", { serial: coreSwitch, ports: "2-5" }, (port) => ({',
        "  name: `Desk ${port}`,",
        "  vlan: 10,",
        "  voiceVlan: 20,",
        "}));",
        'new meraki.SwitchPort("core-switch-port-7", { serial: coreSwitch, portId: "7", name: "Printer", vlan: 10 });',
        'new meraki.SwitchPort("core-switch-port-8", {',
        "  serial: coreSwitch,",
        '  portId: "8",',
        '  name: "Uplink",',
        '  type: "trunk",',
        '  allowedVlans: "1,10,20,99",',
        "});",
      ].join("\n"),
    );
    expect(modelResources(m).map((r) => r.name)).toEqual([
      "main-office-vlans-settings", "main-office-vlan-1", "main-office-vlan-10", "core-switch-tags", "core-switch-port-1",
      "core-switch-desk", "core-switch-port-7", "core-switch-port-8",
    ]);
    // A range is one SwitchPorts resource, names that follow a pattern are per-port overrides.
    expect(modelResources(m).find((r) => r.name === "core-switch-desk")).toMatchObject({ kind: "switchPorts", props: { serial: SW, ports: "2-5", overrides: { "2": { name: "Desk 2" } } } });
    expect(actions(snap)).toBe(0);
  });

  test("what the API keeps but would not take is left out and named: allowedVlans on a port that became an access port", () => {
    const snap = snapshot({ ports: [port(1, { allowedVlans: "1,5", stpPortFastTrunk: true, vlan: 5 }), port(2, { type: "stack", voiceVlan: 7, vlan: null })] });
    const m = model(snap);
    expect(m.skipped).toEqual(
      expect.arrayContaining([
        { what: 'allowedVlans "1,5"', why: "can only be set on trunk ports (this port is access); the API keeps it but would not take it", where: ["SW-1 port 1"] },
        { what: "voiceVlan 7", why: "can only be set on access ports (this port is stack); the API keeps it but would not take it", where: ["SW-1 port 2"] },
        { what: "ports", why: "not a switch", where: ["MX-1: MX84 appliance"] },
      ]),
    );
    expect(modelResources(m).map((r) => r.props)).toEqual([
      { networkId: NET, vlansEnabled: true },
      expect.objectContaining({ vlanId: 1 }),
      { serial: SW, portId: "1", vlan: 5, stpPortFastTrunk: true },
      { serial: SW, portId: "2", type: "stack", vlan: null },
    ]);
    expect(actions(snap)).toBe(0);
    expect(m.skipped.some((s) => /first plan would not be empty/.test(s.why))).toBe(false);
  });

  test("a VLAN the SDK cannot express is skipped whole, with the reason", () => {
    const bad = vlan(7, { name: "", subnet: "10.7.0.0/24", applianceIp: "10.7.0.1" });
    const m = model(snapshot({ vlans: [vlan(1), bad] }));
    expect(m.networks[0].vlans.map((v) => v.props.vlanId)).toEqual([1]);
    expect(m.skipped).toContainEqual({ what: "VLAN 7", why: "name: must not be empty", where: ["VLAN 7 on L_1"] });
  });

  test("a network with VLANs off says so with a VlansSettings, and declares no VLANs; it plans to no actions", () => {
    const snap = snapshot({ vlansDisabled: true, ports: [port(1)] });
    const m = model(snap, ["vlans"]);
    expect(modelResources(m)).toEqual([{ kind: "vlansSettings", name: "main-office-vlans-settings", props: { networkId: NET, vlansEnabled: false } }]);
    expect(m.counts).toMatchObject({ vlansSettings: 1, vlansDisabled: 1, vlans: 0, vlanNetworks: 0, declarations: 1 });
    expect(renderIndex(m)).toContain(
      [
        "// VLANs are off on Main Office: its MX has a single LAN",
        'new meraki.VlansSettings("main-office-vlans-settings", { networkId: mainOffice, vlansEnabled: false });',
      ].join("\n"),
    );
    expect(summary(m)).toBe("0 VLANs, VLANs off in 1 network");
    expect(m.skipped).toEqual([]);
    expect(actions(snap, modelResources(m))).toBe(0);
  });

  test("a network bound to a configuration template: its VLANs by cidr, mask and templateVlanType; the subnet the API picked is left to it", () => {
    const vlans = [vlan(1, {}, true), vlan(20, { name: "POS", templateVlanType: "unique", cidr: "10.20.0.0/16", mask: 28, subnet: "10.20.0.0/28", applianceIp: "10.20.0.1" }, true)];
    const snap = snapshot({ bound: true, vlans, ports: [port(1)] });
    const m = model(snap, ["vlans"]);
    expect(m.networks[0].vlans.map((v) => v.props)).toEqual([
      { networkId: NET, vlanId: 1, name: "Default", templateVlanType: "same", cidr: "192.168.128.0/24", mask: 24, adopt: true },
      { networkId: NET, vlanId: 20, name: "POS", templateVlanType: "unique", cidr: "10.20.0.0/16", mask: 28, adopt: true },
    ]);
    expect(m.skipped).toContainEqual({ what: "subnet and applianceIp", why: "on a network bound to a configuration template the API picks them from cidr and mask", where: ["L_1 (Main Office)"] });
    expect(actions(snap, modelResources(m))).toBe(0);
  });

  test("an IPv6 prefix assignment as GET returns it (no disabled, no autonomous): written with disabled false, named for the reader to check", () => {
    const assignment = { disabled: true, staticPrefix: "2001:db8:1::/64", staticApplianceIp6: "2001:db8:1::1", origin: { type: "internet", interfaces: ["wan0"] } };
    const snap = snapshot({ vlans: [vlan(1), vlan(30, { name: "V6", subnet: "10.30.0.0/24", applianceIp: "10.30.0.1", ipv6: { enabled: true, prefixAssignments: [assignment] } })] });
    const live = (snap.vlans[NET] as { vlans: Record<string, Record<string, unknown>> }).vlans["30"];
    expect(live.ipv6).toEqual({ enabled: true, prefixAssignments: [{ staticPrefix: "2001:db8:1::/64", staticApplianceIp6: "2001:db8:1::1", origin: { type: "internet", interfaces: ["wan0"] } }] });
    const m = model(snap, ["vlans"]);
    expect(m.networks[0].vlans[1].props.ipv6).toEqual({ enabled: true, prefixAssignments: [{ disabled: false, staticPrefix: "2001:db8:1::/64", staticApplianceIp6: "2001:db8:1::1", origin: { type: "internet", interfaces: ["wan0"] } }] });
    expect(m.assumed).toEqual([{ what: "disabled of IPv6 prefix assignments", why: "the API does not return it and requires it on write: written as false (in use)", where: ["VLAN 30 on L_1"] }]);
    expect(m.dropped).toEqual([]);
    expect(actions(snap, modelResources(m))).toBe(0);
  });

  test("uplink module ports and the MAC allow list's limit are imported like any other field", () => {
    const ports = [port(5, { accessPolicyType: "MAC allow list", macAllowList: ["aa:bb:cc:dd:ee:01"], macWhitelistLimit: 3 }), port(49, { linkNegotiation: "10 Gigabit full duplex (forced)" }), port(52)];
    expect(ports[1].linkNegotiationCapabilities).toContain("10 Gigabit full duplex (forced)");
    const snap = snapshot({ ports });
    const m = model(snap, ["ports"]);
    expect(modelResources(m).map((r) => r.props)).toEqual([
      { serial: SW, portId: "5", accessPolicyType: "MAC allow list", macAllowList: ["aa:bb:cc:dd:ee:01"], macWhitelistLimit: 3 },
      { serial: SW, portId: "49", linkNegotiation: "10 Gigabit full duplex (forced)" },
    ]);
    expect(m.counts.defaultPorts).toBe(1);
    expect(actions(snap, modelResources(m))).toBe(0);
  });

  test("kinds limit what is declared", () => {
    const snap = snapshot({ ports: [port(1, { vlan: 3 })], tags: ["x"] });
    const m = model(snap, ["tags"]);
    expect(modelResources(m).map((r) => r.kind)).toEqual(["deviceTags"]);
    expect(renderIndex(m)).not.toContain("Vlan(");
  });

  test("port names with backticks, ${ and quotes are written so that they mean what they say", () => {
    const names = [1, 2].map((i) => `a\`b\${c}"d\\ ${i}`);
    const snap = snapshot({ ports: [port(1, { name: names[0] }), port(2, { name: names[1] })] });
    const text = renderIndex(model(snap));
    const statement = text.slice(text.indexOf("meraki.switchPorts"));
    const fn = statement.slice(statement.indexOf("(port) =>"), statement.indexOf("}));") + 2);
    // The arrow function evaluates, as TypeScript would run it, to the original names.
    const settings = new Function(`return ${fn}`)() as (port: string) => { name: string };
    expect([settings("1").name, settings("2").name]).toEqual(names);
  });

  test("the same snapshot always gives the same text", () => {
    const snap = snapshot({ ports: [port(3, { vlan: 4 }), port(1, { vlan: 4 }), port(2, { name: "x" })], tags: ["b", "a"] });
    expect(renderIndex(model(snap))).toBe(renderIndex(model(JSON.parse(JSON.stringify(snap)))));
  });
});

describe("scope", () => {
  const snap = snapshot();
  test("unknown networks and serials are errors; --serial selects its network; kinds are checked", () => {
    expect(() => resolveScope("9", snap.networks!, snap.devices!, { networks: ["L_2"] })).toThrow("network L_2 is not in organization 9");
    expect(() => resolveScope("9", snap.networks!, snap.devices!, { serials: ["X"] })).toThrow("device X is not in organization 9");
    expect(resolveScope("9", snap.networks!, snap.devices!, { serials: [SW] })).toMatchObject({ networkIds: [NET], serials: [SW], vlanNetworks: [NET], switches: [SW] });
    expect(resolveScope("9", snap.networks!, snap.devices!, { kinds: ["tags"] })).toMatchObject({ vlanNetworks: [], switches: [] });
    expect(parseKinds("ports,vlans")).toEqual(["vlans", "ports"]);
    expect(() => parseKinds("vlans,acl")).toThrow("--kinds must be a comma-separated list of vlans, tags, ports, devices, policies, aggregations, routing, got 'acl'");
  });
});
