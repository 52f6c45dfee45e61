/**
 * The planner against responses shaped like the published API's, not only the emulator's own
 * echo (issue #11): spec-shaped live records fed into the pure planner plan to no change for
 * every field of every kind; then the same fields through a batch against the emulator.
 */
import { CAMPUS_API_KEY } from "../../emulator/seeds";
import { LiveSnapshot, Plan, ResourceSpec, ValidationError, makePlan, validate } from "../../provider";
import { EngineSetup, campusSerial, engineSetup } from "../helpers/engine";

const NET = "N_24329156";
const BOUND = "N_24329157";
const SW = "Q234-ABCD-5678";

/**
 * A VLAN as GET returns it per the spec (id a string, as SPEC142 types it) with the newest fields
 * (sgt, vrf: networks_appliance_vlans_info): no `disabled` in prefix assignments, no uplinks.
 */
const specVlan = {
  id: "40",
  interfaceId: "1284392014819",
  name: "Everything",
  subnet: "10.40.0.0/22",
  applianceIp: "10.40.0.1",
  groupPolicyId: "101",
  dhcpHandling: "Run a DHCP server",
  dhcpLeaseTime: "4 hours",
  dhcpBootOptionsEnabled: true,
  dhcpBootNextServer: "10.40.0.20",
  dhcpBootFilename: "pxelinux.0",
  fixedIpAssignments: { "aa:bb:cc:00:11:22": { ip: "10.40.0.50", name: "Printer" } },
  reservedIpRanges: [{ start: "10.40.0.2", end: "10.40.0.9", comment: "infra" }, { start: "10.40.1.0", end: "10.40.1.99", comment: "static" }],
  dnsNameservers: "10.0.0.53\n10.0.0.54",
  dhcpOptions: [{ code: "3", type: "ip", value: "10.40.0.1" }, { code: "66", type: "text", value: "tftp.example" }],
  vpnNatSubnet: "172.20.40.0/22",
  mandatoryDhcp: { enabled: true },
  ipv6: { enabled: true, prefixAssignments: [{ autonomous: false, staticPrefix: "2001:db8:3c4d:15::/64", staticApplianceIp6: "2001:db8:3c4d:15::1", origin: { type: "internet", interfaces: ["wan0"] } }] },
  sgt: { id: 10 },
  vrf: { id: "1", name: "corp" },
};

/** Every writable field of that VLAN as a program declares it (the prefix assignment's `disabled` is required on write, TFP#121). */
const everyVlanField = {
  networkId: NET,
  vlanId: 40,
  name: "Everything",
  subnet: "10.40.0.0/22",
  applianceIp: "10.40.0.1",
  groupPolicyId: "101",
  dhcpHandling: "Run a DHCP server",
  dhcpLeaseTime: "4 hours",
  dhcpBootOptionsEnabled: true,
  dhcpBootNextServer: "10.40.0.20",
  dhcpBootFilename: "pxelinux.0",
  dhcpOptions: [{ code: "66", type: "text", value: "tftp.example" }, { code: "3", type: "ip", value: "10.40.0.1" }],
  fixedIpAssignments: { "AA:BB:CC:00:11:22": { ip: "10.40.0.50", name: "Printer" } },
  reservedIpRanges: [{ start: "10.40.1.0", end: "10.40.1.99", comment: "static" }, { start: "10.40.0.2", end: "10.40.0.9", comment: "infra" }],
  dnsNameservers: "10.0.0.53\n10.0.0.54",
  vpnNatSubnet: "172.20.40.0/22",
  mandatoryDhcp: { enabled: true },
  ipv6: { enabled: true, prefixAssignments: [{ autonomous: false, disabled: false, staticPrefix: "2001:db8:3c4d:15::/64", staticApplianceIp6: "2001:db8:3c4d:15::1", origin: { type: "internet", interfaces: ["wan0"] } }] },
  sgt: { id: 10 },
  vrf: { id: "1", name: "corp" },
  uplinks: [{ interface: "wan1", natExceptions: { enabled: false } }],
};

