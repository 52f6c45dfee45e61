/**
 * A campus for scale: the core MX's VLANs and every port of ten 48-port access switches, each
 * switch's ports one SwitchPorts resource. 3 VLANs and 480 ports: 5 batches of at most 100 actions
 * with the CLI, 6 under `pulumi up` at --parallel 8 (the VLANs first, as the ports refer to them).
 */
import * as pulumi from "@pulumi/pulumi";
import * as meraki from "meraki-batch";

const config = new pulumi.Config();
const switchCount = config.getNumber("switches") ?? 10;
const core = "L_646829496481105433";

const staff = new meraki.Vlan("staff", { networkId: core, vlanId: 100, name: "Staff", subnet: "10.100.0.0/16", applianceIp: "10.100.0.1", dhcpLeaseTime: "12 hours" });
const voice = new meraki.Vlan("voice", { networkId: core, vlanId: 200, name: "Voice", subnet: "10.200.0.0/20", applianceIp: "10.200.0.1" });
const iot = new meraki.Vlan("iot", { networkId: core, vlanId: 300, name: "IoT", subnet: "10.30.0.0/20", applianceIp: "10.30.0.1", dnsNameservers: "google_dns" });

/** Campus seed serials: Q2CA-MS00-0001 … */
const serial = (n: number) => `Q2CA-MS${String(n).padStart(4, "0").slice(0, 2)}-${String(n).padStart(4, "0")}`;

// Each switch's 48 ports as one SwitchPorts resource: one Pulumi step per switch, so `pulumi up`
// fills its batches whatever --parallel is. The function gives each port its profile.
for (let n = 1; n <= switchCount; n++) {
  meraki.switchPorts(`sw${n}`, { serial: serial(n), ports: "1-48" }, (port) => {
    const p = Number(port);
    // Desks: Staff, with Voice for phones.
    if (p <= 40) return { name: `B${Math.ceil(n / 4)}-SW${n}-D${port}`, type: "access", vlan: staff.vlanId, voiceVlan: voice.vlanId, stpGuard: "bpdu guard", stormControlEnabled: true };
    // IoT devices: a sticky MAC allow list of 2.
    if (p <= 46) return { name: "IoT", type: "access", vlan: iot.vlanId, poeEnabled: true, accessPolicyType: "Sticky MAC allow list", stickyMacAllowListLimit: 2 };
    // Uplink trunks.
    return { name: `Uplink ${p === 47 ? "A" : "B"}`, type: "trunk", vlan: 1, allowedVlans: "1,100,200,300", rstpEnabled: true };
  });
}

export const ports = switchCount * 48;
