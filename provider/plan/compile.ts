/**
 * Compiles changes into action batches (ARCHITECTURE §2–3): actions ordered by phase
 * (VLAN creates, VLAN updates, device updates, port updates, VLAN destroys), changes that
 * depend on each other kept in one batch when they fit, as few batches as the limits allow
 * (first-fit decreasing), synchronous when small enough. Batches are numbered in execution
 * order: a batch only waits for batches with smaller numbers. Pure and deterministic.
 */
import { Action } from "../dashboard/batches";
import { DEFAULTS, SyncPreference } from "../defaults";
import { ValidationError } from "../errors";
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
  const ranked = changes.filter((c) => c.actions.length > 0).map((c) => ({ c, phase: phaseOf(c) }));
  ranked.sort((a, b) => a.phase - b.phase || byKey(a.c.key, b.c.key));
  const active = ranked.map((r) => r.c);
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

  // A change's actions go in one batch (a VLAN create and the update that follows it): a limit below
  // that is bad input, named per resource.
  const tooBig = active.filter((c) => c.actions.length > max);
  if (tooBig.length) {
    const limit = sync === "always" && max === DEFAULTS.maxSyncActions ? `a synchronous batch holds at most ${max} (--sync always)` : `a batch holds at most ${max} (--max-batch-size, maxActionsPerBatch)`;
    throw new ValidationError(
      tooBig.map((c) => ({ resource: c.description, name: c.name, path: "", message: `needs ${c.actions.length} actions in one batch; ${limit}: raise it to at least ${c.actions.length}` })),
    );
  }

  // A component that does not fit is split in phase order; each chunk follows the previous one.
  const units: Unit[] = [];
  for (const members of components.values()) {
    let current: Unit | undefined;
    for (const c of members) {
      if (!current || current.size + c.actions.length > max) {
        const follows: number | undefined = current ? units.indexOf(current) : undefined;
        current = { changes: [], size: 0, follows };
        units.push(current);
      }
      current.changes.push(c);
      current.size += c.actions.length;
    }
  }

  const firstRank = units.map((u) => rank.get(u.changes[0])!);
  const unitOrder = units.map((u, i) => i).sort((a, b) => units[b].size - units[a].size || firstRank[a] - firstRank[b]);
  const bins = pack(units, unitOrder, max, false) ?? pack(units, unitOrder, max, true)!;

  // Execution order: a topological order of the bins, the one whose first action comes first
  // whenever several are ready, so that independent batches read in phase order.
  const contents = bins.map((b) => b.units.flatMap((i) => units[i].changes).sort(order));
  const sequence = topological(bins.map((b) => b.after), (a, b) => order(contents[a][0], contents[b][0]))!;
  const indexOfBin = new Map(sequence.map((b, i) => [b, i]));
  return sequence.map((bin, index) => {
    const actions = contents[bin].flatMap((ch) => ch.actions);
    const owners: string[] = [];
    for (const ch of contents[bin]) for (let i = 0; i < ch.actions.length; i++) owners.push(ch.key);
    return {
      index,
      actions,
      owners,
      synchronous: sync !== "never" && actions.length <= DEFAULTS.maxSyncActions,
      after: [...bins[bin].after].map((b) => indexOfBin.get(b)!).sort((a, b) => a - b),
    };
  });
}

interface Bin {
  units: number[];
  size: number;
  /** Bins that must complete first. */
  after: Set<number>;
}

/**
 * First-fit decreasing; a chunk never shares a batch with the chunk it follows. Chunks of one
 * split component can still end up in batches that wait for each other both ways (a chunk beside
 * the one two steps before it): then, and only then, pack again `strict`ly, each chunk in a later
 * batch than the chunk it follows. Returns undefined when the batches are not a DAG.
 */
function pack(units: Unit[], unitOrder: number[], max: number, strict: boolean): Bin[] | undefined {
  const bins: Bin[] = [];
  const binOf = new Map<number, number>();
  // Bins before `open` are full: none is looked at again (50,000 one-action changes, 500 bins).
  let open = 0;
  const place = (i: number) => {
    const u = units[i];
    while (open < bins.length && bins[open].size >= max) open++;
    const floor = strict && u.follows !== undefined ? binOf.get(u.follows)! + 1 : 0;
    let placed = -1;
    for (let b = Math.max(open, floor); b < bins.length && placed < 0; b++) {
      if (bins[b].size + u.size <= max && (u.follows === undefined || !bins[b].units.includes(u.follows))) placed = b;
    }
    if (placed < 0) {
      bins.push({ units: [], size: 0, after: new Set() });
      placed = bins.length - 1;
    }
    bins[placed].units.push(i);
    bins[placed].size += u.size;
    binOf.set(i, placed);
  };
  if (!strict) unitOrder.forEach(place);
  else {
    // A chunk waits until the chunk it follows has its batch, then goes right after it.
    const followers = new Map<number, number>();
    units.forEach((u, i) => u.follows !== undefined && followers.set(u.follows, i));
    const deferred = new Set<number>();
    const chain = (i: number) => {
      place(i);
      const next = followers.get(i);
      if (next !== undefined && deferred.delete(next)) chain(next);
    };
    for (const i of unitOrder) {
      const f = units[i].follows;
      if (f !== undefined && !binOf.has(f)) deferred.add(i);
      else chain(i);
    }
  }
  units.forEach((u, i) => {
    if (u.follows !== undefined && binOf.get(u.follows) !== binOf.get(i)) bins[binOf.get(i)!].after.add(binOf.get(u.follows)!);
  });
  return topological(bins.map((b) => b.after), () => 0) ? bins : undefined;
}

/** A topological order of nodes given what each waits for, the `first` of the ready ones each time; undefined on a cycle. */
function topological(waitsFor: Set<number>[], first: (a: number, b: number) => number): number[] | undefined {
  const waiters = waitsFor.map(() => [] as number[]);
  waitsFor.forEach((deps, n) => deps.forEach((d) => waiters[d].push(n)));
  const pending = waitsFor.map((d) => d.size);
  const ready = pending.flatMap((p, n) => (p === 0 ? [n] : []));
  const sequence: number[] = [];
  while (ready.length) {
    ready.sort(first);
    const n = ready.shift()!;
    sequence.push(n);
    for (const w of waiters[n]) if (--pending[w] === 0) ready.push(w);
  }
  return sequence.length === waitsFor.length ? sequence : undefined;
}
