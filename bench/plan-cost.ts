/**
 * Plan cost alone: validate, diff, compile and digest N port changes against a live snapshot held
 * in memory (no I/O). Run in a fresh process per size so peak memory is that size's own.
 * Usage: node dist/bench/plan-cost.js N  → prints one JSON line.
 */
import { LiveSnapshot, ResourceSpec, makePlan, validate } from "../provider";
import { BY_SWITCH_PORT_FIELDS } from "../provider/live/snapshot";

export interface PlanCost {
  ports: number;
  /** Process CPU time (user + system, every thread: V8's GC and compiler too) of validate, diff, compile and digest. */
  cpuMs: number;
  /** Of which validation (zod). */
  validateCpuMs: number;
  wallMs: number;
  /** The whole process's CPU time at the end: start-up, the in-memory live state, the plan. */
  processCpuMs: number;
  /** Peak resident set size of the process (maxRSS). */
  peakRssMb: number;
  /** Resident set size and V8 heap in use right after planning, with the plan still held. */
  rssMb: number;
  heapUsedMb: number;
  batches: number;
}

export function world(ports: number): { live: LiveSnapshot; resources: ResourceSpec[] } {
  const switches = Math.ceil(ports / 48);
  // As read through bySwitch (the desired fields are all in its subset): the common path.
  const live: LiveSnapshot = { organizationId: "1", networks: null, devices: {}, vlans: {}, ports: {}, portSources: {} };
  const resources: ResourceSpec[] = [];
  for (let s = 0; s < switches; s++) {
    const serial = `Q2XX-${String(s).padStart(4, "0")}-0000`;
    live.devices![serial] = { serial, networkId: "N_1", name: null, model: "MS225-48LP", productType: "switch", tags: [] };
    live.ports[serial] = {};
    live.portSources![serial] = { endpoint: "bySwitch", fields: BY_SWITCH_PORT_FIELDS, networkId: "N_1" };
    for (let p = 1; p <= 48 && s * 48 + p <= ports; p++) {
      live.ports[serial][String(p)] = {
        portId: String(p), name: null, tags: [], enabled: true, poeEnabled: true, type: "access", vlan: 1, voiceVlan: null, allowedVlans: "1-1000",
        rstpEnabled: true, stpGuard: "disabled", linkNegotiation: "Auto negotiate", accessPolicyType: "Open",
      };
      resources.push({ kind: "switchPort", name: `p-${s}-${p}`, props: { serial, portId: String(p), name: `Desk ${p}`, vlan: 10, voiceVlan: 20, tags: ["desk"] } });
    }
  }
  return { live, resources };
}

const ms = (u: NodeJS.CpuUsage) => Math.round((u.user + u.system) / 1000);
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

export function measure(ports: number): PlanCost {
  const { live, resources } = world(ports);
  const cpu = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const { items, removals } = validate(resources);
  const validated = process.cpuUsage(cpu);
  const plan = makePlan(items, removals, live);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const used = process.cpuUsage(cpu);
  const memory = process.memoryUsage();
  return {
    ports,
    cpuMs: ms(used),
    validateCpuMs: ms(validated),
    wallMs: Math.round(wallMs),
    processCpuMs: ms(process.cpuUsage()),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    rssMb: mb(memory.rss),
    heapUsedMb: mb(memory.heapUsed),
    batches: plan.batches.length,
  };
}

if (require.main === module) {
  const n = Number(process.argv[2]);
  if (!Number.isInteger(n) || n <= 0) {
    process.stderr.write("usage: plan-cost.js PORTS\n");
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(measure(n)) + "\n");
}
