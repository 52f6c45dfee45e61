/**
 * Every action the official Python SDK's batch builders produce for VLANs, devices and switch
 * ports, with the resource paths and operations those builders emit (meraki/dashboard-api-python
 * 4.x, meraki/api/batch/{appliance,devices,switch}.py; reference §1.5 and §2): path parameters
 * quoted with urllib.parse.quote(str(x), safe=""), body = the kwargs among the operation's body
 * parameters, and no body key at all on `destroy`. Run against the emulator in action batches.
 */
import { NET, ORG, SW_A, TestEmulator, testEmulator } from "../helpers/api";

let t: TestEmulator;
beforeEach(async () => {
  t = await testEmulator();
});
afterEach(() => t.close());

type Action = { resource: string; operation: string; body?: Record<string, unknown> };

/** urllib.parse.quote(str(x), safe=""): everything but letters, digits and "_.-~" is escaped. */
const quote = (x: unknown) => encodeURIComponent(String(x)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const pick = (kwargs: Record<string, unknown>, params: string[]) => Object.fromEntries(Object.entries(kwargs).filter(([k]) => params.includes(k)));

/** The body parameters of each builder, as the SDK lists them. */
const PARAMS = {
  createNetworkApplianceVlan: ["id", "name", "subnet", "applianceIp", "groupPolicyId", "templateVlanType", "cidr", "mask", "ipv6", "dhcpHandling", "dhcpRelayServerIps", "dhcpLeaseTime", "mandatoryDhcp", "dhcpBootOptionsEnabled", "dhcpBootNextServer", "dhcpBootFilename", "dhcpOptions", "sgt", "vrf", "uplinks"],
  updateNetworkApplianceVlan: ["name", "subnet", "applianceIp", "groupPolicyId", "vpnNatSubnet", "dhcpHandling", "dhcpRelayServerIps", "dhcpLeaseTime", "dhcpBootOptionsEnabled", "dhcpBootNextServer", "dhcpBootFilename", "fixedIpAssignments", "reservedIpRanges", "dnsNameservers", "dhcpOptions", "templateVlanType", "cidr", "mask", "ipv6", "mandatoryDhcp", "sgt", "vrf", "uplinks"],
  updateNetworkApplianceVlansSettings: ["vlansEnabled"],
  updateDevice: ["name", "tags", "lat", "lng", "address", "notes", "moveMapMarker", "switchProfileId", "floorPlanId"],
  updateDeviceSwitchPort: ["name", "tags", "enabled", "poeEnabled", "type", "vlan", "voiceVlan", "allowedVlans", "isolationEnabled", "rstpEnabled", "stpGuard", "stpPortFastTrunk", "linkNegotiation", "portScheduleId", "udld", "accessPolicyType", "accessPolicyNumber", "macAllowList", "macWhitelistLimit", "stickyMacAllowList", "stickyMacAllowListLimit", "stormControlEnabled", "adaptivePolicyGroupId", "peerSgtCapable", "flexibleStackingEnabled", "daiTrusted", "profile", "dot3az", "highSpeed"],
  cycleDeviceSwitchPorts: ["ports"],
};

/** What `dashboard.batch.<scope>.<operation>(…)` returns. */
const batchBuilders = {
  createNetworkApplianceVlan: (networkId: string, id: string, name: string, kwargs: Record<string, unknown> = {}): Action => ({
    resource: `/networks/${quote(networkId)}/appliance/vlans`,
    operation: "create",
    body: pick({ ...kwargs, id, name }, PARAMS.createNetworkApplianceVlan),
  }),
  updateNetworkApplianceVlansSettings: (networkId: string, kwargs: Record<string, unknown>): Action => ({
    resource: `/networks/${quote(networkId)}/appliance/vlans/settings`,
    operation: "update",
    body: pick(kwargs, PARAMS.updateNetworkApplianceVlansSettings),
  }),
  updateNetworkApplianceVlan: (networkId: string, vlanId: string, kwargs: Record<string, unknown>): Action => ({
    resource: `/networks/${quote(networkId)}/appliance/vlans/${quote(vlanId)}`,
    operation: "update",
    body: pick(kwargs, PARAMS.updateNetworkApplianceVlan),
  }),
  deleteNetworkApplianceVlan: (networkId: string, vlanId: string): Action => ({ resource: `/networks/${quote(networkId)}/appliance/vlans/${quote(vlanId)}`, operation: "destroy" }),
  updateDevice: (serial: string, kwargs: Record<string, unknown>): Action => ({ resource: `/devices/${quote(serial)}`, operation: "update", body: pick(kwargs, PARAMS.updateDevice) }),
  updateDeviceSwitchPort: (serial: string, portId: string, kwargs: Record<string, unknown>): Action => ({
    resource: `/devices/${quote(serial)}/switch/ports/${quote(portId)}`,
    operation: "update",
    body: pick(kwargs, PARAMS.updateDeviceSwitchPort),
  }),
  cycleDeviceSwitchPorts: (serial: string, ports: string[]): Action => ({ resource: `/devices/${quote(serial)}/switch/ports/cycle`, operation: "cycle", body: { ports } }),
};

const b = batchBuilders;

async function run(actions: Action[]) {
  const res = await t.api.post(`/organizations/${ORG}/actionBatches`, { actions, confirmed: true, synchronous: actions.length <= 20 });
  expect(res.status).toBe(201);
  return res.body;
}

test("the builders' actions for VLANs, devices and switch ports run in one batch, in order", async () => {
  const actions = [
    b.updateNetworkApplianceVlansSettings(NET, { vlansEnabled: false }),
    b.updateNetworkApplianceVlansSettings(NET, { vlansEnabled: true }),
    b.createNetworkApplianceVlan(NET, "40", "PySDK", {
      subnet: "10.40.0.0/24",
      applianceIp: "10.40.0.1",
      dhcpHandling: "Run a DHCP server",
      dhcpLeaseTime: "4 hours",
      mandatoryDhcp: { enabled: true },
      ipv6: { enabled: true, prefixAssignments: [{ autonomous: true, disabled: false, origin: { type: "internet", interfaces: ["wan0"] } }] },
      // Not a body parameter of the builder: dropped, as the SDK drops it.
      networkId: "ignored",
    }),
    b.updateNetworkApplianceVlan(NET, "40", { reservedIpRanges: [{ start: "10.40.0.2", end: "10.40.0.9", comment: "infra" }], dnsNameservers: "google_dns" }),
    b.createNetworkApplianceVlan(NET, "41", "Temporary", { subnet: "10.41.0.0/24", applianceIp: "10.41.0.1" }),
    b.deleteNetworkApplianceVlan(NET, "41"),
    b.updateDevice(SW_A, { name: "Closet", tags: ["py", "sdk"], notes: "from a batch" }),
    b.updateDeviceSwitchPort(SW_A, "5", { type: "access", vlan: 40, accessPolicyType: "MAC allow list", macAllowList: ["00:11:22:33:44:55"], macWhitelistLimit: 2, stpPortFastTrunk: true }),
    b.updateDeviceSwitchPort(SW_A, "52", { type: "trunk", vlan: 1, allowedVlans: "1,40", linkNegotiation: "10 Gigabit full duplex (auto)" }),
    b.cycleDeviceSwitchPorts(SW_A, ["5", "49-52"]),
  ];
  expect(actions[5]).not.toHaveProperty("body");
  expect(actions[2].body).not.toHaveProperty("networkId");
  const done = await run(actions);
  expect(done.status).toEqual({
    completed: true,
    failed: false,
    errors: [],
    createdResources: [
      { id: "40", uri: `/networks/${NET}/appliance/vlans/40` },
      { id: "41", uri: `/networks/${NET}/appliance/vlans/41` },
    ],
  });
  const vlans = (await t.api.get(`/networks/${NET}/appliance/vlans`)).body;
  expect(vlans.map((v: { id: number }) => v.id)).toEqual([1, 40]);
  expect(vlans[1]).toMatchObject({ name: "PySDK", dhcpLeaseTime: "4 hours", dnsNameservers: "google_dns", reservedIpRanges: [{ start: "10.40.0.2", end: "10.40.0.9", comment: "infra" }] });
  expect((await t.api.get(`/devices/${SW_A}`)).body).toMatchObject({ name: "Closet", tags: ["py", "sdk"], notes: "from a batch" });
  expect((await t.api.get(`/devices/${SW_A}/switch/ports/5`)).body).toMatchObject({ vlan: 40, accessPolicyType: "MAC allow list", macWhitelistLimit: 2, stpPortFastTrunk: true });
  expect((await t.api.get(`/devices/${SW_A}/switch/ports/52`)).body).toMatchObject({ type: "trunk", allowedVlans: "1,40", linkNegotiation: "10 Gigabit full duplex (auto)" });
});

test("path parameters are quoted as the SDK quotes them, and a failing builder action rolls the batch back", async () => {
  // A VLAN id given as a number is str()-ed into the path; the create body keeps what was given.
  const actions = [
    b.createNetworkApplianceVlan(NET, 42 as unknown as string, "Numbered", { subnet: "10.42.0.0/24", applianceIp: "10.42.0.1" }),
    b.updateDeviceSwitchPort(SW_A, "7", { name: "never applied" }),
    b.updateNetworkApplianceVlan(NET, "43", { name: "missing" }),
  ];
  expect(actions[0].body).toMatchObject({ id: 42 });
  const done = await run(actions);
  expect(done.status).toMatchObject({ completed: false, failed: true, createdResources: [] });
  expect(done.status.errors).toEqual([`Error occurred while executing update /networks/${NET}/appliance/vlans/43 with {"name":"missing"}: VLAN 43 not found`]);
  expect((await t.api.get(`/networks/${NET}/appliance/vlans/42`)).status).toBe(404);
  expect((await t.api.get(`/devices/${SW_A}/switch/ports/7`)).body.name).toBeNull();
});