/** A switch port as GET returns it (the spec's schema plus the newest sample's fields), every field set. */
const specPort = (portId: string, extra: Record<string, unknown> = {}) => ({
  portId,
  name: "Badge reader",
  tags: ["door", "security"],
  enabled: true,
  poeEnabled: false,
  type: "access",
  vlan: 30,
  voiceVlan: 30,
  allowedVlans: "1-1000",
  isolationEnabled: true,
  rstpEnabled: false,
  stpGuard: "root guard",
  stpPortFastTrunk: true,
  linkNegotiation: "1 Gigabit full duplex (auto)",
  linkNegotiationCapabilities: ["Auto negotiate", "1 Gigabit full duplex (auto)"],
  portScheduleId: "1234",
  schedule: { id: "1234", name: "Office hours" },
  udld: "Enforce",
  accessPolicyType: "MAC allow list",
  macAllowList: ["34:56:fe:ce:8e:b0", "34:56:fe:ce:8e:b1"],
  macWhitelistLimit: 5,
  stormControlEnabled: true,
  adaptivePolicyGroupId: "123",
  adaptivePolicyGroup: { id: "123", name: "Guests" },
  peerSgtCapable: false,
  flexibleStackingEnabled: true,
  daiTrusted: true,
  profile: { enabled: false, id: "1284392014819", iname: "iname" },
  module: { model: null },
  mirror: { mode: "Not mirroring traffic" },
  dot3az: { enabled: true },
  highSpeed: { enabled: false },
  stackwiseVirtual: { isStackWiseVirtualLink: false, isDualActiveDetector: false },
  ...extra,
});

const everyPortField = {
  serial: SW,
  portId: 7,
  name: "Badge reader",
  tags: ["security", "door"],
  enabled: true,
  poeEnabled: false,
  type: "access",
  vlan: 30,
  voiceVlan: 30,
  isolationEnabled: true,
  rstpEnabled: false,
  stpGuard: "root guard",
  stpPortFastTrunk: true,
  linkNegotiation: "1 Gigabit full duplex (auto)",
  portScheduleId: "1234",
  udld: "Enforce",
  accessPolicyType: "MAC allow list",
  macAllowList: ["34:56:FE:CE:8E:B1", "34:56:fe:ce:8e:b0"],
  macWhitelistLimit: 5,
  stormControlEnabled: true,
  adaptivePolicyGroupId: "123",
  flexibleStackingEnabled: true,
  daiTrusted: true,
  profile: { enabled: false, id: "1284392014819", iname: "iname" },
  dot3az: { enabled: true },
  highSpeed: { enabled: false },
};

function snapshot(): LiveSnapshot {
  return {
    organizationId: "2930418",
    networks: {
      [NET]: { id: NET, name: "Main Office", productTypes: ["appliance", "switch"], isBoundToConfigTemplate: false },
      [BOUND]: { id: BOUND, name: "Store", productTypes: ["appliance"], isBoundToConfigTemplate: true },
    },
    devices: { [SW]: { serial: SW, networkId: NET, name: "Closet", model: "MS225-48LP", productType: "switch", tags: ["b", "a"] } },
    vlans: {
      [NET]: { state: "ok", vlans: { "40": specVlan } },
      [BOUND]: {
        state: "ok",
        vlans: { "20": { id: "20", interfaceId: "2", name: "Registers", subnet: "10.20.3.0/24", applianceIp: "10.20.3.1", templateVlanType: "unique", cidr: "10.20.0.0/16", mask: 24 } },
      },
    },
    ports: { [SW]: { "7": specPort("7"), "8": specPort("8", { accessPolicyType: "Open", macAllowList: undefined, macWhitelistLimit: undefined }) } },
  };
}

function plan(resources: ResourceSpec[], live = snapshot()): Plan {
  const { items, removals } = validate(resources);
  return makePlan(items, removals, live, {}, new Date("2026-11-28T00:00:00Z"));
}

