/**
 * Field-level differences between two normalised objects. Scalars are compared directly;
 * structured values go through deep-diff, arrays reported whole (a VLAN's reservedIpRanges
 * changed, old → new) and nested objects by path (ipv6.enabled).
 */
import { diff as deepDiff } from "deep-diff";
import { FieldChange } from "../resources/common";
import { isAssigned } from "./assigned";

/** Objects compared field by field; an id placeholder (assigned.ts) is one value. */
const structured = (v: unknown): v is object => typeof v === "object" && v !== null && !isAssigned(v);

function getIn(obj: unknown, path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** The paths at which two structured values differ, cut at the first array. */
function nestedChanges(key: string, live: object, desired: object, out: Map<string, FieldChange>): void {
  if (Array.isArray(live) || Array.isArray(desired)) {
    if (deepDiff(live, desired)) out.set(key, { path: key, old: live, new: desired });
    return;
  }
  for (const d of deepDiff(live, desired) ?? []) {
    const parts = [key];
    let a: unknown = live;
    let b: unknown = desired;
    for (const p of (d.path ?? []).map(String)) {
      if (Array.isArray(a) || Array.isArray(b)) break;
      parts.push(p);
      a = structured(a) ? (a as Record<string, unknown>)[p] : undefined;
      b = structured(b) ? (b as Record<string, unknown>)[p] : undefined;
    }
    const path = parts.join(".");
    if (!out.has(path)) out.set(path, { path, old: getIn(live, parts.slice(1)) ?? null, new: getIn(desired, parts.slice(1)) ?? null });
  }
}

export function fieldChanges(live: Record<string, unknown>, desired: Record<string, unknown>): FieldChange[] {
  const out = new Map<string, FieldChange>();
  for (const key of new Set([...Object.keys(live), ...Object.keys(desired)])) {
    const a = live[key] ?? null;
    const b = desired[key] ?? null;
    if (a === b) continue;
    if (structured(a) && structured(b)) nestedChanges(key, a, b, out);
    else out.set(key, { path: key, old: a, new: b });
  }
  // In path order, sorted in place (a plan diffs every port: sort() would allocate for each).
  const changes = [...out.values()];
  for (let i = 1; i < changes.length; i++) {
    const c = changes[i];
    let j = i - 1;
    while (j >= 0 && changes[j].path > c.path) {
      changes[j + 1] = changes[j];
      j--;
    }
    changes[j + 1] = c;
  }
  return changes;
}
