/**
 * The emulator against the published API, point by point (issue #11): response shapes compared
 * with the spec's schemas field by field, macWhitelistLimit, cycle, link speeds per switch model,
 * template-bound networks, VLAN settings, and the rules that no source backs being gone.
 */
import { CAMPUS_API_KEY } from "../../emulator/seeds";
import { Api, NET, ORG, SW_A, TestEmulator, testEmulator } from "../helpers/api";
import { VLAN_EXCEPTIONS, operation, shapeProblems } from "../helpers/spec-shape";

let t: TestEmulator;
beforeEach(async () => {
  t = await testEmulator();
});
afterEach(() => t.close());

const PORT = (id: string | number, serial = SW_A) => `/devices/${serial}/switch/ports/${id}`;
const VLANS = `/networks/${NET}/appliance/vlans`;
const CURL_SWITCH = "QXXX-XXXX-XXXX"; // an MS120-48LP in organization 1234567890

async function batch(actions: unknown[], api: Api = t.api, org = ORG) {
  const res = await api.post(`/organizations/${org}/actionBatches`, { confirmed: true, synchronous: true, actions });
  expect(res.status).toBe(201);
  return res.body;
}

describe("responses are shaped like the spec's (point 7)", () => {
  test("switch ports: every field in the GET schema or a documented newer one, with its type; the newer ones always there", async () => {
    await t.api.put(PORT(6), { accessPolicyType: "MAC allow list", macAllowList: ["00:11:22:33:44:55"], macWhitelistLimit: 4 });
    await t.api.put(PORT(48), { type: "trunk", vlan: null, allowedVlans: "1,20" });
    const list = (await t.api.get(`/devices/${SW_A}/switch/ports`)).body;
    expect(shapeProblems(list, operation("getDeviceSwitchPorts").response)).toEqual([]);
    const one = (await t.api.get(PORT(6))).body;
    expect(shapeProblems(one, operation("getDeviceSwitchPort").response)).toEqual([]);
    // The fields the issue found missing, present before anything set them (highSpeed included).
    const fresh = (await t.api.get(PORT(7))).body;
    expect(fresh).toMatchObject({
      schedule: null,
      module: { model: null },
      adaptivePolicyGroup: null,
      stackwiseVirtual: { isStackWiseVirtualLink: false, isDualActiveDetector: false },
      highSpeed: { enabled: false },
      stpPortFastTrunk: false,
    });
    expect(one.macWhitelistLimit).toBe(4);
    const put = await t.api.put(PORT(7), { portScheduleId: "sched_9" });
    expect(shapeProblems(put.body, operation("updateDeviceSwitchPort").response)).toEqual([]);
    expect(put.body.schedule).toEqual({ id: "sched_9", name: "sched_9" });
  });

  test("VLANs: no networkId, no uplinks, no prefix assignment 'disabled'; the id a number (meraki/openapi#54)", async () => {
    const body = {
      id: "40", name: "Full", subnet: "10.40.0.0/24", applianceIp: "10.40.0.1", groupPolicyId: "101", dhcpHandling: "Run a DHCP server",
      mandatoryDhcp: { enabled: true }, sgt: { id: 7 }, vrf: { id: "1", name: "corp" }, uplinks: [{ interface: "wan1" }],
      ipv6: { enabled: true, prefixAssignments: [{ autonomous: false, disabled: false, staticPrefix: "2001:db8:3c4d:15::/64", origin: { type: "internet", interfaces: ["wan0"] } }] },
    };
    const created = await t.api.post(VLANS, body);
    expect(created.status).toBe(201);
    expect(shapeProblems(created.body, operation("createNetworkApplianceVlan").response, { exceptions: VLAN_EXCEPTIONS, newer: {} })).toEqual([
      // The 201 schema is shorter than GET's; the emulator answers a create with the VLAN as GET shows it.
      ...["dhcpHandling", "dhcpLeaseTime", "dhcpBootOptionsEnabled", "dhcpBootNextServer", "dhcpBootFilename", "fixedIpAssignments", "reservedIpRanges", "dnsNameservers", "dhcpOptions", "sgt", "vrf"].map(
        (f) => `${f}: not in the response schema`,
      ),
    ]);
    const updated = await t.api.put(`${VLANS}/40`, { reservedIpRanges: [{ start: "10.40.0.10", end: "10.40.0.20", comment: "x" }], vpnNatSubnet: "172.16.40.0/24" });
    expect(shapeProblems(updated.body, operation("updateNetworkApplianceVlan").response, { exceptions: VLAN_EXCEPTIONS })).toEqual([]);
    const list = (await t.api.get(VLANS)).body;
    expect(shapeProblems(list, operation("getNetworkApplianceVlans").response, { exceptions: VLAN_EXCEPTIONS })).toEqual([]);
    const got = (await t.api.get(`${VLANS}/40`)).body;
    expect(shapeProblems(got, operation("getNetworkApplianceVlan").response, { exceptions: VLAN_EXCEPTIONS })).toEqual([]);
    expect(got).not.toHaveProperty("networkId");
    expect(got).not.toHaveProperty("uplinks");
    expect(got.id).toBe(40);
    expect(got.ipv6.prefixAssignments).toEqual([{ autonomous: false, staticPrefix: "2001:db8:3c4d:15::/64", origin: { type: "internet", interfaces: ["wan0"] } }]);
  });

  test("VLAN settings and the cycle reply", async () => {
    expect(shapeProblems((await t.api.get(`${VLANS}/settings`)).body, operation("getNetworkApplianceVlansSettings").response)).toEqual([]);
    const cycled = await t.api.post(`/devices/${SW_A}/switch/ports/cycle`, { ports: ["1", "2-5"] });
    expect(cycled.status).toBe(200);
    expect(shapeProblems(cycled.body, operation("cycleDeviceSwitchPorts").response, { newer: {} })).toEqual([]);
  });
});

