/**
 * A branch office, grown from the Dashboard API documentation's action batch example:
 * VLAN 99 "API-VLAN" 172.16.99.0/24, the tag "APIness" on both switches, and port 1 of each
 * switch an access port on VLAN 99. Around it: user, voice and guest VLANs, desk ports with a
 * voice VLAN, access points, and the uplink trunks to the MX.
 */
import * as meraki from "meraki-batch";

const network = "L_000000000000000";
const switches = { a: "AAAA-BBBB-CCCC", b: "DDDD-EEEE-FFFF" };
// The VLAN ids, shared by the VLANs and the ports. Ports take them as numbers, not as the VLANs'
// outputs: a switch port may use a VLAN the MX does not have yet, and a port that took a VLAN's
// output would be registered only once that VLAN exists, one batch later under `pulumi up`.
const vlanIds = { management: 1, users: 10, voice: 20, guest: 30, api: 99 };

// VLANs on the MX. VLAN 1 exists as soon as VLANs are enabled: adopt it rather than create it,
// and keep it when the stack is destroyed (a network always keeps one VLAN).
const management = new meraki.Vlan(
  "management",
  {
    networkId: network,
    vlanId: vlanIds.management,
    name: "Management",
    subnet: "192.168.128.0/24",
    applianceIp: "192.168.128.1",
    adopt: true,
  },
  { retainOnDelete: true },
);
const users = new meraki.Vlan("users", {
  networkId: network,
  vlanId: vlanIds.users,
  name: "Users",
  subnet: "10.10.10.0/24",
  applianceIp: "10.10.10.1",
  dhcpLeaseTime: "1 day",
  dnsNameservers: "upstream_dns",
  reservedIpRanges: [{ start: "10.10.10.2", end: "10.10.10.19", comment: "printers and infrastructure" }],
});
const voice = new meraki.Vlan("voice", {
  networkId: network,
  vlanId: vlanIds.voice,
  name: "Voice",
  subnet: "10.10.20.0/24",
  applianceIp: "10.10.20.1",
  dhcpOptions: [{ code: "150", type: "ip", value: "10.0.0.15" }],
});
const guest = new meraki.Vlan("guest", {
  networkId: network,
  vlanId: vlanIds.guest,
  name: "Guest",
  subnet: "10.10.30.0/24",
  applianceIp: "10.10.30.1",
  dnsNameservers: "google_dns",
});
// The documentation's VLAN.
const apiVlan = new meraki.Vlan("api-vlan", {
  networkId: network,
  vlanId: vlanIds.api,
  name: "API-VLAN",
  subnet: "172.16.99.0/24",
  applianceIp: "172.16.99.1",
});

// The documentation's tag on both switches, alongside whatever tags they already have.
for (const [key, serial] of Object.entries(switches)) {
  new meraki.DeviceTags(`switch-${key}-tags`, { serial, tags: ["APIness", "branch"], mode: "include" });
}

for (const [key, serial] of Object.entries(switches)) {
  // The documentation's port: port 1 an access port on VLAN 99.
  new meraki.SwitchPort(`switch-${key}-port-1`, { serial, portId: "1", type: "access", vlan: vlanIds.api, tags: ["APIness"] });

  // Desks: data on Users, phones on Voice.
  meraki.switchPorts(`switch-${key}-desk`, { serial, ports: "2-40" }, (port) => ({
    name: `Desk ${key.toUpperCase()}${port}`,
    type: "access",
    vlan: vlanIds.users,
    voiceVlan: vlanIds.voice,
    stpGuard: "bpdu guard",
  }));

  // Access points: trunks carrying users and guests, native VLAN for management.
  meraki.switchPorts(`switch-${key}-ap`, { serial, ports: "41-44" }, (port) => ({
    name: `AP ${key.toUpperCase()}${port}`,
    type: "trunk",
    vlan: vlanIds.management,
    allowedVlans: "1,10,30",
  }));

  // Uplink to the MX: every branch VLAN.
  new meraki.SwitchPort(`switch-${key}-uplink`, {
    serial,
    portId: "48",
    name: "Uplink to MX",
    type: "trunk",
    vlan: 1,
    allowedVlans: "1,10,20,30,99",
    tags: ["uplink"],
  });
}

export const vlans = [management, users, voice, guest, apiVlan].map((v) => v.vlanId);
