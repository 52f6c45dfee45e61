/**
 * The benchmark scenarios, against the emulator's campus seed (MS225-48LP switches of 48 ports,
 * the core network L_646829496481105433 with VLANs). Each is a desired state whose apply takes
 * exactly N actions from the seed.
 */
import { ResourceSpec } from "../provider";

export const CORE = "L_646829496481105433";
export const serial = (n: number) => `Q2CA-MS${String(n).padStart(4, "0").slice(0, 2)}-${String(n).padStart(4, "0")}`;

export interface Scenario {
  name: string;
  actions: number;
  /** Switches the seed needs. */
  switches: number;
  resources: ResourceSpec[];
}

function ports(count: number, firstSwitch = 1): ResourceSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const sw = firstSwitch + Math.floor(i / 48);
    const port = (i % 48) + 1;
    return { kind: "switchPort", name: `sw${sw}-p${port}`, props: { serial: serial(sw), portId: String(port), name: `Desk ${sw}-${port}`, vlan: 100 + (port % 4) } };
  });
}

export function scenario(actions: number): Scenario {
  if (actions === 480) {
    // 10 switches × 48 ports "plus tags and VLANs": 2 VLAN creates, 10 tag sets, 468 ports.
    return {
      name: "480 (2 VLANs, 10 tag sets, 468 ports on 10 switches)",
      actions,
      switches: 10,
      resources: [
        { kind: "vlan", name: "staff", props: { networkId: CORE, vlanId: 100, name: "Staff", subnet: "10.100.0.0/16", applianceIp: "10.100.0.1" } },
        { kind: "vlan", name: "voice", props: { networkId: CORE, vlanId: 200, name: "Voice", subnet: "10.200.0.0/16", applianceIp: "10.200.0.1" } },
        ...Array.from({ length: 10 }, (_, i): ResourceSpec => ({ kind: "deviceTags", name: `tags-${i + 1}`, props: { serial: serial(i + 1), tags: ["campus", `floor-${i + 1}`] } })),
        ...ports(468),
      ],
    };
  }
  const switches = Math.ceil(actions / 48);
  return { name: `${actions} (${actions} ports on ${switches} switch${switches === 1 ? "" : "es"})`, actions, switches, resources: ports(actions) };
}

export const FULL = [20, 100, 480, 2400];
export const QUICK = [20, 100, 480];