describe("macWhitelistLimit (point 2)", () => {
  test("kept and returned under 'MAC allow list', dropped with the policy, refused without it", async () => {
    const set = await t.api.put(PORT(8), { accessPolicyType: "MAC allow list", macAllowList: ["00:11:22:33:44:55"], macWhitelistLimit: 3 });
    expect(set.body).toMatchObject({ accessPolicyType: "MAC allow list", macWhitelistLimit: 3 });
    expect((await t.api.put(PORT(8), { macWhitelistLimit: 5 })).body.macWhitelistLimit).toBe(5);
    const open = await t.api.put(PORT(8), { accessPolicyType: "Open" });
    expect(open.body).not.toHaveProperty("macWhitelistLimit");
    const refused = await t.api.put(PORT(8), { macWhitelistLimit: 2 });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toContain("'macWhitelistLimit' can only be set with a 'MAC allow list' access policy");
  });
});

describe("cycle (point 5)", () => {
  test("both resource forms and the REST route; ports and ranges of the switch; no configuration changes", async () => {
    const before = (await t.api.get(`/devices/${SW_A}/switch/ports`)).body;
    const res = await batch([
      { resource: `/devices/${SW_A}/switch/ports`, operation: "cycle", body: { ports: ["1", "2-5"] } },
      { resource: `/devices/${SW_A}/switch/ports/cycle`, operation: "cycle", body: { ports: ["49-52", "7"] } },
    ]);
    expect(res.status).toMatchObject({ completed: true, failed: false, errors: [] });
    expect((await t.api.post(`/devices/${SW_A}/switch/ports/cycle`, { ports: ["10"] })).body).toEqual({ ports: ["10"] });
    expect((await t.api.get(`/devices/${SW_A}/switch/ports`)).body).toEqual(before);
  });

  test("unknown ports, descending ranges and bad bodies are refused; the batch rolls back", async () => {
    const res = await batch([
      { resource: `/devices/${SW_A}/switch/ports/3`, operation: "update", body: { name: "rolled back" } },
      { resource: `/devices/${SW_A}/switch/ports/cycle`, operation: "cycle", body: { ports: ["1", "60", "9-4"] } },
    ]);
    expect(res.status.failed).toBe(true);
    expect(res.status.errors).toEqual([
      expect.stringMatching(/^Error occurred while executing cycle \/devices\/AAAA-BBBB-CCCC\/switch\/ports\/cycle with .*'ports' has '60', which is not a port or range of ports of switch AAAA-BBBB-CCCC$/),
      expect.stringMatching(/'ports' has '9-4'/),
    ]);
    expect((await t.api.get(PORT(3))).body.name).toBeNull();
    for (const [body, message] of [
      [{}, "'ports' is required"],
      [{ ports: "1" }, "'ports' must be an array of strings"],
      [{ ports: [] }, "'ports' must not be empty"],
    ] as const) {
      const r = await t.api.post(`/devices/${SW_A}/switch/ports/cycle`, body);
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual([message]);
    }
    const wrong = await t.api.post(`/organizations/${ORG}/actionBatches`, { actions: [{ resource: `/devices/${SW_A}/switch/ports/cycle`, operation: "update", body: {} }] });
    expect(wrong.body.errors).toEqual(["update operation is unsupported for /devices/{serial}/switch/ports/cycle."]);
  });
});

