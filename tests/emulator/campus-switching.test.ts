/**
 * Campus switching in the emulator (issue #24): access policies, link aggregations, layer 3
 * interfaces with their DHCP settings, static routes and device attributes. Every endpoint over
 * REST and as batch actions, responses shaped like SPEC142's, each validation rule, and the
 * rules between kinds (a port naming a missing policy, a policy in use, aggregation members,
 * overlapping SVIs, a route's next hop).
 */
import { NET, ORG, SW_A, SW_B, TestEmulator, testEmulator } from "../helpers/api";
import { operation, shapeProblems } from "../helpers/spec-shape";

let t: TestEmulator;
beforeEach(async () => {
  t = await testEmulator();
});
afterEach(() => t.close());

const POLICIES = `/networks/${NET}/switch/accessPolicies`;
const LAGS = `/networks/${NET}/switch/linkAggregations`;
const IFACES = (serial = SW_A) => `/devices/${serial}/switch/routing/interfaces`;
const ROUTES = (serial = SW_A) => `/devices/${serial}/switch/routing/staticRoutes`;
const PORT = (id: string | number, serial = SW_A) => `/devices/${serial}/switch/ports/${id}`;
/**
 * Access policies have a number GET carries (newer specs; v1.42's schema lacks it); the RADIUS VLANs
 * "will be null if hostMode is Multi-Auth" (SPEC142), and are null until set, as is the guest VLAN.
 */
const POLICY = { newer: { accessPolicyNumber: { type: "string" } }, nullable: ["dataVlanId", "voiceVlanId", "failedAuthVlanId", "reAuthenticationInterval", "guestVlanId"] };
/** An interface without a default gateway (not the switch's first) shows it as null. */
const IFACE = { nullable: ["defaultGateway"] };

const dot1x = (over: Record<string, unknown> = {}) => ({
  name: "Desks 802.1X",
  radiusServers: [{ host: "10.0.0.10", port: 1812, secret: "s3cret-radius" }],
  radiusTestingEnabled: false,
  radiusCoaSupportEnabled: false,
  radiusAccountingEnabled: false,
  hostMode: "Single-Host",
  urlRedirectWalledGardenEnabled: false,
  ...over,
});

async function batch(actions: unknown[], synchronous = true) {
  const res = await t.api.post(`/organizations/${ORG}/actionBatches`, { confirmed: true, synchronous, actions });
  expect(res.status).toBe(201);
  return res.body;
}

const svi = (vlanId: number, over: Record<string, unknown> = {}) => ({
  name: `VLAN ${vlanId}`,
  subnet: `10.${vlanId}.0.0/24`,
  interfaceIp: `10.${vlanId}.0.2`,
  vlanId,
  defaultGateway: `10.${vlanId}.0.1`,
  ...over,
});

