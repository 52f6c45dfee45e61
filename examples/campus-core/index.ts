/**
 * The core of the campus (issue #24): the core switch routes the campus VLANs (layer 3 interfaces
 * with their DHCP settings), sends what it does not know to the MX and the data centre (static
 * routes), the desk ports authenticate with 802.1X (an access policy), and the desk switch reaches
 * the core over an LACP bundle (a link aggregation on each side).
 *
 * The API numbers the access policy and the interfaces: the desk ports that use the policy, and
 * the DHCP settings of the new interfaces, go in a second batch, once the first has created them
 * and their numbers are known ("after batch #1" in the plan).
 *
 * The RADIUS secret comes from the environment: export RADIUS_SECRET=… before apply.
 */
import * as meraki from "meraki-batch";

const core = "L_646829496481105433";
/** Campus seed serials: switch 1 is the core, switch 4 the desks (both in the core network). */
const coreSwitch = "Q2CA-MS00-0001";
const deskSwitch = "Q2CA-MS00-0004";

// The MX's side of the transit VLAN: the core switch's default route points at it.
new meraki.Vlan("transit", { networkId: core, vlanId: 10, name: "Transit", subnet: "10.0.10.0/24", applianceIp: "10.0.10.1" });

new meraki.Device("core-switch", { serial: coreSwitch, name: "Core 1", address: "1 Campus Drive, Building A", notes: "MDF, rack 1" });

// Layer 3: one interface per campus VLAN on the core switch, with DHCP for the users. The first
// interface of a switch carries its default gateway; the others, and the routes, take the switch
// from it (`serial: transit.serial`), so that `pulumi up` creates them after it (the CLI plans
// them together, in that order).
const transit = new meraki.SwitchRoutingInterface("core-transit", {
  serial: coreSwitch,
  vlanId: 10,
  name: "Transit",
  subnet: "10.0.10.0/24",
  interfaceIp: "10.0.10.2",
  defaultGateway: "10.0.10.1",
});
new meraki.SwitchRoutingInterface("core-staff", {
  serial: transit.serial,
  vlanId: 100,
  name: "Staff",
  subnet: "10.100.0.0/16",
  interfaceIp: "10.100.0.1",
  dhcp: {
    dhcpMode: "dhcpServer",
    dhcpLeaseTime: "12 hours",
    dnsNameserversOption: "custom",
    dnsCustomNameservers: ["10.0.10.53"],
    reservedIpRanges: [{ start: "10.100.0.1", end: "10.100.0.50", comment: "Infrastructure" }],
  },
});
new meraki.SwitchRoutingInterface("core-voice", {
  serial: transit.serial,
  vlanId: 200,
  name: "Voice",
  subnet: "10.200.0.0/20",
  interfaceIp: "10.200.0.1",
  dhcp: { dhcpMode: "dhcpServer", dhcpLeaseTime: "1 day", dhcpOptions: [{ code: "150", type: "ip", value: "10.0.10.69" }] },
});
new meraki.SwitchRoutingInterface("core-iot", {
  serial: transit.serial,
  vlanId: 300,
  name: "IoT",
  subnet: "10.30.0.0/20",
  interfaceIp: "10.30.0.1",
  multicastRouting: "IGMP snooping querier",
  dhcp: { dhcpMode: "dhcpRelay", dhcpRelayServerIps: ["10.0.10.67"] },
});

// What the core does not route itself: the data centre through the WAN router, the rest to the MX.
new meraki.SwitchStaticRoute("data-centre", { serial: transit.serial, subnet: "172.16.0.0/12", nextHopIp: "10.0.10.254", name: "Data centre via WAN router" });
new meraki.SwitchStaticRoute("default-route", { serial: transit.serial, subnet: "0.0.0.0/0", nextHopIp: "10.0.10.1", name: "Default via MX" });

// 802.1X on the desks, phones on the voice VLAN (Multi-Domain), guests who fail it on IoT.
const desks8021x = new meraki.SwitchAccessPolicy("desks-8021x", {
  networkId: core,
  name: "Desks 802.1X",
  hostMode: "Multi-Domain",
  radiusServers: [{ host: "10.0.10.20", port: 1812, secret: meraki.secretFromEnv("RADIUS_SECRET") }],
  radiusAccountingEnabled: true,
  radiusAccountingServers: [{ host: "10.0.10.20", port: 1813, secret: meraki.secretFromEnv("RADIUS_SECRET") }],
  guestVlanId: 300,
  dot1x: { controlDirection: "inbound" },
});

meraki.switchPorts("desk", { serial: deskSwitch, ports: "1-40" }, (port) => ({
  name: `Desk ${port}`,
  type: "access",
  vlan: 100,
  voiceVlan: 200,
  accessPolicyType: "Custom access policy",
  accessPolicyNumber: desks8021x.accessPolicyNumber,
}));

// The LACP bundle between the desk switch's uplinks and the core's downlinks, trunks on both sides.
meraki.switchPorts("desk-uplink", { serial: deskSwitch, ports: "49-50" }, { name: "Uplink to core", type: "trunk", vlan: 10, allowedVlans: "10,100,200,300" });
meraki.switchPorts("core-downlink", { serial: coreSwitch, ports: "51-52" }, { name: "Desk switch", type: "trunk", vlan: 10, allowedVlans: "10,100,200,300" });
new meraki.LinkAggregation("desk-uplink", { networkId: core, switchPorts: [{ serial: deskSwitch, portId: "49" }, { serial: deskSwitch, portId: "50" }] });
new meraki.LinkAggregation("core-downlink", { networkId: core, switchPorts: [{ serial: coreSwitch, portId: "51" }, { serial: coreSwitch, portId: "52" }] });
