/**
 * Compiles changes into action batches (ARCHITECTURE §2–3): actions ordered by phase
 * (VLAN creates, VLAN updates, device updates, port updates, VLAN destroys), changes that
 * depend on each other kept in one batch when they fit, as few batches as the limits allow
 * (first-fit decreasing), synchronous when small enough. Pure and deterministic.
 */
import { Action } from "../dashboard/batches";
import { DEFAULTS, SyncPreference } from "../defaults";
import { Change } from "../resources/common";
import { naturalComparator } from "./order";

export interface PlannedBatch {
  index: number;
  actions: Action[];
  /** The change key behind each action (same length as actions). */
  owners: string[];
  synchronous: boolean;
  /** Indexes of batches that must complete first. */
  after: number[];
  /** Set by `plan --stage`: the id of the unconfirmed batch already created for it. */
  stagedId?: string;
}

export interface CompileOptions {
  maxActionsPerBatch?: number;
  synchronous?: SyncPreference;
}

interface Unit {
  changes: Change[];
  size: number;
  /** Index of the unit this one must follow (a split component's previous chunk). */
  follows?: number;
}

export function compile(changes: Change[], phaseOf: (c: Change) => number, options: CompileOptions = {}): PlannedBatch[] {
  const sync = options.synchronous ?? DEFAULTS.synchronous;
  let max = Math.min(options.maxActionsPerBatch ?? DEFAULTS.maxActionsPerBatch, DEFAULTS.maxActionsPerBatch);
  if (sync === "always") max = Math.min(max, DEFAULTS.maxSyncActions);
  // Rank every change once (phase, then natural key order); all later ordering compares ranks.
  const byKey = naturalComparator();
  const phases = new Map(changes.map((c) => [c, phaseOf(c)]));
  const active = changes.filter((c) => c.actions.length > 0).sort((a, b) => phases.get(a)! - phases.get(b)! || byKey(a.key, b.key));
  const rank = new Map(active.map((c, i) => [c, i]));
  const order = (a: Change, b: Change) => rank.get(a)! - rank.get(b)!;

  // Connected components of the dependency graph (union-find).
  const parent = new Map<string, string>(active.map((c) => [c.key, c.key]));
  const find = (k: string): string => {
    const p = parent.get(k)!;
    if (p === k) return k;
    const root = find(p);
    parent.set(k, root);
    return root;
  };
  for (const c of active) for (const d of c.dependsOn) if (parent.has(d)) parent.set(find(c.key), find(d));
  const components = new Map<string, Change[]>();
  for (const c of active) {
    const root = find(c.key);
    if (!components.has(root)) components.set(root, []);
    components.get(root)!.push(c);
  }

  // A component that does not fit is split in phase order; each chunk follows the previous one.
  const units: Unit[] = [];
  for (const members of components.values()) {
    let current: Unit | undefined;
    for (const c of members) {
      if (c.actions.length > max) throw new Error(`${c.description} needs ${c.actions.length} actions, more than a batch holds`);
      if (!current || current.size + c.actions.length > max) {
        const follows: number | undefined = current ? units.indexOf(current) : undefined;
        current = { changes: [], size: 0, follows };
        units.push(current);
      }
      current.changes.push(c);
      current.size += c.actions.length;
    }
  }

  // First-fit decreasing; a chunk never shares a batch with the chunk it follows (it would be ordered wrongly).
  const unitOrder = units.map((u, i) => i).sort((a, b) => units[b].size - units[a].size || order(units[a].changes[0], units[b].changes[0]));
  const bins: { units: number[]; size: number }[] = [];
  const binOf = new Map<number, number>();
  // Bins before this one are full: none is looked at again (50,000 one-action changes, 500 bins).
  let open = 0;
  for (const i of unitOrder) {
    const u = units[i];
    while (open < bins.length && bins[open].size >= max) open++;
    let placed = -1;
    for (let b = open; b < bins.length && placed < 0; b++) {
      if (bins[b].size + u.size <= max && (u.follows === undefined || !bins[b].units.includes(u.follows))) placed = b;
    }
    if (placed < 0) {
      bins.push({ units: [], size: 0 });
      placed = bins.length - 1;
    }
    bins[placed].units.push(i);
    bins[placed].size += u.size;
    binOf.set(i, placed);
  }

  // Batches in a readable order: by their first action.
  const contents = bins.map((b, bin) => ({ bin, changes: b.units.flatMap((i) => units[i].changes).sort(order) }));
  contents.sort((a, b) => order(a.changes[0], b.changes[0]));
  const indexOfBin = new Map(contents.map((c, i) => [c.bin, i]));
  return contents.map((c, index) => {
    const after = new Set<number>();
    for (const i of bins[c.bin].units) {
      const f = units[i].follows;
      if (f !== undefined && binOf.get(f) !== c.bin) after.add(indexOfBin.get(binOf.get(f)!)!);
    }
    const actions = c.changes.flatMap((ch) => ch.actions);
    return {
      index,
      actions,
      owners: c.changes.flatMap((ch) => ch.actions.map(() => ch.key)),
      synchronous: sync !== "never" && actions.length <= DEFAULTS.maxSyncActions,
      after: [...after].sort((a, b) => a - b),
    };
  });
}
