/**
 * Planning a subset of a plan's changes again against freshly read live state: right before a
 * batch is confirmed (optimistic concurrency: has anything the batch touches moved since the plan
 * was made?) and after the last batch (verification: is every applied field live?).
 */
import { DashboardClient } from "../dashboard/client";
import { LiveCache, readLive } from "../live/read";
import { fieldChanges } from "../plan/diff";
import { stableJson } from "../plan/digest";
import { Plan, Validated, ValidatedDelete, declaredOf, liveNeeds, validateAll } from "../plan/plan";
import { Change, FieldChange } from "../resources/common";
import { anticipateVlans } from "../resources/vlans-settings";
import { refTargets, resolveRefs } from "../plan/refs";

type Item = (Validated & { remove?: false }) | (ValidatedDelete & { remove: true });

/** The plan's desired resources and deletes by change key. */
export function indexSpecs(plan: Pick<Plan, "resources" | "deletes">): Map<string, Item> {
  const { items, removals } = validateAll(plan.resources, plan.deletes);
  const out = new Map<string, Item>();
  for (const i of items) out.set(i.key, { ...i, remove: false });
  for (const d of removals) out.set(d.key, { ...d, remove: true });
  return out;
}

export interface Replanned {
  key: string;
  change?: Change;
  issues: string[];
}

/** Reads the collections of `keys` once each (a fresh cache) and plans those resources again. */
export async function replanKeys(client: DashboardClient, organizationId: string, specs: Map<string, Item>, keys: string[], intent: "as-planned" | "ensure"): Promise<Map<string, Replanned>> {
  const items = keys.map((k) => specs.get(k)).filter((i): i is Item => i !== undefined);
  const all = [...specs.values()].filter((i) => !i.remove);
  // The plan already checked that networks and devices exist: only the collections compared are
  // read, and those of the resources whose ids these refer to (a port's access policy).
  const needs = liveNeeds([...items, ...refTargets(items, all)]);
  needs.networks = false;
  // Tags and device attributes are compared with the device list.
  needs.devices = items.some((i) => i.module.kind === "deviceTags" || i.module.kind === "device");
  const live = await readLive(client, organizationId, needs, new LiveCache());
  // As in makePlan: VLANs of a network being enabled are compared against what enabling leaves.
  const after = anticipateVlans(items, live);
  // Rules between resources see the whole plan (a route's next hop through an interface it creates).
  const declared = declaredOf(all);
  const resolved = resolveRefs(items, all, after, (i) => i.spec.name);
  const out = new Map<string, Replanned>();
  for (const i of items) {
    const ctx = {
      live: i.module.kind === "vlansSettings" ? live : after,
      declared,
      name: i.spec.name,
      intent: intent === "ensure" ? ("ensure" as const) : ((i.spec as { intent?: "ensure" | "create" }).intent ?? "ensure"),
    };
    const refIssues = resolved.issues.filter((x) => x.name === i.spec.name).map((x) => `${x.path}: ${x.message}`);
    if (refIssues.length) {
      out.set(i.key, { key: i.key, issues: refIssues });
      continue;
    }
    const r = i.remove ? i.module.planDelete(i.props, i.spec, ctx) : i.module.plan(resolved.props.get(i.key) ?? i.props, ctx);
    out.set(i.key, { key: i.key, change: r.change, issues: (r.issues ?? []).map((x) => `${x.path ? `${x.path}: ` : ""}${x.message}`) });
  }
  return out;
}

const show = (v: unknown) => (v === null || v === undefined ? "–" : typeof v === "string" ? v : JSON.stringify(v));

/** "vlan 1 → 7, name – → Printer" between the live view a plan was made from and the one now. */
export function describeMove(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string {
  if (before === null && after !== null) return "it exists now";
  if (before !== null && after === null) return "it is gone";
  const moved = fieldChanges(before ?? {}, after ?? {});
  return moved.map((f) => `${f.path} ${show(f.old)} → ${show(f.new)}`).join(", ");
}

/** Changes whose live state is not what the plan saw: key → what moved. */
export function staleChanges(planned: Change[], now: Map<string, Replanned>): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of planned) {
    const r = now.get(c.key);
    if (!r) continue;
    if (r.issues.length && !r.change) {
      out.set(c.key, r.issues.join("; "));
      continue;
    }
    const live = r.change?.live ?? null;
    if (stableJson(c.live ?? null) !== stableJson(live)) out.set(c.key, describeMove(c.live, live) || "its live state differs");
  }
  return out;
}

export interface Mismatch {
  path: string;
  sent: unknown;
  live: unknown;
}

/** For applied changes: the fields that are still not live as sent (empty: verified). */
export function mismatches(r: Replanned | undefined): Mismatch[] | undefined {
  if (!r) return undefined;
  if (!r.change) return r.issues.map((m) => ({ path: "", sent: null, live: m }));
  return r.change.fields.map((f: FieldChange) => ({ path: f.path, sent: f.new, live: f.old }));
}
