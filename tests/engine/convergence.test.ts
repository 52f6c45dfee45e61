/** Every writable field, applied and planned again: the second plan is empty (no diff noise). */
import { NET, SW_A, engineSetup, EngineSetup } from "../helpers/engine";

let s: EngineSetup;
beforeEach(async () => {
  s = await engineSetup({ rateLimit: 0 });
});
afterEach(() => s.close());

test("a VLAN with every writable field converges", async () => {
  const vlan = {
    kind: "vlan" as const,
    name: "full",
    props: {
      networkId: NET,
      vlanId: "40",
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
      ipv6: { enabled: true, prefixAssignments: [{ autonomous: true, disabled: false, origin: { type: "internet", interfaces: ["wan0"] } }] },
      sgt: { value: 10 },
      vrf: { name: "corp" },
      uplinks: [{ interface: "wan1", vlanId: 40 }],
    },
  };
  const plan = await s.engine.plan([vlan]);
  expect(plan.batches[0].actions.map((a) => a.operation)).toEqual(["create", "update"]);
  expect((await s.engine.apply(plan)).ok).toBe(true);
  const again = await s.engine.plan([vlan]);
  expect(again.changes[0].fields).toEqual([]);
  expect(again.summary.actions).toBe(0);

  // Then every field changed at once is one update, and converges too.
  const changed = { ...vlan, props: { ...vlan.props, name: "Changed", dhcpLeaseTime: "1 week", dnsNameservers: "opendns", reservedIpRanges: [], mandatoryDhcp: { enabled: false } } };
  const update = await s.engine.plan([changed]);
  expect(update.changes[0].fields.map((f) => f.path)).toEqual(["dhcpLeaseTime", "dnsNameservers", "mandatoryDhcp.enabled", "name", "reservedIpRanges"]);
  expect((await s.engine.apply(update)).ok).toBe(true);
  expect((await s.engine.plan([changed])).summary.actions).toBe(0);
});

test("switch ports with every writable field converge, access and trunk", async () => {
  const access = {
    kind: "switchPort" as const,
    name: "access",
    props: {
      serial: SW_A,
      portId: 7,
      name: "Badge reader",
      tags: ["security", "door"],
      enabled: true,
      poeEnabled: false,
      type: "access",
      vlan: 30,
      voiceVlan: 31,
      isolationEnabled: true,
      rstpEnabled: false,
      stpGuard: "root guard",
      linkNegotiation: "100 Megabit full duplex (forced)",
      portScheduleId: "sched_1",
      udld: "Enforce",
      accessPolicyType: "Sticky MAC allow list",
      stickyMacAllowList: ["00:11:22:33:44:55"],
      stickyMacAllowListLimit: 3,
      stormControlEnabled: true,
      adaptivePolicyGroupId: null,
      flexibleStackingEnabled: false,
      daiTrusted: true,
      profile: { enabled: false, id: "", iname: null },
      dot3az: { enabled: true },
      highSpeed: { enabled: false },
    },
  };
  const trunk = {
    kind: "switchPort" as const,
    name: "trunk",
    props: { serial: SW_A, portId: "48", type: "trunk", vlan: null, allowedVlans: "10,20,30-40,41", stpPortFastTrunk: true, peerSgtCapable: true },
  };
  const mac = {
    kind: "switchPort" as const,
    name: "mac",
    props: { serial: SW_A, portId: "8", accessPolicyType: "MAC allow list", macAllowList: ["00:11:22:33:44:66", "00:11:22:33:44:55"], macWhitelistLimit: 2 },
  };
  // The port names an access policy of its network (issue #24): policies 1 and 2 exist.
  const policy = { radiusServers: [], radiusTestingEnabled: false, radiusCoaSupportEnabled: false, radiusAccountingEnabled: false, hostMode: "Single-Host", urlRedirectWalledGardenEnabled: false };
  for (const name of ["one", "two"]) await s.client.post(`/networks/${NET}/switch/accessPolicies`, { name, ...policy });
  const custom = { kind: "switchPort" as const, name: "custom", props: { serial: SW_A, portId: "9", accessPolicyType: "Custom access policy", accessPolicyNumber: 2 } };
  const all = [access, trunk, mac, custom];
  const result = await s.engine.apply(await s.engine.plan(all));
  expect(result.ok).toBe(true);
  const again = await s.engine.plan(all);
  expect(again.changes.map((c) => [c.name, c.fields])).toEqual(all.map((r) => [r.name, []]));
});
