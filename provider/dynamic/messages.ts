/**
 * The one-line diagnostics the provider shows on a resource (engine-log.ts), pure: how its live
 * fields differ from the program, which batch it went in, and how --parallel split a deployment.
 */
import type { ResourceResult } from "../apply/execute";
import type { Change } from "../resources/common";
import { portsText } from "../resources/switch-ports";
import { portOfName } from "./resources";

const MAX_LINE = 600;

/** A value as the plan shows it: JSON, "–" for nothing. */
function show(v: unknown): string {
  return v === null || v === undefined ? "–" : JSON.stringify(v);
}

/** "live vlan 20, program 10" */
function fieldText(path: string, live: unknown, program: unknown): string {
  return `live ${path} ${show(live)}, program ${show(program)}`;
}

function cap(line: string): string {
  return line.length <= MAX_LINE ? line : `${line.slice(0, MAX_LINE - 1)}…`;
}

/**
 * How a resource's live objects differ from the program: "live vlan 20, program 10" for one
 * object; for the ports of a SwitchPorts resource, by ports ("ports 2-40: live vlan 1, program 10;
 * port 7: live vlan 30, program 10"), a value that differs per port given by example. Undefined
 * when nothing differs.
 */
export function driftLine(changes: Change[]): string | undefined {
  const differing = changes.filter((c) => c.op !== "noop" && c.fields.length);
  if (!differing.length) return undefined;
  if (differing.length === 1 && portOfName(differing[0].name) === undefined) {
    return cap(differing[0].fields.map((f) => fieldText(f.path, f.old, f.new)).join("; "));
  }
  // Per field, the ports grouped by (live, program); then the descriptions grouped by their ports.
  const byField = new Map<string, Array<{ port: string; old: unknown; new: unknown }>>();
  for (const c of differing) {
    const port = portOfName(c.name) ?? c.description;
    for (const f of c.fields) byField.set(f.path, [...(byField.get(f.path) ?? []), { port, old: f.old, new: f.new }]);
  }
  const byPorts = new Map<string, string[]>();
  const add = (ports: string[], text: string) => {
    const k = portsText(ports);
    byPorts.set(k, [...(byPorts.get(k) ?? []), text]);
  };
  for (const [field, entries] of byField) {
    const groups = new Map<string, typeof entries>();
    for (const e of entries) groups.set(JSON.stringify([e.old, e.new]), [...(groups.get(JSON.stringify([e.old, e.new])) ?? []), e]);
    if (groups.size <= 3) {
      for (const g of groups.values()) add(g.map((e) => e.port), fieldText(field, g[0].old, g[0].new));
      continue;
    }
    // A value of its own on each port (names): one example.
    const first = entries[0];
    const live = entries.every((e) => JSON.stringify(e.old) === JSON.stringify(first.old)) ? show(first.old) : "per port";
    add(entries.map((e) => e.port), `live ${field} ${live}, program per port (port ${first.port}: ${show(first.new)})`);
  }
  return cap([...byPorts].map(([ports, texts]) => `${ports}: ${texts.join("; ")}`).join(" · "));
}

/**
 * Which batch of the deployment each object went in: "batch 1234 (2 of 3)"; for the ports of a
 * SwitchPorts resource in several batches, per ports. `offset` is the number of batches the
 * deployment sent before this flush, `total` how many it sent in all. Undefined when none of them
 * went in a batch.
 */
export function batchLine(results: ResourceResult[], offset: number, total: number): string | undefined {
  const inBatch = results.filter((r) => (r.outcome.status === "applied" || r.outcome.status === "mismatch") && (r.outcome as { batchId?: string }).batchId);
  if (!inBatch.length) return undefined;
  const where = (r: ResourceResult) => {
    const o = r.outcome as { batch: number; batchId: string };
    return `batch ${o.batchId} (${offset + o.batch + 1} of ${total})`;
  };
  const groups = new Map<string, string[]>();
  for (const r of inBatch) groups.set(where(r), [...(groups.get(where(r)) ?? []), portOfName(r.name) ?? ""]);
  if (groups.size === 1 && (inBatch.length === 1 || inBatch.length === results.length)) return [...groups.keys()][0];
  return cap([...groups].map(([w, ports]) => (ports.every(Boolean) ? `${portsText(ports)}: ${w}` : w)).join("; "));
}

/** A flush, as the parallelism warning counts it. */
export interface FlushStats {
  calls: number;
  actions: number;
  batches: number;
}

/**
 * Whether the engine's parallelism split the deployment into more batches than the API's limits
 * require, and the warning that says so. A flush that had as many calls as any flush had (the
 * engine's workers were all waiting) continues into the next one: those belong to one wave of
 * independent resources, which one flush would have taken in ⌈actions ÷ batch size⌉ batches.
 * Flushes apart from that (a wave that waited for another's outputs) are counted as they were.
 */
export function parallelismWarning(flushes: FlushStats[], maxActionsPerBatch: number): string | undefined {
  const used = flushes.reduce((n, f) => n + f.batches, 0);
  const actions = flushes.reduce((n, f) => n + f.actions, 0);
  const most = Math.max(0, ...flushes.map((f) => f.calls));
  if (flushes.length < 2 || most < 2) return undefined;
  let needed = 0;
  let wave = 0;
  flushes.forEach((f, i) => {
    wave += f.actions;
    const continues = f.calls === most && i < flushes.length - 1;
    if (!continues) {
      needed += Math.ceil(wave / maxActionsPerBatch);
      wave = 0;
    }
  });
  if (used <= needed) return undefined;
  return (
    `--parallel split this deployment: its ${actions} actions went in ${used} batches, where ${needed} would do. ` +
    `The engine hands the provider at most --parallel resources at a time (${most} here): raise --parallel (or PULUMI_PARALLEL), ` +
    `or declare a switch's ports as one SwitchPorts resource. (A resource that takes another's outputs waits for it in any case.)`
  );
}
