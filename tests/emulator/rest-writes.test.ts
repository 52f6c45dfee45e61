/**
 * REST writes (VLANs, VLAN settings, devices, switch ports) and the validation the Dashboard
 * applies; every refused write leaves the resource as it was.
 */
import { NET, SW_A, TestEmulator, testEmulator } from "../helpers/api";

let t: TestEmulator;
beforeEach(async () => {
  t = await testEmulator();
});
afterEach(() => t.close());

const VLANS = `/networks/${NET}/appliance/vlans`;
const PORT = (n: number | string, serial = SW_A) => `/devices/${serial}/switch/ports/${n}`;

describe("VLANs over REST", () => {
  test("create (201, id string or number on input, number on output), update, delete (204)", async () => {
    const created = await t.api.post(VLANS, { id: "20", name: "Users", subnet: "10.20.0.0/24", applianceIp: "10.20.0.1" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 20, name: "Users", subnet: "10.20.0.0/24", applianceIp: "10.20.0.1", dhcpHandling: "Run a DHCP server" });

    const updated = await t.api.put(`${VLANS}/20`, {
      name: "Staff",
      reservedIpRanges: [{ start: "10.20.0.10", end: "10.20.0.20", comment: "printers" }],
      fixedIpAssignments: { "22:33:44:55:66:77": { ip: "10.20.0.5", name: "nas" } },
      dnsNameservers: "google_dns",
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: 20, name: "Staff", dnsNameservers: "google_dns", reservedIpRanges: [{ start: "10.20.0.10", end: "10.20.0.20", comment: "printers" }] });

    const del = await t.api.del(`${VLANS}/20`);
    expect(del.status).toBe(204);
    expect(del.body).toBeUndefined();
    expect((await t.api.get(`${VLANS}/20`)).status).toBe(404);
  });

  test("update-only fields are ignored on create (they apply only through a later update)", async () => {
    const res = await t.api.post(VLANS, {
      id: 30,
      name: "Voice",
      subnet: "10.30.0.0/24",
      applianceIp: "10.30.0.1",
      reservedIpRanges: [{ start: "10.30.0.10", end: "10.30.0.20", comment: "x" }],
      dnsNameservers: "opendns",
    });
    expect(res.status).toBe(201);
    expect(res.body.reservedIpRanges).toEqual([]);
    expect(res.body.dnsNameservers).toBe("upstream_dns");
  });

  test("VLAN settings: disabling hides the VLAN endpoints, enabling brings VLAN 1 back", async () => {
    expect((await t.api.put(`${VLANS}/settings`, { vlansEnabled: false })).body).toEqual({ vlansEnabled: false });
    const create = await t.api.post(VLANS, { id: 5, name: "x", subnet: "10.5.0.0/24", applianceIp: "10.5.0.1" });
    expect(create.status).toBe(400);
    expect(create.body).toEqual({ errors: ["VLANs are not enabled for this network"] });
    expect((await t.api.put(`${VLANS}/settings`, { vlansEnabled: true })).status).toBe(200);
    const taken = await t.api.post(VLANS, { id: 1, name: "again", subnet: "10.1.0.0/24", applianceIp: "10.1.0.1" });
    expect(taken.body).toEqual({ errors: ["Vlan has already been taken"] });
  });

  test("enabling VLANs on a network without any creates the default VLAN 1", async () => {
    // Give the curl example's network an appliance so VLANs can be enabled.
    t.emu.state.world.organizations["1234567890"].networks.L_123456789000000.productTypes.push("appliance");
    await t.api.put(`/networks/L_123456789000000/appliance/vlans/settings`, { vlansEnabled: true });
    const vlans = (await t.api.get(`/networks/L_123456789000000/appliance/vlans`)).body;
    expect(vlans.map((v: any) => v.id)).toEqual([1]);
  });

  test("relay DHCP returns dhcpRelayServerIps, which GET omits when running a DHCP server", async () => {
    await t.api.post(VLANS, { id: 40, name: "Relay", subnet: "10.40.0.0/24", applianceIp: "10.40.0.1" });
    const relay = await t.api.put(`${VLANS}/40`, { dhcpHandling: "Relay DHCP to another server", dhcpRelayServerIps: ["10.0.0.53"] });
    expect(relay.body.dhcpRelayServerIps).toEqual(["10.0.0.53"]);
    const back = await t.api.put(`${VLANS}/40`, { dhcpHandling: "Run a DHCP server" });
    expect(back.body).not.toHaveProperty("dhcpRelayServerIps");
  });

  test("the last VLAN of a network can be deleted (no source limits it)", async () => {
    expect((await t.api.del(`${VLANS}/1`)).status).toBe(204);
    expect((await t.api.get(VLANS)).body).toEqual([]);
  });
});

