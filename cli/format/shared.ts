/** Small pieces every plan rendering shares: counts, plurals, values, kinds, digests. */
import { Change, Plan } from "../../provider";
import { KINDS } from "../../provider/resources";
import { KindModule } from "../../provider/resources/kind";
import { naturalCompare } from "../../provider/plan/order";
import { assignedKeys, describeAssigned, isAssigned, readableResource } from "../../provider/plan/assigned";
import { isEnvSecret } from "../../provider/resources/secrets";

/** A change as plan output reads it: `notes` are side effects a reviewer must see. */
export type ShownChange = Change & { notes?: string[] };

export const SYMBOL: Record<Change["op"], string> = { create: "+", update: "~", delete: "-", noop: " " };
export const OPS = ["create", "update", "delete", "noop"] as const;
export const OP_WORDS: Record<Change["op"], string> = { create: "to create", update: "to update", delete: "to delete", noop: "unchanged" };

/** "1 action", "2 actions"; "1 batch", "3 batches". */
export function plural(n: number, one: string, many?: string): string {
  return `${n} ${n === 1 ? one : (many ?? (/(s|x|ch|sh)$/.test(one) ? `${one}es` : `${one}s`))}`;
}

/**
 * A list of at most `max` lines: the rest is counted ("… and 79 more resources"), with where the
 * full list is. Output stays proportional to what is worth reading, never to the plan's size squared.
 */
export function capped(lines: string[], max: number, more: (n: number) => string): string[] {
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max - 1), more(lines.length - max + 1)];
}

/** Kinds may grow: metadata when the kind is known, the kind's own name otherwise. */
const moduleOf = (kind: string): KindModule<any> | undefined => (KINDS as Record<string, KindModule<any> | undefined>)[kind];
export const kindLabel = (kind: string): string => moduleOf(kind)?.label ?? kind;
/** The change's phase (ARCHITECTURE §2); unknown kinds after every known one. */
export function phaseOf(c: Change): number {
  const m = moduleOf(c.kind);
  return m ? m.phase(c) : Number.MAX_SAFE_INTEGER;
}

/**
 * A field value as a reviewer reads it: "–" for nothing, JSON otherwise; an id the API has yet to
 * assign as what it will be ("{id of switchAccessPolicy/N/Desks}"), a secret by where it comes from.
 */
export function show(v: unknown): string {
  if (v === null || v === undefined) return "–";
  if (isAssigned(v)) return describeAssigned(v.$assigned);
  return JSON.stringify(v, (_k, x) => (isAssigned(x) ? describeAssigned(x.$assigned) : isEnvSecret(x) ? `(secret from $${x.$env})` : x));
}

/**
 * What a batch waits for, as the plan shows it: "after batch #1 (ids it assigns)" for the batches
 * whose creates give ids its actions use, "waits for #2" for the others.
 */
export function batchWaits(batch: Plan["batches"][number], batches: Plan["batches"]): { ids: number[]; order: number[] } {
  const creators = new Set(assignedKeys(batch.actions));
  const ids = batch.after.filter((i) => {
    const b = batches.find((x) => x.index === i);
    return !!b && b.actions.some((a, j) => a.operation === "create" && creators.has(b.owners[j]));
  });
  return { ids, order: batch.after.filter((i) => !ids.includes(i)) };
}

export function describeWaits(batch: Plan["batches"][number], batches: Plan["batches"]): string {
  const { ids, order } = batchWaits(batch, batches);
  const parts: string[] = [];
  if (ids.length) parts.push(`after batch #${ids.map((i) => i + 1).join(", #")} (the ids ${ids.length === 1 ? "it assigns" : "they assign"})`);
  if (order.length) parts.push(`waits for #${order.map((i) => i + 1).join(", #")}`);
  return parts.join(", ");
}

/** A resource path as shown: an id the API has yet to assign reads "{id of …}". */
export const showResource = (resource: string): string => readableResource(resource);

/** `sha256:` and the first 16 hex digits: enough to tell plans apart at a glance. */
export function shortDigest(digest: string): string {
  const m = /^sha256:([0-9a-f]{16})[0-9a-f]*$/.exec(digest);
  return m ? `sha256:${m[1]}` : digest;
}

/** Whether the change removes its object (its fields then show what goes away). */
export const removes = (c: Change): boolean => c.op === "delete" && c.actions.some((a) => a.operation === "destroy");

export interface KindCounts {
  kind: string;
  label: string;
  counts: Record<Change["op"], number>;
}