describe("access policies", () => {
  test("create numbers them per network, hides RADIUS secrets, and GET is shaped like the spec", async () => {
    const created = await t.api.post(POLICIES, dot1x({ radiusAccountingServers: [{ host: "10.0.0.11", port: 1813, secret: "acct" }], radiusAccountingEnabled: true }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ accessPolicyNumber: "1", name: "Desks 802.1X", radiusServers: [{ host: "10.0.0.10", port: 1812 }], accessPolicyType: "802.1x", dot1x: { controlDirection: "both" } });
    expect(JSON.stringify(created.body)).not.toContain("s3cret-radius");
    expect(JSON.stringify(created.body)).not.toContain("acct\"");
    expect(shapeProblems(created.body, operation("createNetworkSwitchAccessPolicy").response, POLICY)).toEqual([]);
    const second = await t.api.post(POLICIES, dot1x({ name: "Guests" }));
    expect(second.body.accessPolicyNumber).toBe("2");
    const list = (await t.api.get(POLICIES)).body;
    expect(list.map((p: { accessPolicyNumber: string }) => p.accessPolicyNumber)).toEqual(["1", "2"]);
    expect(shapeProblems(list, operation("getNetworkSwitchAccessPolicies").response, POLICY)).toEqual([]);
    const one = await t.api.get(`${POLICIES}/2`);
    expect(one.body.name).toBe("Guests");
    expect(shapeProblems(one.body, operation("getNetworkSwitchAccessPolicy").response, POLICY)).toEqual([]);
    expect((await t.api.get(`${POLICIES}/9`)).status).toBe(404);
  });

  test("required fields, enums and nested values are checked, all problems at once", async () => {
    const missing = await t.api.post(POLICIES, { name: "x" });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual(
      ["radiusServers", "radiusTestingEnabled", "radiusCoaSupportEnabled", "radiusAccountingEnabled", "hostMode", "urlRedirectWalledGardenEnabled"].map((f) => `'${f}' is required`),
    );
    const bad = await t.api.post(
      POLICIES,
      dot1x({ hostMode: "Multi", accessPolicyType: "dot1x", radiusGroupAttribute: "12", radiusServers: [{ host: "radius.example", port: 70000 }], dot1x: { controlDirection: "out" }, guestVlanId: 5000, urlRedirectWalledGardenRanges: ["10.0.0.0"] }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      "'radiusGroupAttribute' must be one of: '' or '11'",
      "'hostMode' must be one of: 'Multi-Auth', 'Multi-Domain', 'Multi-Host' or 'Single-Host'",
      "'accessPolicyType' must be one of: '802.1x', 'Hybrid authentication' or 'MAC authentication bypass'",
      "'guestVlanId' must be between 1 and 4094",
      "'radiusServers[0].secret' is required",
      "'radiusServers[0].host' must be an IPv4 address",
      "'radiusServers[0].port' must be between 1 and 65535",
      "'dot1x.controlDirection' must be one of: 'both' or 'inbound'",
      "'urlRedirectWalledGardenRanges' must hold ranges in CIDR notation ('10.0.0.0')",
    ]);
    expect((await t.api.get(POLICIES)).body).toEqual([]);
  });

  test("what the API sets by itself: Multi-Domain is hybrid with voice clients, Multi-Auth has no RADIUS VLANs", async () => {
    const md = await t.api.post(POLICIES, dot1x({ hostMode: "Multi-Domain", accessPolicyType: "802.1x", voiceVlanClients: false }));
    expect(md.body).toMatchObject({ accessPolicyType: "Hybrid authentication", voiceVlanClients: true });
    const ma = await t.api.post(POLICIES, dot1x({ hostMode: "Multi-Auth", radius: { failedAuthVlanId: 30, reAuthenticationInterval: 3600, criticalAuth: { dataVlanId: 10, suspendPortBounce: true } } }));
    expect(ma.body.radius).toEqual({ criticalAuth: { dataVlanId: null, voiceVlanId: null, suspendPortBounce: true }, failedAuthVlanId: null, reAuthenticationInterval: null });
  });

  test("update and delete; a policy that ports use cannot be deleted", async () => {
    await t.api.post(POLICIES, dot1x());
    const updated = await t.api.put(`${POLICIES}/1`, { name: "Renamed", guestVlanId: 99 });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ accessPolicyNumber: "1", name: "Renamed", guestVlanId: 99, hostMode: "Single-Host" });
    expect((await t.api.put(PORT(5), { accessPolicyType: "Custom access policy", accessPolicyNumber: 1 })).status).toBe(200);
    expect((await t.api.put(PORT(6, SW_B), { accessPolicyType: "Custom access policy", accessPolicyNumber: 1 })).status).toBe(200);
    const inUse = await t.api.del(`${POLICIES}/1`);
    expect(inUse.status).toBe(400);
    expect(inUse.body.errors).toEqual([`Access policy 1 is in use by 2 switch ports (port 5 of ${SW_A}, port 6 of ${SW_B}) and cannot be deleted`]);
    await t.api.put(PORT(5), { accessPolicyType: "Open" });
    await t.api.put(PORT(6, SW_B), { accessPolicyType: "Open" });
    expect((await t.api.del(`${POLICIES}/1`)).status).toBe(204);
    expect((await t.api.get(`${POLICIES}/1`)).status).toBe(404);
  });

  test("a port naming a missing policy is refused; in a batch it is an action failure and nothing applies", async () => {
    const rest = await t.api.put(PORT(5), { accessPolicyType: "Custom access policy", accessPolicyNumber: 3 });
    expect(rest.status).toBe(400);
    expect(rest.body.errors).toEqual([`'accessPolicyNumber' 3 is not an access policy of network ${NET}`]);
    const done = await batch([
      { resource: POLICIES, operation: "create", body: dot1x() },
      { resource: PORT(7), operation: "update", body: { accessPolicyType: "Custom access policy", accessPolicyNumber: 1 } },
      { resource: PORT(8), operation: "update", body: { accessPolicyType: "Custom access policy", accessPolicyNumber: 2 } },
    ]);
    expect(done.status.failed).toBe(true);
    expect(done.status.errors).toEqual([
      `Error occurred while executing update ${PORT(8)} with {"accessPolicyType":"Custom access policy","accessPolicyNumber":2}: Validation failed: 'accessPolicyNumber' 2 is not an access policy of network ${NET}`,
    ]);
    expect((await t.api.get(POLICIES)).body).toEqual([]);
    expect((await t.api.get(PORT(7))).body.accessPolicyType).toBe("Open");
    // The policy's number is known once its batch completed: a later batch can use it.
    const first = await batch([{ resource: POLICIES, operation: "create", body: dot1x() }]);
    expect(first.status.createdResources).toEqual([{ id: "1", uri: `${POLICIES}/1` }]);
    const second = await batch([{ resource: PORT(7), operation: "update", body: { accessPolicyType: "Custom access policy", accessPolicyNumber: 1 } }]);
    expect(second.status.completed).toBe(true);
    expect((await t.api.get(PORT(7))).body).toMatchObject({ accessPolicyType: "Custom access policy", accessPolicyNumber: 1 });
  });
});

