/**
 * Plan cost alone: validate, diff and compile N port changes against a live snapshot held in
 * memory (no I/O). Run in a fresh process per size so peak memory is that size's own.
 * Usage: node dist/bench/plan-cost.js N  → prints one JSON line.
 */
import { LiveSnapshot, ResourceSpec, makePlan, validate } from "../provider";

export interface PlanCost {
  ports: number;
  cpuMs: number;
  wallMs: number;
  peakRssMb: number;
  batches: number;
}

function world(ports: number): { live: LiveSnapshot; resources: ResourceSpec[] } {
  const switches = Math.ceil(ports / 48);
  const live: LiveSnapshot = { organizationId: "1", networks: null, devices: {}, vlans: {}, ports: {} };
  const resources: ResourceSpec[] = [];
  for (let s = 0; s < switches; s++) {
    const serial = `Q2XX-${String(s).padStart(4, "0")}-0000`;
    live.devices![serial] = { serial, networkId: "N_1", name: null, model: "MS225-48LP", productType: "switch", tags: [] };
    live.ports[serial] = {};
    for (let p = 1; p <= 48 && s * 48 + p <= ports; p++) {
      live.ports[serial][String(p)] = {
        portId: String(p), name: null, tags: [], enabled: true, poeEnabled: true, type: "access", vlan: 1, voiceVlan: null, allowedVlans: "1-1000",
        rstpEnabled: true, stpGuard: "disabled", linkNegotiation: "Auto negotiate", linkNegotiationCapabilities: ["Auto negotiate"], accessPolicyType: "Open",
      };
      resources.push({ kind: "switchPort", name: `p-${s}-${p}`, props: { serial, portId: String(p), name: `Desk ${p}`, vlan: 10, voiceVlan: 20, tags: ["desk"] } });
    }
  }
  return { live, resources };
}

export function measure(ports: number): PlanCost {
  const { live, resources } = world(ports);
  const cpu = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const { items, removals } = validate(resources);
  const plan = makePlan(items, removals, live);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const used = process.cpuUsage(cpu);
  return { ports, cpuMs: Math.round((used.user + used.system) / 1000), wallMs: Math.round(wallMs), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), batches: plan.batches.length };
}

if (require.main === module) {
  const n = Number(process.argv[2]);
  if (!Number.isInteger(n) || n <= 0) {
    process.stderr.write("usage: plan-cost.js PORTS\n");
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(measure(n)) + "\n");
}