/** Changes per kind and operation, kinds in phase order of their first change. */
export function countsByKind(changes: Change[]): KindCounts[] {
  const byKind = new Map<string, KindCounts & { phase: number }>();
  for (const c of changes) {
    let k = byKind.get(c.kind);
    if (!k) byKind.set(c.kind, (k = { kind: c.kind, label: kindLabel(c.kind), counts: { create: 0, update: 0, delete: 0, noop: 0 }, phase: Number.MAX_SAFE_INTEGER }));
    k.counts[c.op]++;
    k.phase = Math.min(k.phase, phaseOf(c));
  }
  return [...byKind.values()].sort((a, b) => a.phase - b.phase || naturalCompare(a.kind, b.kind)).map(({ phase: _p, ...k }) => k);
}

/** "Vlan 4 to create, 1 to update · SwitchPort 90 to update" (unchanged left out). */
export function describeKinds(changes: Change[], separator = " · "): string {
  return countsByKind(changes)
    .map((k) => ({ k, parts: (["create", "update", "delete"] as const).filter((op) => k.counts[op]).map((op) => `${k.counts[op]} ${OP_WORDS[op]}`) }))
    .filter(({ parts }) => parts.length)
    .map(({ k, parts }) => `${k.label} ${parts.join(", ")}`)
    .join(separator);
}

/** "99 actions in 1 batch" */
export const describeBatches = (plan: Pick<Plan, "summary">): string => `${plural(plan.summary.actions, "action")} in ${plural(plan.summary.batches, "batch")}`;

/** Creates, then updates, then deletes; in phase order; natural key order. */
export function displayOrder(changes: Change[]): Change[] {
  const rank: Record<Change["op"], number> = { create: 0, update: 1, delete: 2, noop: 3 };
  return [...changes].sort((a, b) => rank[a.op] - rank[b.op] || phaseOf(a) - phaseOf(b) || naturalCompare(a.key, b.key));
}

/** "4 VLAN creates, 2 VLAN updates, 90 port updates": a batch read from the API, by resource path. */
export function summariseActions(actions: Plan["batches"][number]["actions"]): string {
  const counts = new Map<string, number>();
  for (const a of actions) {
    const what = /\/switch\/ports\//.test(a.resource)
      ? "port"
      : /\/appliance\/vlans(\/\d+)?$/.test(a.resource)
        ? "VLAN"
        : /^\/devices\/[^/]+$/.test(a.resource)
          ? "device"
          : /\/switch\/accessPolicies/.test(a.resource)
            ? "access policy"
            : /\/switch\/linkAggregations/.test(a.resource)
              ? "link aggregation"
              : /\/routing\/interfaces\/[^/]+\/dhcp$/.test(a.resource)
                ? "interface DHCP"
                : /\/routing\/interfaces/.test(a.resource)
                  ? "layer 3 interface"
                  : /\/routing\/staticRoutes/.test(a.resource)
                    ? "static route"
                    : a.resource;
    const key = `${what} ${a.operation}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].map(([k, n]) => plural(n, k)).join(", ");
}

/** Each change's kind by its key, made once per plan (a plan's batches are summarised one by one). */
const kindMaps = new WeakMap<Change[], Map<string, Change["kind"]>>();
function kindsByKey(changes: Change[]): Map<string, Change["kind"]> {
  let map = kindMaps.get(changes);
  if (!map || map.size !== changes.length) kindMaps.set(changes, (map = new Map(changes.map((c) => [c.key, c.kind]))));
  return map;
}

/** "3 Vlan creates, 1 Vlan update, 96 SwitchPort updates": a planned batch, by the kind behind each action. */
export function summariseBatch(batch: Plan["batches"][number], changes: Change[]): string {
  const kindOf = kindsByKey(changes);
  const counts = new Map<string, number>();
  batch.actions.forEach((a, i) => {
    const kind = kindOf.get(batch.owners[i]);
    const key = `${kind ? kindLabel(kind) : "action"} ${a.operation}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  return [...counts.entries()].map(([k, n]) => plural(n, k)).join(", ");
}

/** "2-40, 45, 47-48" for port ids in natural order; ids that are not numbers stay as they are. */
export function compressIds(ids: string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    if (/^\d+$/.test(ids[i])) while (j + 1 < ids.length && /^\d+$/.test(ids[j + 1]) && Number(ids[j + 1]) === Number(ids[j]) + 1) j++;
    parts.push(j > i ? `${ids[i]}-${ids[j]}` : ids[i]);
    i = j + 1;
  }
  return parts.join(", ");
}