describe("link aggregations", () => {
  const members = (...ids: Array<[string, string]>) => ids.map(([serial, portId]) => ({ serial, portId }));

  test("create (an opaque base64 id), list, update the members, split", async () => {
    const created = await t.api.post(LAGS, { switchPorts: members([SW_A, "49"], [SW_A, "50"]) });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(id).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(created.body).toEqual({ id, switchPorts: members([SW_A, "49"], [SW_A, "50"]) });
    const list = (await t.api.get(LAGS)).body;
    expect(list).toEqual([created.body]);
    expect(shapeProblems(list, operation("getNetworkSwitchLinkAggregations").response)).toEqual([]);
    const updated = await t.api.put(`${LAGS}/${encodeURIComponent(id)}`, { switchPorts: members([SW_A, "49"], [SW_A, "50"], [SW_B, "49"], [SW_B, "50"]) });
    expect(updated.status).toBe(200);
    expect(updated.body.switchPorts).toHaveLength(4);
    expect((await t.api.del(`${LAGS}/${encodeURIComponent(id)}`)).status).toBe(204);
    expect((await t.api.get(LAGS)).body).toEqual([]);
    expect((await t.api.del(`${LAGS}/${encodeURIComponent(id)}`)).status).toBe(404);
  });

  test("members: 2 to 8, existing ports of switches in the network, in no other aggregation, none twice", async () => {
    await t.api.post(LAGS, { switchPorts: members([SW_A, "51"], [SW_A, "52"]) });
    const cases: Array<[unknown, string[]]> = [
      [{}, ["'switchPorts' is required"]],
      [{ switchPorts: members([SW_A, "1"]) }, ["'switchPorts' must have between 2 and 8 ports (it has 1)"]],
      [{ switchPorts: members(...Array.from({ length: 9 }, (_, i): [string, string] => [SW_A, String(i + 1)])) }, ["'switchPorts' must have between 2 and 8 ports (it has 9)"]],
      [{ switchPorts: [{ serial: SW_A }, { portId: 2 }] }, ["'switchPorts[0].portId' is required", "'switchPorts[1].serial' is required", "'switchPorts[1].portId' must be a string"]],
      [{ switchPorts: members([SW_A, "1"], [SW_A, "99"]) }, [`Port 99 not found on switch ${SW_A}`]],
      [{ switchPorts: members([SW_A, "1"], ["QXXX-XXXX-XXXX", "1"]) }, ["Switch QXXX-XXXX-XXXX not found"]],
      [{ switchPorts: members([SW_A, "1"], [SW_A, "1"]) }, [`port 1 of switch ${SW_A} is listed twice`]],
      [{ switchPorts: members([SW_A, "1"], [SW_A, "52"]) }, [expect.stringMatching(new RegExp(`^port 52 of switch ${SW_A} is already in link aggregation `)) as unknown as string]],
      [{ switchPorts: members([SW_A, "1"], [SW_A, "2"]), switchProfilePorts: [{ profile: "1234", portId: "1" }] }, ["Switch profile '1234' does not exist"]],
    ];
    for (const [body, errors] of cases) {
      const res = await t.api.post(LAGS, body);
      expect([res.status, res.body.errors]).toEqual([400, errors]);
    }
    expect((await t.api.get(LAGS)).body).toHaveLength(1);
  });

  test("a switch of another network cannot join, and batch actions report the created id", async () => {
    // Campus: switches spread over several networks.
    const campus = await testEmulator({ seed: "campus" });
    try {
      const api = campus.api.withKey("c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00");
      const core = "L_646829496481105433";
      const res = await api.post(`/networks/${core}/switch/linkAggregations`, { switchPorts: members(["Q2CA-MS00-0001", "49"], ["Q2CA-MS00-0002", "49"]) });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([`Switch Q2CA-MS00-0002 is not in network ${core}: a link aggregation's ports must be in its network`]);
    } finally {
      await campus.close();
    }
    const done = await batch([{ resource: LAGS, operation: "create", body: { switchPorts: members([SW_A, "47"], [SW_A, "48"]) } }]);
    const [created] = done.status.createdResources;
    expect(created.uri).toBe(`${LAGS}/${encodeURIComponent(created.id)}`);
    expect((await t.api.get(LAGS)).body.map((a: { id: string }) => a.id)).toEqual([created.id]);
  });
});

