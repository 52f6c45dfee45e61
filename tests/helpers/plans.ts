/** Plans made without I/O, on a synthetic live network: switches of 48 factory-default ports. */
import { switchPortDefaults } from "../../lib/switch-port-defaults";
import { DeleteSpec, LiveSnapshot, Plan, PlanOptions, ResourceSpec, makePlan, validate } from "../../provider";

export const ORG_ID = "O_1";

export function defaultPort(portId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { portId, ...switchPortDefaults(), linkNegotiationCapabilities: ["Auto negotiate"], ...extra };
}

/** `switches` maps a network id to the serials of its switches; every network has VLANs enabled with VLAN 1. */
export function liveNetwork(switches: Record<string, string[]>, ports = 48): LiveSnapshot {
  const live: LiveSnapshot = { organizationId: ORG_ID, networks: {}, devices: {}, vlans: {}, ports: {} };
  for (const [networkId, serials] of Object.entries(switches)) {
    live.networks![networkId] = { id: networkId, name: networkId, productTypes: ["appliance", "switch"] };
    live.vlans[networkId] = { state: "ok", vlans: { "1": { id: 1, name: "Default", subnet: "192.168.128.0/24", applianceIp: "192.168.128.1" } } };
    for (const serial of serials) {
      live.devices![serial] = { serial, networkId, name: null, model: "MS225-48LP", productType: "switch", tags: [] };
      live.ports[serial] = Object.fromEntries(Array.from({ length: ports }, (_, i) => [String(i + 1), defaultPort(String(i + 1))]));
    }
  }
  return live;
}

export function planOf(resources: ResourceSpec[], live: LiveSnapshot, deletes: DeleteSpec[] = [], options: PlanOptions = {}): Plan {
  const { items, removals } = validate(resources, deletes);
  return makePlan(items, removals, live, options, new Date("2026-11-28T00:00:00Z"));
}

export const port = (serial: string, portId: string | number, props: Record<string, unknown>, name = `${serial}-port-${portId}`): ResourceSpec => ({
  kind: "switchPort",
  name,
  props: { serial, portId: String(portId), ...props },
});