describe("devices and switch ports over REST", () => {
  test("device update: name, tags, notes, location; read-only fields ignored", async () => {
    const res = await t.api.put(`/devices/${SW_A}`, { name: "Closet 1", tags: ["floor1", "access"], notes: "n", lat: 10, lng: 20, serial: "HACK", model: "X" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ serial: SW_A, model: "MS225-48LP", name: "Closet 1", tags: ["floor1", "access"], notes: "n", lat: 10, lng: 20 });
  });

  test("port update: access and trunk", async () => {
    const access = await t.api.put(PORT(5), { name: "Desk 5", type: "access", vlan: 20, voiceVlan: 30, tags: ["desk"] });
    expect(access.status).toBe(200);
    expect(access.body).toMatchObject({ portId: "5", name: "Desk 5", type: "access", vlan: 20, voiceVlan: 30, tags: ["desk"] });
    const trunk = await t.api.put(PORT(48), { type: "trunk", vlan: 1, allowedVlans: "1,20,30-40" });
    expect(trunk.body).toMatchObject({ type: "trunk", vlan: 1, allowedVlans: "1,20,30-40", voiceVlan: null });
    const native = await t.api.put(PORT(48), { vlan: null });
    expect(native.body.vlan).toBeNull();
  });

  test("access policies: MAC allow list and sticky MAC", async () => {
    const mac = await t.api.put(PORT(6), { accessPolicyType: "MAC allow list", macAllowList: ["00:11:22:33:44:55"] });
    expect(mac.body).toMatchObject({ accessPolicyType: "MAC allow list", macAllowList: ["00:11:22:33:44:55"] });
    const sticky = await t.api.put(PORT(6), { accessPolicyType: "Sticky MAC allow list", stickyMacAllowListLimit: 2, stickyMacAllowList: ["00:11:22:33:44:55"] });
    expect(sticky.body).toMatchObject({ accessPolicyType: "Sticky MAC allow list", stickyMacAllowListLimit: 2 });
    expect(sticky.body).not.toHaveProperty("macAllowList");
  });
});