describe("layer 3 interfaces and their DHCP settings", () => {
  test("create, list, get, update, delete; responses shaped like the spec", async () => {
    const created = await t.api.post(IFACES(), svi(10, { ospfSettings: { area: "0", cost: 10, isPassiveEnabled: true } }));
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      interfaceId: created.body.interfaceId, name: "VLAN 10", subnet: "10.10.0.0/24", interfaceIp: "10.10.0.2", multicastRouting: "disabled", vlanId: 10,
      defaultGateway: "10.10.0.1", ospfSettings: { area: "0", cost: 10, isPassiveEnabled: true }, ospfV3: { area: "disabled", cost: 1, isPassiveEnabled: false },
    });
    expect(shapeProblems(created.body, operation("createDeviceSwitchRoutingInterface").response)).toEqual([]);
    const id = created.body.interfaceId;
    await t.api.post(IFACES(), svi(20, { defaultGateway: undefined, ipv6: { assignmentMode: "static", prefix: "2001:db8:20::/64", address: "2001:db8:20::2", gateway: "2001:db8:20::1" } }));
    const list = (await t.api.get(IFACES())).body;
    expect(list.map((i: { vlanId: number }) => i.vlanId)).toEqual([10, 20]);
    expect(shapeProblems(list, operation("getDeviceSwitchRoutingInterfaces").response, IFACE)).toEqual([]);
    const updated = await t.api.put(`${IFACES()}/${id}`, { name: "Users", multicastRouting: "enabled" });
    expect(shapeProblems(updated.body, operation("updateDeviceSwitchRoutingInterface").response)).toEqual([]);
    expect((await t.api.get(`${IFACES()}/${id}`)).body).toMatchObject({ name: "Users", multicastRouting: "enabled", vlanId: 10 });
    expect((await t.api.del(`${IFACES()}/${id}`)).status).toBe(204);
    expect((await t.api.get(`${IFACES()}/${id}`)).status).toBe(404);
  });

  test("the rules between a switch's interfaces", async () => {
    const first = await t.api.post(IFACES(), svi(10, { defaultGateway: undefined }));
    expect(first.body.errors).toEqual(["'defaultGateway' is required for the first layer 3 interface of a switch"]);
    const far = await t.api.post(IFACES(), svi(10, { defaultGateway: "172.16.0.1" }));
    expect(far.body.errors).toEqual(["'defaultGateway' 172.16.0.1 is not in the subnet of a layer 3 interface of this switch"]);
    const ten = (await t.api.post(IFACES(), svi(10))).body.interfaceId;
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ name: "x" }, ["'subnet' is required", "'interfaceIp' is required", "'vlanId' is required"]],
      [svi(10, { subnet: "10.11.0.0/24", interfaceIp: "10.11.0.2" }), [`VLAN 10 already has a layer 3 interface on this switch (interface ${ten} (VLAN 10, 10.10.0.0/24))`]],
      [svi(11, { subnet: "10.10.0.128/25", interfaceIp: "10.10.0.130", defaultGateway: "10.10.0.1" }), [`'subnet' 10.10.0.128/25 overlaps interface ${ten} (VLAN 10, 10.10.0.0/24)`]],
      [svi(12, { interfaceIp: "10.13.0.2" }), ["'interfaceIp' 10.13.0.2 must be a host address in the subnet 10.12.0.0/24"]],
      [svi(12, { subnet: "192.168.128.0/24", interfaceIp: "192.168.128.2", defaultGateway: null }), ["'interfaceIp' 192.168.128.2 is the switch's management IP"]],
      [svi(12, { subnet: "10.12.0.1/24" }), ["'subnet' 10.12.0.1/24 is not a network address"]],
      [svi(5000, { subnet: "10.50.0.0/24", interfaceIp: "10.50.0.2", defaultGateway: "10.10.0.1", multicastRouting: "on", ospfSettings: { area: "backbone", cost: 0 } }), [
        "'multicastRouting' must be one of: 'IGMP snooping querier', 'disabled' or 'enabled'",
        "'vlanId' must be between 1 and 4094",
        "'ospfSettings.area' must be 'disabled' or an OSPF area id",
        "'ospfSettings.cost' must be between 1 and 65535",
      ]],
      [svi(12, { ipv6: { assignmentMode: "eui-64", address: "2001:db8::1" } }), ["'ipv6.prefix' is required", "'ipv6.address' must not be included when 'ipv6.assignmentMode' is 'eui-64'"]],
      [svi(12, { ipv6: { assignmentMode: "static", prefix: "2001:db8:12::/64", address: "2001:db8:12::2" } }), ["'ipv6.gateway' is required for the first interface with IPv6 on a switch"]],
    ];
    for (const [body, errors] of cases) {
      const res = await t.api.post(IFACES(), body);
      expect([res.status, res.body.errors]).toEqual([400, errors]);
    }
    expect((await t.api.get(IFACES())).body).toHaveLength(1);
  });

  test("DHCP: defaults, server settings, relay, and values kept inside the interface's subnet", async () => {
    const id = (await t.api.post(IFACES(), svi(30))).body.interfaceId;
    const DHCP = `${IFACES()}/${id}/dhcp`;
    expect((await t.api.get(DHCP)).body).toEqual({
      dhcpMode: "dhcpDisabled", dhcpLeaseTime: "1 day", dnsNameserversOption: "googlePublicDns", dnsCustomNameservers: [], bootOptionsEnabled: false,
      bootNextServer: null, bootFileName: null, dhcpOptions: [], reservedIpRanges: [], fixedIpAssignments: [],
    });
    const server = {
      dhcpMode: "dhcpServer", dhcpLeaseTime: "4 hours", dnsNameserversOption: "custom", dnsCustomNameservers: ["10.0.0.53"], bootOptionsEnabled: true,
      bootNextServer: "10.30.0.5", bootFileName: "pxe.0", dhcpOptions: [{ code: "66", type: "text", value: "tftp" }],
      reservedIpRanges: [{ start: "10.30.0.1", end: "10.30.0.20", comment: "infra" }], fixedIpAssignments: [{ name: "printer", mac: "22:33:44:55:66:77", ip: "10.30.0.30" }],
    };
    const put = await t.api.put(DHCP, server);
    expect(put.status).toBe(200);
    expect(put.body).toEqual(server);
    const bad = await t.api.put(DHCP, {
      dhcpMode: "dhcpRelay", dnsNameserversOption: "custom", dnsCustomNameservers: [], dhcpLeaseTime: "2 days",
      reservedIpRanges: [{ start: "10.31.0.1", end: "10.31.0.2" }], fixedIpAssignments: [{ name: "x", mac: "zz", ip: "10.30.0.9" }], dhcpOptions: [{ code: "1", type: "text", value: "x" }],
    });
    expect(bad.body.errors).toEqual([
      "'dhcpLeaseTime' must be one of: '1 day', '1 hour', '1 week', '12 hours', '30 minutes' or '4 hours'",
      "'dhcpOptions[0].code' must be a string holding an integer between 2 and 254",
      "'fixedIpAssignments[0].mac' must be a MAC address",
    ]);
    const rules = await t.api.put(DHCP, { dhcpMode: "dhcpRelay", dnsCustomNameservers: [], reservedIpRanges: [{ start: "10.31.0.1", end: "10.31.0.2" }] });
    expect(rules.body.errors).toEqual([
      "'dhcpRelayServerIps' is required when 'dhcpMode' is 'dhcpRelay'",
      "'dnsCustomNameservers' is required when 'dnsNameserversOption' is 'custom'",
      "'reservedIpRanges[0]' 10.31.0.1-10.31.0.2 must be within the interface's subnet 10.30.0.0/24",
    ]);
    const relay = await t.api.put(DHCP, { dhcpMode: "dhcpRelay", dhcpRelayServerIps: ["10.0.0.67"] });
    expect(relay.body).toMatchObject({ dhcpMode: "dhcpRelay", dhcpRelayServerIps: ["10.0.0.67"], dhcpLeaseTime: "4 hours" });
    // Leaving relay hides the relay servers again.
    expect((await t.api.put(DHCP, { dhcpMode: "dhcpServer" })).body).not.toHaveProperty("dhcpRelayServerIps");
    // The interface's subnet cannot move away from its DHCP ranges.
    const moved = await t.api.put(`${IFACES()}/${id}`, { subnet: "10.130.0.0/24", interfaceIp: "10.130.0.2", defaultGateway: "10.130.0.1" });
    expect(moved.body.errors).toEqual([
      "'reservedIpRanges[0]' 10.30.0.1-10.30.0.20 must be within the interface's subnet 10.130.0.0/24",
      "'fixedIpAssignments[0].ip' 10.30.0.30 must be within the interface's subnet 10.130.0.0/24",
    ]);
  });
});