describe("link negotiation per switch model (point 6)", () => {
  test("an MS225-48LP: copper ports take the spec's example, SFP+ uplinks take 10 Gigabit", async () => {
    const copper = (await t.api.get(PORT(1))).body.linkNegotiationCapabilities;
    expect(copper).toContain("1 Gigabit full duplex (auto)");
    expect(copper).not.toContain("10 Gigabit full duplex (forced)");
    expect((await t.api.put(PORT(1), { linkNegotiation: "1 Gigabit full duplex (auto)" })).body.linkNegotiation).toBe("1 Gigabit full duplex (auto)");
    const uplink = (await t.api.get(PORT(50))).body.linkNegotiationCapabilities;
    expect(uplink).toEqual(["Auto negotiate", "1 Gigabit full duplex (auto)", "1 Gigabit full duplex (forced)", "10 Gigabit full duplex (auto)", "10 Gigabit full duplex (forced)"]);
    expect((await t.api.put(PORT(50), { linkNegotiation: "10 Gigabit full duplex (forced)" })).status).toBe(200);
    expect((await t.api.put(PORT(50), { linkNegotiation: "100 Megabit (auto)" })).body.errors[0]).toMatch(/^'linkNegotiation' must be one of: 'Auto negotiate'/);
  });

  test("an MS120-48LP's uplinks are 1 Gigabit SFP (ansible-meraki#331)", async () => {
    const uplink = (await t.api.get(PORT(49, CURL_SWITCH))).body.linkNegotiationCapabilities;
    expect(uplink).toEqual(["Auto negotiate", "1 Gigabit full duplex (auto)", "1 Gigabit full duplex (forced)"]);
    expect((await t.api.put(PORT(49, CURL_SWITCH), { linkNegotiation: "10 Gigabit full duplex (auto)" })).status).toBe(400);
  });
});

describe("rules no source backs are gone (point 9)", () => {
  test("stpPortFastTrunk on an access port, a voice VLAN equal to the VLAN, an empty MAC allow list, a /31 subnet", async () => {
    expect((await t.api.put(PORT(4), { type: "access", stpPortFastTrunk: true })).body.stpPortFastTrunk).toBe(true);
    expect((await t.api.put(PORT(4), { vlan: 20, voiceVlan: 20 })).body).toMatchObject({ vlan: 20, voiceVlan: 20 });
    expect((await t.api.put(PORT(4), { accessPolicyType: "MAC allow list" })).body).toMatchObject({ accessPolicyType: "MAC allow list", macAllowList: [] });
    expect((await t.api.post(VLANS, { id: 31, name: "p2p", subnet: "10.31.0.0/31", applianceIp: "10.31.0.1" })).status).toBe(201);
  });

  test("the sourced ones stay: trunk-only allowedVlans and peerSgtCapable, sticky list within its limit", async () => {
    expect((await t.api.put(PORT(4), { peerSgtCapable: true })).body.errors).toEqual(["'peerSgtCapable' can only be set on trunk ports"]);
    const sticky = await t.api.put(PORT(4), { accessPolicyType: "Sticky MAC allow list", stickyMacAllowList: ["00:11:22:33:44:55", "00:11:22:33:44:66"], stickyMacAllowListLimit: 1 });
    expect(sticky.body.errors).toEqual(["'stickyMacAllowList' has more entries than 'stickyMacAllowListLimit' (1)"]);
    // Without a limit the emulator takes the list's size.
    expect((await t.api.put(PORT(4), { accessPolicyType: "Sticky MAC allow list", stickyMacAllowList: ["00:11:22:33:44:55", "00:11:22:33:44:66"] })).body.stickyMacAllowListLimit).toBe(2);
  });
});

