/**
 * Field-level differences between two normalised objects, with deep-diff. Arrays are reported
 * whole (a VLAN's reservedIpRanges changed, old → new), nested objects by path (ipv6.enabled).
 */
import { diff as deepDiff } from "deep-diff";
import { FieldChange } from "../resources/common";

function getIn(obj: unknown, path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

export function fieldChanges(live: Record<string, unknown>, desired: Record<string, unknown>): FieldChange[] {
  const differences = deepDiff(live, desired) ?? [];
  const seen = new Map<string, FieldChange>();
  for (const d of differences) {
    const raw = (d.path ?? []).map(String);
    // Stop at the first array: the whole array is the field that changed.
    const parts: string[] = [];
    let cur: unknown = desired;
    let curLive: unknown = live;
    for (const p of raw) {
      if (Array.isArray(cur) || Array.isArray(curLive)) break;
      parts.push(p);
      cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[p] : undefined;
      curLive = curLive && typeof curLive === "object" ? (curLive as Record<string, unknown>)[p] : undefined;
    }
    const path = parts.join(".");
    if (!seen.has(path)) seen.set(path, { path, old: getIn(live, parts) ?? null, new: getIn(desired, parts) ?? null });
  }
  return [...seen.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The top-level fields among the changes (what an update body must carry). */
export function changedTopLevel(changes: FieldChange[]): string[] {
  return [...new Set(changes.map((c) => c.path.split(".")[0]))];
}