describe("spec-shaped live records plan to no change (the round trip against the spec's shape)", () => {
  test("a VLAN, a template VLAN, a port and device tags with every field", () => {
    const p = plan([
      { kind: "vlan", name: "full", props: everyVlanField },
      { kind: "vlan", name: "template", props: { networkId: BOUND, vlanId: 20, name: "Registers", templateVlanType: "unique", cidr: "10.20.0.0/16", mask: 24 } },
      { kind: "switchPort", name: "port", props: everyPortField },
      { kind: "deviceTags", name: "tags", props: { serial: SW, tags: ["a", "b"] } },
    ]);
    expect(p.changes.map((c) => [c.name, c.op, c.fields])).toEqual([
      ["full", "noop", []],
      ["template", "noop", []],
      ["port", "noop", []],
      ["tags", "noop", []],
    ]);
  });

  test("the VLAN id may come back as the spec's string or the real integer", () => {
    const live = snapshot();
    (live.vlans[NET] as any).vlans["40"] = { ...specVlan, id: 40 };
    expect(plan([{ kind: "vlan", name: "full", props: everyVlanField }], live).changes[0].op).toBe("noop");
  });
});

describe("IPv6 prefix assignments (point 3)", () => {
  test("'disabled' is not compared with a live assignment that lacks it, and an omitted 'autonomous' is not compared", () => {
    const props = { ...everyVlanField, ipv6: { enabled: true, prefixAssignments: [{ disabled: false, staticPrefix: "2001:db8:3c4d:15::/64", staticApplianceIp6: "2001:db8:3c4d:15::1", origin: { type: "internet", interfaces: ["wan0"] } }] } };
    expect(plan([{ kind: "vlan", name: "v", props }]).changes[0].op).toBe("noop");
  });

  test("a real difference sends the whole ipv6 object, 'disabled' included", () => {
    const props = { ...everyVlanField, ipv6: { enabled: true, prefixAssignments: [{ autonomous: true, disabled: false, origin: { type: "internet", interfaces: ["wan1"] } }] } };
    const c = plan([{ kind: "vlan", name: "v", props }]).changes[0];
    expect(c.fields.map((f) => f.path)).toEqual(["ipv6.prefixAssignments"]);
    expect(c.actions[0].body).toEqual({ ipv6: props.ipv6, uplinks: props.uplinks });
  });

  test("a live assignment that does return 'disabled' is compared with it", () => {
    const live = snapshot();
    const assignment = { ...specVlan.ipv6.prefixAssignments[0], disabled: true };
    (live.vlans[NET] as any).vlans["40"] = { ...specVlan, ipv6: { enabled: true, prefixAssignments: [assignment] } };
    const c = plan([{ kind: "vlan", name: "v", props: everyVlanField }], live).changes[0];
    expect(c.fields).toEqual([{ path: "ipv6.prefixAssignments", old: [assignment], new: everyVlanField.ipv6.prefixAssignments }]);
  });

  test("uplinks are sent with an update when the API does not return them", () => {
    const c = plan([{ kind: "vlan", name: "v", props: { ...everyVlanField, name: "Renamed" } }]).changes[0];
    expect(c.actions[0].body).toEqual({ name: "Renamed", uplinks: everyVlanField.uplinks });
  });
});