describe("static routes", () => {
  test("the next hop must be reachable through an interface; one route per subnet; CRUD shaped like the spec", async () => {
    const unreachable = await t.api.post(ROUTES(), { subnet: "172.16.0.0/16", nextHopIp: "10.10.0.1" });
    expect(unreachable.body.errors).toEqual(["'nextHopIp' 10.10.0.1 is not reachable through a layer 3 interface of this switch"]);
    const iface = (await t.api.post(IFACES(), svi(10))).body.interfaceId;
    const created = await t.api.post(ROUTES(), { name: "To the MX", subnet: "172.16.0.0/16", nextHopIp: "10.10.0.1" });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ staticRouteId: created.body.staticRouteId, name: "To the MX", subnet: "172.16.0.0/16", nextHopIp: "10.10.0.1", advertiseViaOspfEnabled: false, preferOverOspfRoutesEnabled: false });
    expect(shapeProblems(created.body, operation("getDeviceSwitchRoutingStaticRoute").response)).toEqual([]);
    const id = created.body.staticRouteId;
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ name: "x" }, ["'subnet' is required", "'nextHopIp' is required"]],
      [{ subnet: "172.16.0.0/16", nextHopIp: "10.10.0.3" }, [`A static route for 172.16.0.0/16 already exists (${id})`]],
      [{ subnet: "172.17.0.0", nextHopIp: "10.10.0", advertiseViaOspfEnabled: "yes" }, ["'advertiseViaOspfEnabled' must be a boolean", "'subnet' must be in CIDR notation (ex. 1.2.3.0/24)", "'nextHopIp' must be an IPv4 address"]],
    ];
    for (const [body, errors] of cases) {
      const res = await t.api.post(ROUTES(), body);
      expect([res.status, res.body.errors]).toEqual([400, errors]);
    }
    const list = (await t.api.get(ROUTES())).body;
    expect(list).toHaveLength(1);
    expect(shapeProblems(list, operation("getDeviceSwitchRoutingStaticRoutes").response)).toEqual([]);
    expect((await t.api.put(`${ROUTES()}/${id}`, { preferOverOspfRoutesEnabled: true })).body.preferOverOspfRoutesEnabled).toBe(true);
    // The interface the route needs cannot be deleted, nor moved away from the next hop.
    const gone = await t.api.del(`${IFACES()}/${iface}`);
    expect(gone.body.errors).toEqual([`Deleting interface ${iface} would leave static route ${id} (172.16.0.0/16 via 10.10.0.1) without a layer 3 interface to reach the next hop`]);
    const moved = await t.api.put(`${IFACES()}/${iface}`, { subnet: "10.110.0.0/24", interfaceIp: "10.110.0.2", defaultGateway: "10.110.0.1" });
    expect(moved.status).toBe(400);
    expect((await t.api.del(`${ROUTES()}/${id}`)).status).toBe(204);
    expect((await t.api.del(`${IFACES()}/${iface}`)).status).toBe(204);
  });

  test("in one batch an interface, its DHCP (once its id is known, in a later batch) and a route through it", async () => {
    const first = await batch([
      { resource: IFACES(), operation: "create", body: svi(10) },
      { resource: ROUTES(), operation: "create", body: { subnet: "0.0.0.0/0", nextHopIp: "10.10.0.1" } },
    ]);
    expect(first.status.completed).toBe(true);
    const [iface, route] = first.status.createdResources;
    expect(iface.uri).toBe(`${IFACES()}/${iface.id}`);
    expect(route.uri).toBe(`${ROUTES()}/${route.id}`);
    const second = await batch([{ resource: `${IFACES()}/${iface.id}/dhcp`, operation: "update", body: { dhcpMode: "dhcpServer" } }]);
    expect(second.status.completed).toBe(true);
    // A failing action rolls the whole batch back, creates included.
    const failed = await batch([
      { resource: IFACES(), operation: "create", body: svi(20) },
      { resource: ROUTES(), operation: "create", body: { subnet: "172.20.0.0/16", nextHopIp: "10.99.0.1" } },
    ]);
    expect(failed.status).toMatchObject({ failed: true, createdResources: [] });
    expect((await t.api.get(IFACES())).body).toHaveLength(1);
  });
});

