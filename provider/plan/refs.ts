/**
 * References between resources to ids the API assigns (assigned.ts): a port's accessPolicyNumber
 * that names a SwitchAccessPolicy of the same program. Resolved against the live network: the
 * policy's number when it exists, else a placeholder filled from the batch that creates it. The
 * plan keeps the reference in its desired resources, so a saved plan resolves it again when it
 * is checked and applied.
 */
import { ValidationIssue } from "../errors";
import { LiveSnapshot } from "../live/snapshot";
import { KindModule } from "../resources/kind";
import { assignedId, isRef } from "./assigned";

export interface RefItem {
  spec: { name: string };
  module: KindModule<any>;
  props: any;
  key: string;
}

export interface Resolved {
  /** Item key → its props with every reference replaced (only items that had references). */
  props: Map<string, any>;
  issues: ValidationIssue[];
}

/** Finds a reference's target among `all` (the first of that kind and name), through an index made on first use: a plan's every port may refer to a policy. */
function targetFinder<T extends RefItem>(all: T[]): (ref: { kind: string; $ref: string }) => T | undefined {
  let index: Map<string, T> | undefined;
  return (ref) => {
    if (!index) {
      index = new Map();
      for (const x of all) {
        const k = `${x.module.kind}\u0000${x.spec.name}`;
        if (!index.has(k)) index.set(k, x);
      }
    }
    return index.get(`${ref.kind}\u0000${ref.$ref}`);
  };
}

/** The resources `items` refer to, among `all`. */
export function refTargets<T extends RefItem>(items: RefItem[], all: T[]): T[] {
  const out = new Set<T>();
  const find = targetFinder(all);
  for (const i of items) {
    const props = (i.props ?? {}) as Record<string, unknown>;
    for (const field of Object.keys(props)) {
      const v = props[field];
      if (!isRef(v)) continue;
      const t = find(v);
      if (t) out.add(t);
    }
  }
  return [...out];
}

/** `items`' props with their references resolved against `live`; targets are looked up in `all`. */
export function resolveRefs(items: RefItem[], all: RefItem[], live: LiveSnapshot, label: (i: RefItem) => string): Resolved {
  const props = new Map<string, any>();
  const issues: ValidationIssue[] = [];
  const find = targetFinder(all);
  for (const item of items) {
    let copy: Record<string, unknown> | undefined;
    const own = (item.props ?? {}) as Record<string, unknown>;
    for (const field of Object.keys(own)) {
      const v = own[field];
      if (!isRef(v)) continue;
      const problem = (message: string) => issues.push({ resource: label(item), name: item.spec.name, path: field, message });
      const target = find(v);
      const as = target?.module.outputs?.[v.output];
      if (!target || !as) {
        problem(`refers to ${v.kind} '${v.$ref}', which the program does not declare`);
        continue;
      }
      // A port uses a policy of its own switch's network.
      const serial = item.props.serial;
      const networkOf = typeof serial === "string" ? (live.devices?.[serial]?.networkId ?? live.portSources?.[serial]?.networkId) : undefined;
      if (networkOf && target.props.networkId && networkOf !== target.props.networkId) {
        problem(`${target.module.label} '${v.$ref}' is on network ${target.props.networkId}; switch ${serial} is on network ${networkOf}`);
        continue;
      }
      const id = target.module.liveId?.(target.props, live);
      copy ??= { ...item.props } as Record<string, unknown>;
      copy![field] = id !== undefined ? (as === "number" ? Number(id) : id) : assignedId(target.key, as === "number" ? "number" : undefined);
    }
    if (copy) props.set(item.key, copy);
  }
  return { props, issues };
}