describe("macWhitelistLimit (point 2)", () => {
  test("changing only macWhitelistLimit plans an update of just that field", () => {
    const c = plan([{ kind: "switchPort", name: "p", props: { ...everyPortField, macWhitelistLimit: 8 } }]).changes[0];
    expect(c.op).toBe("update");
    expect(c.fields).toEqual([{ path: "macWhitelistLimit", old: 5, new: 8 }]);
    expect(c.actions[0].body).toEqual({ macWhitelistLimit: 8 });
  });

  test("only with accessPolicyType 'MAC allow list'; it travels with a policy change", () => {
    expect(() => plan([{ kind: "switchPort", name: "p", props: { serial: SW, portId: "8", macWhitelistLimit: 3 } }])).toThrow(/macWhitelistLimit: can only be set with accessPolicyType 'MAC allow list'/);
    const c = plan([{ kind: "switchPort", name: "p", props: { serial: SW, portId: "8", accessPolicyType: "MAC allow list", macAllowList: ["00:11:22:33:44:55"], macWhitelistLimit: 3 } }]).changes[0];
    expect(c.actions[0].body).toEqual({ accessPolicyType: "MAC allow list", macAllowList: ["00:11:22:33:44:55"], macWhitelistLimit: 3 });
  });
});

describe("template-bound networks (point 1)", () => {
  test("a template VLAN is declared with cidr and mask, and creates without subnet or applianceIp", () => {
    const c = plan([{ kind: "vlan", name: "t", props: { networkId: BOUND, vlanId: 21, name: "More", templateVlanType: "unique", cidr: "10.20.0.0/16", mask: 24 } }]).changes[0];
    expect(c.actions).toEqual([{ resource: `/networks/${BOUND}/appliance/vlans`, operation: "create", body: { id: "21", name: "More", templateVlanType: "unique", cidr: "10.20.0.0/16", mask: 24 } }]);
  });

  test("subnet on a bound network, cidr on an unbound one, unique without mask, and neither form are refused by name and field", () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ networkId: BOUND, subnet: "10.21.0.0/24", applianceIp: "10.21.0.1" }, /Vlan 'v' \(VLAN 21 on network N_24329157\): subnet: network N_24329157 is bound to a configuration template: declare cidr and mask/],
      [{ networkId: NET, cidr: "10.21.0.0/24" }, /cidr: only applies to a network bound to a configuration template \(network N_24329156 is not\)/],
      [{ networkId: BOUND, cidr: "10.21.0.0/16", templateVlanType: "unique" }, /mask: is required with templateVlanType 'unique'/],
      [{ networkId: NET }, /subnet: is required \(or cidr and mask, for a VLAN of a network bound to a configuration template\)/],
      [{ networkId: BOUND, cidr: "10.21.0.0/24", subnet: "10.21.0.0/24" }, /subnet: cannot be combined with cidr/],
    ];
    for (const [props, message] of cases) {
      expect(() => plan([{ kind: "vlan", name: "v", props: { vlanId: 21, name: "x", ...props } }])).toThrow(message);
    }
  });
});

describe("the rest of the audit", () => {
  test("the create sends the VLAN id as a string, as the spec types it (point 4)", () => {
    const live = snapshot();
    (live.vlans[NET] as any).vlans = {};
    expect(plan([{ kind: "vlan", name: "v", props: { networkId: NET, vlanId: 99, name: "n", subnet: "10.99.0.0/24", applianceIp: "10.99.0.1" } }], live).changes[0].actions[0].body).toEqual({
      id: "99",
      name: "n",
      subnet: "10.99.0.0/24",
      applianceIp: "10.99.0.1",
    });
  });

  test("stpPortFastTrunk on an access port and a voice VLAN equal to the VLAN are accepted (point 9)", () => {
    const c = plan([{ kind: "switchPort", name: "p", props: { serial: SW, portId: "8", type: "access", stpPortFastTrunk: false, vlan: 12, voiceVlan: 12 } }]).changes[0];
    expect(c.actions[0].body).toEqual({ stpPortFastTrunk: false, vlan: 12, voiceVlan: 12 });
  });

  test("a sticky list longer than its limit is refused before anything is sent", () => {
    expect(() =>
      plan([{ kind: "switchPort", name: "p", props: { serial: SW, portId: "8", accessPolicyType: "Sticky MAC allow list", stickyMacAllowList: ["00:11:22:33:44:55", "00:11:22:33:44:66"], stickyMacAllowListLimit: 1 } }]),
    ).toThrow(/stickyMacAllowListLimit: must be at least the number of MACs in stickyMacAllowList \(2\)/);
  });
});