describe("VLAN settings (point 11)", () => {
  test("disabling removes every VLAN; enabling leaves VLAN 1 only (TFP#86)", async () => {
    await t.api.post(VLANS, { id: 40, name: "x", subnet: "10.40.0.0/24", applianceIp: "10.40.0.1" });
    expect((await t.api.put(`${VLANS}/settings`, { vlansEnabled: false })).body).toEqual({ vlansEnabled: false });
    expect((await t.api.get(VLANS)).body).toEqual({ errors: ["VLANs are not enabled for this network"] });
    await t.api.put(`${VLANS}/settings`, { vlansEnabled: true });
    expect((await t.api.get(VLANS)).body.map((v: { id: number; subnet: string }) => [v.id, v.subnet])).toEqual([[1, "192.168.128.0/24"]]);
  });

  test("a network without an appliance has no VLAN settings to change", async () => {
    const res = await t.api.put(`/networks/L_123456789000000/appliance/vlans/settings`, { vlansEnabled: true });
    expect(res.body.errors).toEqual(["This network does not have a security appliance"]);
  });
});

describe("template-bound networks (point 1)", () => {
  const BRANCH = "L_646829496481199001";
  let campus: TestEmulator;
  let api: Api;
  beforeEach(async () => {
    campus = await testEmulator({ seed: "campus", switches: 3 });
    api = campus.api.withKey(CAMPUS_API_KEY);
  });
  afterEach(() => campus.close());

  test("the campus seed's branch is bound to a template; its VLANs take cidr, mask and templateVlanType", async () => {
    const nets = (await api.get(`/organizations/2930418/networks`)).body;
    expect(nets.find((n: { id: string }) => n.id === BRANCH)).toMatchObject({ isBoundToConfigTemplate: true });
    const vlans = `/networks/${BRANCH}/appliance/vlans`;
    // Only id and name are required by the spec; a bound network's VLAN needs the pool.
    const unique = await api.post(vlans, { id: "20", name: "Registers", cidr: "10.20.0.0/16", mask: 24, templateVlanType: "unique" });
    expect(unique.status).toBe(201);
    expect(unique.body).toMatchObject({ id: 20, templateVlanType: "unique", cidr: "10.20.0.0/16", mask: 24, subnet: "10.20.0.0/24", applianceIp: "10.20.0.1" });
    const same = await api.post(vlans, { id: 30, name: "Cameras", cidr: "10.30.0.0/24" });
    expect(same.body).toMatchObject({ templateVlanType: "same", subnet: "10.30.0.0/24", applianceIp: "10.30.0.1" });
    // A second unique VLAN of the same pool takes the next free block.
    const next = await api.post(vlans, { id: 21, name: "More", cidr: "10.20.0.0/16", mask: 24, templateVlanType: "unique" });
    expect(next.body.subnet).toBe("10.20.1.0/24");
    const list = (await api.get(vlans)).body;
    expect(shapeProblems(list, operation("getNetworkApplianceVlans").response, { exceptions: VLAN_EXCEPTIONS })).toEqual([]);
  });

  test("subnet is refused on a bound network, cidr on an unbound one, and a bound VLAN without cidr", async () => {
    const bound = await api.post(`/networks/${BRANCH}/appliance/vlans`, { id: 22, name: "x", subnet: "10.22.0.0/24", applianceIp: "10.22.0.1" });
    expect(bound.status).toBe(400);
    expect(bound.body.errors).toEqual(["'cidr' is required"]);
    const both = await api.post(`/networks/${BRANCH}/appliance/vlans`, { id: 22, name: "x", cidr: "10.22.0.0/24", subnet: "10.22.0.0/24" });
    expect(both.body.errors).toEqual(["'subnet' cannot be set on a network bound to a configuration template (the subnet comes from 'cidr' and 'mask')"]);
    const uniqueNoMask = await api.post(`/networks/${BRANCH}/appliance/vlans`, { id: 22, name: "x", cidr: "10.22.0.0/16", templateVlanType: "unique" });
    expect(uniqueNoMask.body.errors).toEqual(["'mask' is required with templateVlanType 'unique'"]);
    const unbound = await api.post(`/networks/L_646829496481105433/appliance/vlans`, { id: 22, name: "x", subnet: "10.22.0.0/24", applianceIp: "10.22.0.1", cidr: "10.22.0.0/24" });
    expect(unbound.body.errors).toEqual(["'cidr' only applies to networks bound to a configuration template"]);
  });
});

test("the request log records each client's User-Agent (point 10)", async () => {
  await fetch(`${t.emu.url}/organizations`, { headers: { Authorization: `Bearer ${t.emu.apiKeys[0]}`, "User-Agent": "MyCoolApp/1.0 MyCompany" } });
  expect((await t.control.requests()).map((r) => r.userAgent)).toContain("MyCoolApp/1.0 MyCompany");
});