/** [case, method, path, body, status, one of the expected messages] */
type Case = [string, "POST" | "PUT", string, unknown, number, string | RegExp];
const INVALID: Case[] = [
  ["VLAN without a name", "POST", VLANS, { id: 7, subnet: "10.7.0.0/24", applianceIp: "10.7.0.1" }, 400, "'name' is required"],
  ["VLAN id out of range", "POST", VLANS, { id: 4095, name: "x", subnet: "10.7.0.0/24", applianceIp: "10.7.0.1" }, 400, "'id' must be between 1 and 4094"],
  ["VLAN id not a number", "POST", VLANS, { id: "seven", name: "x", subnet: "10.7.0.0/24", applianceIp: "10.7.0.1" }, 400, "'id' must be an integer"],
  ["VLAN 1 again", "POST", VLANS, { id: 1, name: "x", subnet: "10.7.0.0/24", applianceIp: "10.7.0.1" }, 400, "Vlan has already been taken"],
  ["name of the wrong type", "POST", VLANS, { id: 7, name: 7, subnet: "10.7.0.0/24", applianceIp: "10.7.0.1" }, 400, "'name' must be a string"],
  ["malformed subnet", "POST", VLANS, { id: 7, name: "x", subnet: "10.7.0.0/33", applianceIp: "10.7.0.1" }, 400, /'subnet' must be a subnet in CIDR notation/],
  ["subnet with host bits", "POST", VLANS, { id: 7, name: "x", subnet: "10.7.0.5/24", applianceIp: "10.7.0.1" }, 400, /not a network address/],
  ["applianceIp outside the subnet", "POST", VLANS, { id: 7, name: "x", subnet: "10.7.0.0/24", applianceIp: "10.8.0.1" }, 400, /'applianceIp' 10.8.0.1 must be a host address in the subnet/],
  ["applianceIp is the network address", "POST", VLANS, { id: 7, name: "x", subnet: "10.7.0.0/24", applianceIp: "10.7.0.0" }, 400, /must be a host address/],
  ["overlapping subnet", "POST", VLANS, { id: 7, name: "x", subnet: "192.168.0.0/16", applianceIp: "192.168.0.1" }, 400, "Subnet 192.168.0.0/16 overlaps with VLAN 1 (192.168.128.0/24)"],
  ["dhcpHandling enum", "PUT", `${VLANS}/1`, { dhcpHandling: "DHCP please" }, 400, "'dhcpHandling' must be one of: 'Run a DHCP server', 'Relay DHCP to another server' or 'Do not respond to DHCP requests'"],
  ["dhcpLeaseTime enum", "PUT", `${VLANS}/1`, { dhcpLeaseTime: "2 days" }, 400, /'dhcpLeaseTime' must be one of/],
  ["relay without servers", "PUT", `${VLANS}/1`, { dhcpHandling: "Relay DHCP to another server" }, 400, /'dhcpRelayServerIps' must be given/],
  ["relay server as CIDR", "PUT", `${VLANS}/1`, { dhcpHandling: "Relay DHCP to another server", dhcpRelayServerIps: ["10.0.0.0/24"] }, 400, /IPv4 addresses only/],
  ["reserved range without a comment", "PUT", `${VLANS}/1`, { reservedIpRanges: [{ start: "192.168.128.10", end: "192.168.128.20" }] }, 400, "'reservedIpRanges[0].comment' is required"],
  ["reserved range outside the subnet", "PUT", `${VLANS}/1`, { reservedIpRanges: [{ start: "10.0.0.1", end: "10.0.0.2", comment: "x" }] }, 400, /must be within the subnet/],
  ["dhcp option code out of range", "PUT", `${VLANS}/1`, { dhcpOptions: [{ code: "1", type: "text", value: "x" }] }, 400, /'dhcpOptions\[0\].code' must be a string holding an integer between 2 and 254/],
  ["dhcp option code as a number", "PUT", `${VLANS}/1`, { dhcpOptions: [{ code: 42, type: "ip", value: "1.2.3.4" }] }, 400, /dhcpOptions\[0\].code/],
  ["fixed IP outside the subnet", "PUT", `${VLANS}/1`, { fixedIpAssignments: { "22:33:44:55:66:77": { ip: "10.0.0.5", name: "x" } } }, 400, /must be within the subnet/],
  ["bad DNS nameservers", "PUT", `${VLANS}/1`, { dnsNameservers: "cloudflare dns" }, 400, /'dnsNameservers' must be/],
  ["ipv6 prefix assignment without disabled, repeated per element", "PUT", `${VLANS}/1`, { ipv6: { enabled: true, prefixAssignments: [{ autonomous: true }, { autonomous: false }] } }, 400, "Please specify if prefix assignment should be disabled"],
  ["update of a missing VLAN", "PUT", `${VLANS}/77`, { name: "x" }, 404, "VLAN 77 not found"],
  ["device notes over 255 characters", "PUT", `/devices/${SW_A}`, { notes: "n".repeat(256) }, 400, "'notes' is too long (maximum is 255 characters)"],
  ["device tags as a string in v1", "PUT", `/devices/${SW_A}`, { tags: "a b" }, 400, "'tags' must be an array of strings"],
  ["device tag with a space", "PUT", `/devices/${SW_A}`, { tags: ["a b"] }, 400, /contain no spaces/],
  ["device latitude out of range", "PUT", `/devices/${SW_A}`, { lat: 91 }, 400, "'lat' must be between -90 and 90"],
  ["device floor plan that does not exist", "PUT", `/devices/${SW_A}`, { floorPlanId: "g_1" }, 400, /Floor plan/],
  ["port type enum", "PUT", PORT(3), { type: "hybrid" }, 400, "'type' must be one of: 'access', 'trunk', 'stack', 'routed', 'svl' or 'dad'"],
  ["port accessPolicyType enum (the API's exact words)", "PUT", PORT(3), { accessPolicyType: "MAC whitelist" }, 400, "'accessPolicyType' must be one of: 'Open', 'Custom access policy', 'MAC allow list' or 'Sticky MAC allow list'"],
  ["port vlan out of range", "PUT", PORT(3), { vlan: 5000 }, 400, "'vlan' must be between 1 and 4094"],
  ["port enabled not a boolean", "PUT", PORT(3), { enabled: "yes" }, 400, "'enabled' must be a boolean"],
  ["allowedVlans on an access port", "PUT", PORT(3), { allowedVlans: "1-10" }, 400, "'allowedVlans' can only be set on trunk ports"],
  ["voiceVlan on a trunk port", "PUT", PORT(3), { type: "trunk", voiceVlan: 30 }, 400, "'voiceVlan' can only be set on access ports"],
  ["allowedVlans syntax", "PUT", PORT(3), { type: "trunk", allowedVlans: "1,abc" }, 400, /'allowedVlans' has an invalid entry 'abc'/],
  ["allowedVlans descending range", "PUT", PORT(3), { type: "trunk", allowedVlans: "10-5" }, 400, /descending range/],
  ["allowedVlans out of range", "PUT", PORT(3), { type: "trunk", allowedVlans: "1-5000" }, 400, /outside 1-4094/],
  ["access port without a VLAN", "PUT", PORT(3), { vlan: null }, 400, "'vlan' is required for access ports"],
  ["custom access policy without a number", "PUT", PORT(3), { accessPolicyType: "Custom access policy" }, 400, /'accessPolicyNumber' is required/],
  ["MAC allow list over 20", "PUT", PORT(3), { accessPolicyType: "MAC allow list", macAllowList: Array.from({ length: 21 }, (_, i) => `00:11:22:33:44:${String(i).padStart(2, "0")}`) }, 400, "'macAllowList' can have at most 20 MAC addresses"],
  ["macAllowList without that policy", "PUT", PORT(3), { macAllowList: ["00:11:22:33:44:55"] }, 400, /can only be set with a 'MAC allow list'/],
  ["stpGuard enum", "PUT", PORT(3), { stpGuard: "guard" }, 400, /'stpGuard' must be one of: 'disabled', 'root guard', 'bpdu guard' or 'loop guard'/],
  ["udld enum", "PUT", PORT(3), { udld: "Off" }, 400, /'udld' must be one of: 'Alert only' or 'Enforce'/],
  ["linkNegotiation not a link speed (the API's words, ansible-meraki#235)", "PUT", PORT(3), { linkNegotiation: "40 Gigabit" }, 400, /^linkNegotiation must be in one of three formats\.\.\. full negotiation/],
  ["linkNegotiation the copper port cannot do", "PUT", PORT(3), { linkNegotiation: "10 Gigabit full duplex (forced)" }, 400, /'linkNegotiation' must be one of: 'Auto negotiate', '1 Gigabit full duplex \(auto\)'/],
  ["port that does not exist", "PUT", PORT(60), { enabled: false }, 404, "Port 60 not found on switch AAAA-BBBB-CCCC"],
];

describe("validation", () => {
  test.each(INVALID)("%s is refused and changes nothing", async (_name, method, path, body, status, message) => {
    const readPath = path === VLANS ? VLANS : path;
    const before = (await t.api.get(readPath)).body;
    const res = await t.api.request(method, path, body);
    expect(res.status).toBe(status);
    expect(Array.isArray(res.body.errors)).toBe(true);
    if (typeof message === "string") expect(res.body.errors).toContain(message);
    else expect(res.body.errors.some((e: string) => message.test(e))).toBe(true);
    expect((await t.api.get(readPath)).body).toEqual(before);
  });

  test("the prefix-assignment error repeats once per assignment, as the API does", async () => {
    const res = await t.api.put(`${VLANS}/1`, { ipv6: { enabled: true, prefixAssignments: [{}, {}, {}] } });
    expect(res.body.errors).toEqual(Array(3).fill("Please specify if prefix assignment should be disabled"));
  });

  test("all problems of a request are reported together", async () => {
    const res = await t.api.put(PORT(3), { enabled: "yes", stpGuard: "x", vlan: "abc" });
    expect(res.body.errors).toHaveLength(3);
  });
});
