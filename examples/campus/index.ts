/**
 * A campus for scale: the core MX's VLANs and every port of ten 48-port access switches, each
 * switch's ports one SwitchPorts resource: 13 Pulumi resources, 3 VLANs and 480 ports. 5 batches of
 * at most 100 actions with the CLI and under `pulumi up --parallel 16`; 6 at --parallel 8.
 */
import * as pulumi from "@pulumi/pulumi";
import * as meraki from "meraki-batch";

const config = new pulumi.Config();
const switchCount = config.getNumber("switches") ?? 10;
const core = "L_646829496481105433";

// VLAN ids shared by the VLANs and the ports (as numbers: the ports need not wait for the VLANs).
const STAFF = 100;
const VOICE = 200;
const IOT = 300;
new meraki.Vlan("staff", { networkId: core, vlanId: STAFF, name: "Staff", subnet: "10.100.0.0/16", applianceIp: "10.100.0.1", dhcpLeaseTime: "12 hours" });
new meraki.Vlan("voice", { networkId: core, vlanId: VOICE, name: "Voice", subnet: "10.200.0.0/20", applianceIp: "10.200.0.1" });
new meraki.Vlan("iot", { networkId: core, vlanId: IOT, name: "IoT", subnet: "10.30.0.0/20", applianceIp: "10.30.0.1", dnsNameservers: "google_dns" });

/** Campus seed serials: Q2CA-MS00-0001 … */
const serial = (n: number) => `Q2CA-MS${String(n).padStart(4, "0").slice(0, 2)}-${String(n).padStart(4, "0")}`;

// Each switch's 48 ports as one SwitchPorts resource: one Pulumi step per switch, so `pulumi up`
// fills its batches whatever --parallel is. The function gives each port its profile.
for (let n = 1; n <= switchCount; n++) {
  meraki.switchPorts(`sw${n}`, { serial: serial(n), ports: "1-48" }, (port) => {
    const p = Number(port);
    // Desks: Staff, with Voice for phones.
    if (p <= 40) return { name: `B${Math.ceil(n / 4)}-SW${n}-D${port}`, type: "access", vlan: STAFF, voiceVlan: VOICE, stpGuard: "bpdu guard", stormControlEnabled: true };
    // IoT devices: a sticky MAC allow list of 2.
    if (p <= 46) return { name: "IoT", type: "access", vlan: IOT, poeEnabled: true, accessPolicyType: "Sticky MAC allow list", stickyMacAllowListLimit: 2 };
    // Uplink trunks.
    return { name: `Uplink ${p === 47 ? "A" : "B"}`, type: "trunk", vlan: 1, allowedVlans: "1,100,200,300", rstpEnabled: true };
  });
}

export const ports = switchCount * 48;
