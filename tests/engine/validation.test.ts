/**
 * Invalid desired state: a catalogue across the three kinds. Each gives a clear error naming the
 * resource, the field and what was expected, and nothing is written.
 */
import { MerakiBatchError, ResourceSpec, ValidationError } from "../../provider";
import { NET, SW_A, docScenario, engineSetup, EngineSetup, writes } from "../helpers/engine";

let s: EngineSetup;
beforeAll(async () => {
  s = await engineSetup({ rateLimit: 0 });
});
afterAll(() => s.close());

const vlan = (props: Record<string, unknown>): ResourceSpec => ({
  kind: "vlan",
  name: "v",
  props: { networkId: NET, vlanId: 20, name: "Users", subnet: "10.20.0.0/24", applianceIp: "10.20.0.1", ...props },
});
const port = (props: Record<string, unknown>): ResourceSpec => ({ kind: "switchPort", name: "p", props: { serial: SW_A, portId: "5", ...props } });
const tags = (props: Record<string, unknown>): ResourceSpec => ({ kind: "deviceTags", name: "t", props: { serial: SW_A, tags: ["ok"], ...props } });

/** [case, resources, expected fragment of the message (resource label, field and expectation)] */
const CASES: Array<[string, ResourceSpec[], RegExp]> = [
  ["VLAN id out of range", [vlan({ vlanId: 4095 })], /Vlan 'v'.*: vlanId: must be between 1 and 4094/],
  ["VLAN id not a number", [vlan({ vlanId: "ten" })], /Vlan 'v'.*: vlanId: must be a VLAN id/],
  ["VLAN without a name", [vlan({ name: undefined })], /Vlan 'v' \(VLAN 20 on network L_000000000000000\): name: is required/],
  ["VLAN subnet that is not CIDR", [vlan({ subnet: "10.20.0.0" })], /subnet: must be a subnet in CIDR notation/],
  ["VLAN subnet with host bits", [vlan({ subnet: "10.20.0.7/24" })], /subnet: 10.20.0.7\/24 is not a network address/],
  ["VLAN appliance IP outside the subnet", [vlan({ applianceIp: "10.99.0.1" })], /applianceIp: 10.99.0.1 must be a host address in the subnet 10.20.0.0\/24/],
  ["VLAN appliance IP malformed", [vlan({ applianceIp: "10.20.0.300" })], /applianceIp: must be an IPv4 address/],
  ["VLAN unknown field (a typo)", [vlan({ aplianceIp: "10.20.0.1" })], /unknown field 'aplianceIp'/],
  ["VLAN DHCP handling not in the enum", [vlan({ dhcpHandling: "DHCP please" })], /dhcpHandling: must be one of: 'Run a DHCP server', 'Relay DHCP to another server' or 'Do not respond to DHCP requests'/],
  ["VLAN relay without servers", [vlan({ dhcpHandling: "Relay DHCP to another server" })], /dhcpRelayServerIps: is required when dhcpHandling is 'Relay DHCP to another server'/],
  ["VLAN relay servers while running a DHCP server", [vlan({ dhcpRelayServerIps: ["10.0.0.1"] })], /dhcpRelayServerIps: only applies when dhcpHandling is/],
  ["VLAN reserved range outside the subnet", [vlan({ reservedIpRanges: [{ start: "10.0.0.1", end: "10.0.0.9", comment: "x" }] })], /reservedIpRanges.0: 10.0.0.1-10.0.0.9 must be within the subnet/],
  ["VLAN reserved range without a comment", [vlan({ reservedIpRanges: [{ start: "10.20.0.5", end: "10.20.0.9" }] })], /reservedIpRanges.0.comment: is required/],
  ["VLAN DHCP option code as a number", [vlan({ dhcpOptions: [{ code: 66, type: "text", value: "tftp" }] })], /dhcpOptions.0.code: must be a string \(got number\)/],
  ["VLAN fixed IP with a bad MAC", [vlan({ fixedIpAssignments: { "not-a-mac": { ip: "10.20.0.5" } } })], /fixedIpAssignments.not-a-mac: has an invalid key: must be a MAC address/],
  ["VLAN IPv6 prefix assignment without disabled", [vlan({ ipv6: { enabled: true, prefixAssignments: [{ autonomous: true, origin: { type: "internet" } }] } })], /ipv6.prefixAssignments.0.disabled: is required \(true or false\)/],
  ["VLAN on a network of another organization", [vlan({ networkId: "L_123456789000000" })], /networkId: network L_123456789000000 is not in organization 1234567/],
  ["VLAN on an unknown network", [vlan({ networkId: "L_999" })], /networkId: network L_999 is not in organization 1234567/],
  ["VLAN subnet overlapping VLAN 1", [vlan({ subnet: "192.168.128.0/25", applianceIp: "192.168.128.1" })], /subnet: 192.168.128.0\/25 overlaps VLAN 1 \(192.168.128.0\/24\)/],
  ["two VLANs with overlapping subnets", [vlan({}), { ...vlan({ vlanId: 21, subnet: "10.20.0.0/16", applianceIp: "10.20.0.2" }), name: "w" }], /Vlan 'w'.*subnet: 10.20.0.0\/16 overlaps VLAN 20/],
  ["the same VLAN declared twice", [vlan({}), { ...vlan({}), name: "again" }], /Vlan 'again'.*declared twice \(also by 'v'\)/],
  ["tag with a space", [tags({ tags: ["two words"] })], /DeviceTags 't' \(tags of device AAAA-BBBB-CCCC\): tags.0: must not contain spaces/],
  ["empty tag", [tags({ tags: [""] })], /tags.0: must not be empty/],
  ["tags not an array", [tags({ tags: "APIness" })], /tags: must be an array \(got string\)/],
  ["tags mode not in the enum", [tags({ mode: "merge" })], /mode: must be one of: 'exact' or 'include'/],
  ["tags on an unknown device", [tags({ serial: "ZZZZ-ZZZZ-ZZZZ" })], /serial: device ZZZZ-ZZZZ-ZZZZ is not in organization 1234567/],
  ["port VLAN out of range", [port({ vlan: 4095 })], /SwitchPort 'p' \(port 5 of switch AAAA-BBBB-CCCC\): vlan: must be between 1 and 4094/],
  ["port type not in the enum", [port({ type: "hybrid" })], /type: must be one of: 'access', 'trunk', 'stack', 'routed', 'svl' or 'dad'/],
  ["allowedVlans syntax", [port({ type: "trunk", allowedVlans: "1,3,abc" })], /allowedVlans: has an invalid entry 'abc'/],
  ["allowedVlans descending range", [port({ type: "trunk", allowedVlans: "10-5" })], /allowedVlans: has a descending range '10-5'/],
  ["allowedVlans on an access port", [port({ allowedVlans: "1-10" })], /allowedVlans: can only be set on trunk ports \(this port is access\)/],
  ["voice VLAN on a trunk port", [port({ type: "trunk", voiceVlan: 30 })], /voiceVlan: can only be set on access ports/],
  ["access port with a null VLAN", [port({ vlan: null })], /vlan: is required for access ports/],
  ["MAC allow list of 21", [port({ accessPolicyType: "MAC allow list", macAllowList: Array.from({ length: 21 }, (_, i) => `00:11:22:33:44:${String(i).padStart(2, "0")}`) })], /macAllowList: can have at most 20 MAC addresses/],
  ["access policy type not in the enum", [port({ accessPolicyType: "MAC whitelist" })], /accessPolicyType: must be one of: 'Open', 'Custom access policy', 'MAC allow list' or 'Sticky MAC allow list'/],
  ["MAC allow list without that policy", [port({ macAllowList: ["00:11:22:33:44:55"] })], /macAllowList: can only be set with accessPolicyType 'MAC allow list'/],
  ["link negotiation the port cannot do", [port({ linkNegotiation: "40 Gigabit" })], /linkNegotiation: must be one of this port's capabilities/],
  ["port that does not exist", [port({ portId: "60" })], /portId: switch AAAA-BBBB-CCCC has no port 60 \(it has 52 ports/],
  ["port on a device that is not a switch", [port({ serial: "Q2MX-0000-0001" })], /serial: device Q2MX-0000-0001 is a MX84 \(appliance\), not a switch/],
  ["port unknown field", [port({ vlanID: 5 })], /unknown field 'vlanID'/],
  ["unknown kind", [{ kind: "ssid" as never, name: "x", props: {} }], /unknown kind 'ssid'/],
];

describe("invalid desired state", () => {
  test("the catalogue holds at least 25 cases across the three kinds", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
    const kinds = new Set(CASES.flatMap(([, specs]) => specs.map((x) => x.kind)));
    expect(kinds).toEqual(new Set(["vlan", "deviceTags", "switchPort", "ssid"]));
  });

  test.each(CASES)("%s: a clear error and zero writes", async (_name, specs, message) => {
    await s.control.clearRequests();
    // A valid resource alongside: nothing at all is applied when any resource is invalid.
    const err = await s.engine.plan([...docScenario().slice(1), ...specs]).then(
      () => undefined,
      (e) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect(MerakiBatchError.is(err) && err.code).toBe("VALIDATION_FAILED");
    expect(err.message).toMatch(message);
    expect(err.message).not.toMatch(/\n\s+at /); // no stack in the message
    expect(writes(await s.control.requests())).toEqual([]);
  });

  test("every problem is reported at once, each naming its resource and field", async () => {
    const err: ValidationError = await s.engine.plan([vlan({ vlanId: 0, applianceIp: "x" }), port({ vlan: "abc", stpGuard: "x" }), tags({ tags: [" "] })]).catch((e) => e);
    expect(err.issues.map((i) => `${i.name}:${i.path}`).sort()).toEqual(["p:stpGuard", "p:vlan", "t:tags.0", "v:applianceIp", "v:vlanId"]);
    expect(err.message.split("\n")[0]).toBe("invalid desired state (5 problems):");
  });

  test("schema problems are found before any request is made", async () => {
    await s.control.clearRequests();
    await expect(s.engine.plan([port({ vlan: 0 })])).rejects.toThrow(ValidationError);
    expect(await s.control.requests()).toEqual([]);
  });

  test("a VLAN on a network with VLANs disabled says how to enable them, and writes nothing", async () => {
    const settings = `${s.emu.url}/networks/${NET}/appliance/vlans/settings`;
    const put = (enabled: boolean) =>
      fetch(settings, { method: "PUT", headers: { Authorization: `Bearer ${s.emu.apiKeys[0]}`, "Content-Type": "application/json" }, body: JSON.stringify({ vlansEnabled: enabled }) });
    await put(false);
    try {
      await s.control.clearRequests();
      await expect(s.engine.plan([vlan({})])).rejects.toThrow(/networkId: VLANs are not enabled for this network \(L_000000000000000\); declare a VlansSettings for network L_000000000000000 with vlansEnabled: true/);
      expect(writes(await s.control.requests())).toEqual([]);
    } finally {
      await put(true);
    }
  });

  test("creating a VLAN that exists fails with the API's words unless adopted", async () => {
    const one = { kind: "vlan" as const, name: "default", intent: "create" as const, props: { networkId: NET, vlanId: 1, name: "LAN", subnet: "192.168.128.0/24", applianceIp: "192.168.128.1" } };
    await expect(s.engine.plan([one])).rejects.toThrow(/vlanId: Vlan has already been taken: VLAN 1 already exists on network L_000000000000000 \(set adopt: true to manage it\)/);
    const adopted = await s.engine.plan([{ ...one, props: { ...one.props, adopt: true } }]);
    expect(adopted.changes[0]).toMatchObject({ op: "update", fields: [{ path: "name", old: "Default", new: "LAN" }] });
  });
});