describe("every field of the four kinds through one batch against the emulator, then no changes", () => {
  let s: EngineSetup;
  beforeEach(async () => {
    s = await engineSetup({ seed: "campus", switches: 3, rateLimit: 0 });
  });
  afterEach(() => s.close());

  test("VLANs enabled, VLAN 1 adopted, a VLAN with every field, a template VLAN, tags and ports: one batch, then nothing to do", async () => {
    const CORE = "L_646829496481105433";
    const BRANCH = "L_646829496481199001";
    const sw = campusSerial(1);
    // The core network starts without VLANs.
    await fetch(`${s.emu.url}/networks/${CORE}/appliance/vlans/settings`, { method: "PUT", headers: { Authorization: `Bearer ${CAMPUS_API_KEY}`, "Content-Type": "application/json" }, body: JSON.stringify({ vlansEnabled: false }) });
    const specs: ResourceSpec[] = [
      { kind: "vlansSettings", name: "core-vlans", props: { networkId: CORE, vlansEnabled: true } },
      { kind: "vlan", name: "default", props: { networkId: CORE, vlanId: 1, name: "LAN", subnet: "192.168.128.0/24", applianceIp: "192.168.128.1", adopt: true } },
      { kind: "vlan", name: "full", props: { ...everyVlanField, networkId: CORE, sgt: { value: 10 } } },
      { kind: "vlan", name: "registers", props: { networkId: BRANCH, vlanId: 20, name: "Registers", templateVlanType: "unique", cidr: "10.20.0.0/16", mask: 24, dhcpLeaseTime: "1 hour" } },
      { kind: "deviceTags", name: "tags", props: { serial: sw, tags: ["floor-1", "campus"] } },
      { kind: "switchPort", name: "badge", props: { ...everyPortField, serial: sw, vlan: 40, voiceVlan: 40, adaptivePolicyGroupId: null } },
      { kind: "switchPort", name: "uplink", props: { serial: sw, portId: "49", type: "trunk", vlan: null, allowedVlans: "1,40", stpPortFastTrunk: true, peerSgtCapable: true, linkNegotiation: "10 Gigabit full duplex (auto)" } },
      { kind: "switchPort", name: "sticky", props: { serial: sw, portId: "9", accessPolicyType: "Sticky MAC allow list", stickyMacAllowList: ["00:11:22:33:44:55"], stickyMacAllowListLimit: 3 } },
    ];
    const first = await s.engine.plan(specs);
    expect(first.batches).toHaveLength(1);
    const actions = first.batches[0].actions.map((a) => `${a.operation} ${a.resource}`);
    expect(actions[0]).toBe(`update /networks/${CORE}/appliance/vlans/settings`);
    expect(actions.indexOf(`create /networks/${CORE}/appliance/vlans`)).toBeGreaterThan(0);
    expect(first.changes.find((c) => c.kind === "vlansSettings")!.notes).toEqual([
      "enabling VLANs turns the MX's LAN ports into trunks that drop untagged traffic (dashboard-api-ansible#52)",
      "VLAN 1 exists as soon as VLANs are enabled: declare it with adopt: true to manage it (terraform-provider-meraki#86)",
    ]);
    const result = await s.engine.apply(first);
    expect(result.ok).toBe(true);
    const again = await s.engine.plan(specs);
    expect(again.changes.map((c) => [c.name, c.op, c.fields])).toEqual(specs.map((r) => [r.name, "noop", []]));
  });
});

test("a ValidationError names the resource and field for spec-shaped problems too", () => {
  const err = (() => {
    try {
      plan([{ kind: "vlan", name: "v", props: { networkId: NET, vlanId: 22, name: "x", cidr: "10.22.0.0/24" } }]);
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  expect(err).toBeInstanceOf(ValidationError);
  expect((err as ValidationError).issues).toEqual([expect.objectContaining({ name: "v", path: "cidr" })]);
});