describe("device attributes", () => {
  test("name, address, notes, location next to tags; REST and batch", async () => {
    const put = await t.api.put(`/devices/${SW_A}`, { name: "Core", address: "1 Main St", notes: "rack 4", lat: 10.5, lng: -20.25 });
    expect(put.status).toBe(200);
    expect(shapeProblems(put.body, operation("updateDevice").response, { nullable: ["floorPlanId"] })).toEqual([]);
    await batch([{ resource: `/devices/${SW_A}`, operation: "update", body: { tags: ["core"] } }, { resource: `/devices/${SW_A}`, operation: "update", body: { notes: "rack 5" } }]);
    expect((await t.api.get(`/devices/${SW_A}`)).body).toMatchObject({ name: "Core", address: "1 Main St", notes: "rack 5", lat: 10.5, lng: -20.25, tags: ["core"] });
    const bad = await t.api.put(`/devices/${SW_A}`, { notes: "x".repeat(256), lat: 91 });
    expect(bad.body.errors).toEqual(["'lat' must be between -90 and 90", "'notes' is too long (maximum is 255 characters)"]);
  });
});

test("unknown operations on the new resources are refused when the batch is made, as the API does", async () => {
  const res = await t.api.post(`/organizations/${ORG}/actionBatches`, { confirmed: true, synchronous: true, actions: [{ resource: `${IFACES()}/1/dhcp`, operation: "destroy" }] });
  expect(res.status).toBe(400);
  expect(JSON.stringify(res.body.errors)).toContain("destroy operation is unsupported for /devices/{serial}/switch/routing/interfaces/{interface_id}/dhcp.");
});
