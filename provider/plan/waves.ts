/**
 * Waves (ARCHITECTURE §17): an action that needs an id the API assigns (a placeholder,
 * assigned.ts) goes in a later batch than the create that assigns it. Each action gets a wave:
 * one past the wave of every create whose id it uses, no earlier than the first action of each
 * change it depends on, nor than the change's own earlier actions. Each wave is compiled as a plan of its own (compile.ts:
 * dependent changes share a batch when they fit, as few batches as the limits allow); its batches
 * come after the earlier waves' and wait for the batches that hold what they need. A plan without
 * placeholders is one wave, compiled exactly as before. Pure and deterministic.
 */
import { Change } from "../resources/common";
import { assignedKeys } from "./assigned";
import { CompileOptions, PlannedBatch, compile } from "./compile";

/** Each active change's wave per action, and the wave of its create action. */
export function assignWaves(changes: Change[]): Map<string, { actions: number[]; create?: number }> {
  const active = changes.filter((c) => c.actions.length);
  const byKey = new Map(active.map((c) => [c.key, c]));
  const out = new Map<string, { actions: number[]; create?: number }>();
  const visiting = new Set<string>();
  const visit = (c: Change): { actions: number[]; create?: number } => {
    const done = out.get(c.key);
    if (done) return done;
    // A cycle cannot come from planning; an edited plan file that has one is caught by the contract.
    if (visiting.has(c.key)) return { actions: c.actions.map(() => 0) };
    visiting.add(c.key);
    // With (or after) the first action of each change it depends on: a route goes with the create of
    // the interface it needs, not after that interface's DHCP settings.
    let base = 0;
    for (const d of c.dependsOn) {
      const dep = byKey.get(d);
      if (dep) base = Math.max(base, visit(dep).actions[0]);
    }
    const actions: number[] = [];
    let create: number | undefined;
    c.actions.forEach((a, i) => {
      let w = Math.max(base, i ? actions[i - 1] : 0);
      for (const k of assignedKeys([a])) {
        const creator = byKey.get(k);
        // Its own create (an interface's DHCP) or another change's.
        const made = creator === c ? create : creator ? visit(creator).create : undefined;
        if (made !== undefined) w = Math.max(w, made + 1);
      }
      actions.push(w);
      if (create === undefined && a.operation === "create") create = w;
    });
    visiting.delete(c.key);
    const result = { actions, create };
    out.set(c.key, result);
    return result;
  };
  for (const c of active) visit(c);
  return out;
}

export function compileWaves(changes: Change[], phaseOf: (c: Change) => number, options: CompileOptions = {}): PlannedBatch[] {
  const waves = assignWaves(changes);
  const last = Math.max(0, ...[...waves.values()].flatMap((w) => w.actions));
  if (last === 0) return compile(changes, phaseOf, options);

  const batches: PlannedBatch[] = [];
  /** `${key}@${wave}` → the batch that holds that part of the change. */
  const holder = new Map<string, number>();
  const byKey = new Map(changes.map((c) => [c.key, c]));
  for (let wave = 0; wave <= last; wave++) {
    const parts: Change[] = [];
    for (const c of changes) {
      const w = waves.get(c.key);
      if (!w) continue;
      const actions = c.actions.filter((_, i) => w.actions[i] === wave);
      if (actions.length) parts.push({ ...c, actions, dependsOn: [...c.dependsOn] });
    }
    const offset = batches.length;
    for (const b of compile(parts, phaseOf, options)) {
      const index = b.index + offset;
      const after = new Set(b.after.map((i) => i + offset));
      for (const key of new Set(b.owners)) {
        holder.set(`${key}@${wave}`, index);
        const c = byKey.get(key)!;
        const earlier = (k: string) => {
          for (let w = 0; w < wave; w++) {
            const h = holder.get(`${k}@${w}`);
            if (h !== undefined) after.add(h);
          }
        };
        // Its own earlier actions, what it depends on, and the creates whose ids it uses.
        earlier(key);
        c.dependsOn.forEach(earlier);
        const mine = b.actions.filter((_, i) => b.owners[i] === key);
        for (const k of assignedKeys(mine)) {
          const made = waves.get(k)?.create;
          const h = made === undefined ? undefined : holder.get(`${k}@${made}`);
          if (h !== undefined) after.add(h);
        }
      }
      batches.push({ ...b, index, after: [...after].sort((x, y) => x - y) });
    }
  }
  return batches;
}

/** The keys of the creates whose ids a batch's actions use. */
export const idsNeeded = (batch: Pick<PlannedBatch, "actions">): string[] => assignedKeys(batch.actions);
