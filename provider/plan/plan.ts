/**
 * Planning, pure: validate the desired resources (every problem reported at once), compare them
 * with a live snapshot, order dependent changes and compile the batches. No I/O here; the
 * snapshot comes from live/read.ts.
 */
import { z } from "zod";
import { closest, fieldsAt } from "./suggest";
import { parseCidr, cidrsOverlap } from "../../lib/ipv4";
import { DEFAULTS, SyncPreference } from "../defaults";
import { ValidationError, ValidationIssue } from "../errors";
import { LiveNeeds, LiveSnapshot, emptyNeeds } from "../live/snapshot";
import { Change, ChangeScope, DeleteSpec, Kind, ResourceSpec } from "../resources/common";
import { KINDS } from "../resources";
import { KindModule } from "../resources/kind";
import { usesVlan } from "../resources/switch-port";
import { expandDeletes, expandSwitchPorts, groupIssues } from "../resources/switch-ports";
import { anticipateVlans, disablingIssues } from "../resources/vlans-settings";
import { PlannedBatch } from "./compile";
import { linkCampus } from "./links";
import { resolveRefs } from "./refs";
import { compileWaves } from "./waves";
import { liveDigest, planDigest } from "./digest";
import type { OwnershipReport } from "./ownership";

/**
 * 2: the plan digest and the live digest (1 had only a live "fingerprint"). 3: a batch's actions
 * digested once, as its changes' (a plan saved by version 2 would fail its digest check and be
 * refused as edited: the version says what happened instead).
 */
export const PLAN_VERSION = 3;

export interface PlanOptions {
  maxActionsPerBatch?: number;
  synchronous?: SyncPreference;
}

export interface Plan {
  version: typeof PLAN_VERSION;
  createdAt: string;
  organizationId: string;
  /** The API the plan was made against (set by the engine). */
  baseUrl?: string;
  options: Required<PlanOptions>;
  /** The desired resources, validated, so the plan can be made again (re-plan on a stale plan). */
  resources: ResourceSpec[];
  deletes: DeleteSpec[];
  changes: Change[];
  batches: PlannedBatch[];
  /** Digest of the plan's own content (resources, options, changes, batches): what a reviewer signs off. */
  digest: string;
  /** Digest of the managed live fields of every resource the plan touches: whether the network moved. */
  liveDigest: string;
  summary: { create: number; update: number; delete: number; noop: number; actions: number; batches: number };
  /**
   * A plan of a whole program (the CLI): live objects in its scope it does not declare, warnings,
   * the scopes it owns. Presentational: what it deletes is in `deletes` and `changes`.
   */
  ownership?: OwnershipReport;
}

/** A resource spec whose props passed its kind's schema. */
export interface Validated {
  spec: ResourceSpec;
  module: KindModule<any>;
  props: any;
  key: string;
}

export interface ValidatedDelete {
  spec: DeleteSpec;
  module: KindModule<any>;
  props: any;
  key: string;
}

/** "SwitchPort 'desk-5' (port 5 of switch AAAA-BBBB-CCCC)" */
export function label(module: KindModule<any>, name: string, props?: any): string {
  let what = "";
  try {
    what = props ? ` (${module.describe(props)})` : "";
  } catch {
    // props too broken to describe
  }
  return `${module.label} '${name}'${what}`;
}

const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);
const quoteList = (values: readonly unknown[]) => {
  const q = values.map((v) => `'${String(v)}'`);
  return q.length > 1 ? `${q.slice(0, -1).join(", ")} or ${q[q.length - 1]}` : q[0];
};

/** zod's issues in the engine's words: "must be one of: 'a' or 'b'", "must be a string (got number)". */
export function issueMessage(i: z.core.$ZodIssue): string {
  switch (i.code) {
    case "unrecognized_keys":
      return `unknown field${i.keys.length > 1 ? "s" : ""} ${i.keys.map((k) => `'${k}'`).join(", ")}`;
    case "invalid_type": {
      // A schema's own message (e.g. "must be a VLAN id") wins over zod's generic one.
      if (!i.message.startsWith("Invalid input")) return i.message;
      const got = /received (\w+)/.exec(i.message)?.[1];
      if (got === "undefined") return "is required";
      return `must be ${article(String(i.expected))}${got ? ` (got ${got})` : ""}`;
    }
    case "invalid_value":
      return `must be one of: ${quoteList(i.values)}`;
    case "invalid_key":
      return `has an invalid key: ${i.issues.map((x) => x.message).join("; ")}`;
    default:
      return i.message;
  }
}

function zodIssues(resource: string, name: string, error: z.ZodError, schema?: z.ZodType): ValidationIssue[] {
  return error.issues.flatMap((i) => {
    const path = i.path.map(String).join(".");
    if (i.code !== "unrecognized_keys" || !schema) return [{ resource, name, path, message: issueMessage(i) }];
    // One issue per unknown field, with the field it is likely a typo of: the same typo on many
    // resources is then one problem a front end can group ("78 ports: unknown field 'voiceVlna' — did you mean 'voiceVlan'?").
    const known = fieldsAt(schema, i.path);
    return i.keys.map((k) => {
      const near = closest(k, known);
      return { resource, name, path, message: `unknown field '${k}'${near ? ` — did you mean '${near}'?` : ""}` };
    });
  });
}

function validateOne<T extends { kind: Kind; name: string; props: unknown }>(spec: T, issues: ValidationIssue[]): { module: KindModule<any>; props: any; key: string } | undefined {
  const module = KINDS[spec.kind];
  if (!module) {
    const kinds = Object.keys(KINDS);
    issues.push({ resource: `resource '${spec.name}'`, name: spec.name, path: "kind", message: `unknown kind '${String(spec.kind)}' (expected ${kinds.slice(0, -1).join(", ")} or ${kinds[kinds.length - 1]})` });
    return undefined;
  }
  const parsed = module.schema.safeParse(spec.props);
  if (!parsed.success) {
    const raw = spec.props as Record<string, unknown> | undefined;
    issues.push(...zodIssues(label(module, spec.name, raw && typeof raw === "object" ? rawDescribable(raw) : undefined), spec.name, parsed.error, module.schema));
    return undefined;
  }
  return { module, props: parsed.data, key: module.key(parsed.data) };
}

/** Enough of raw props to describe the resource in a message, when they are strings or numbers. */
function rawDescribable(raw: Record<string, unknown>): Record<string, unknown> | undefined {
  const ok = (v: unknown) => typeof v === "string" || typeof v === "number";
  const ids = ["networkId", "vlanId", "serial", "portId"].filter((k) => raw[k] !== undefined);
  return ids.every((k) => ok(raw[k])) && ids.length ? raw : undefined;
}

/** Validates every spec; throws one ValidationError listing every problem. */
export function validate(resources: ResourceSpec[], deletes: DeleteSpec[] = []): { items: Validated[]; removals: ValidatedDelete[] } {
  const { items, removals, issues } = validateAll(resources, deletes);
  if (issues.length) throw new ValidationError(issues);
  return { items, removals };
}

/** Validates every spec; returns the valid ones and the problems of the others. */
export function validateAll(declared: ResourceSpec[], declaredDeletes: DeleteSpec[] = []): { items: Validated[]; removals: ValidatedDelete[]; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  // Bulk declarations (SwitchPorts) become one spec per port: everything below is per port.
  const { resources, deletes } = expandBulk(declared, declaredDeletes, issues);
  const items: Validated[] = [];
  const seen = new Map<string, string>();
  for (const spec of resources) {
    const v = validateOne(spec, issues);
    if (!v) continue;
    const other = seen.get(v.key);
    if (other !== undefined) {
      issues.push({ resource: label(v.module, spec.name, v.props), name: spec.name, path: "", message: `declared twice (also by '${other}')` });
      continue;
    }
    seen.set(v.key, spec.name);
    items.push({ spec, ...v });
  }
  const removals: ValidatedDelete[] = [];
  for (const spec of deletes) {
    const v = validateOne(spec, issues);
    if (!v) continue;
    if (seen.has(v.key)) {
      issues.push({ resource: label(v.module, spec.name, v.props), name: spec.name, path: "", message: `is both declared and being deleted (by '${seen.get(v.key)}')` });
      continue;
    }
    removals.push({ spec, ...v });
  }
  return { items, removals, issues: groupIssues(issues) };
}

type PortSpec<T> = T & { kind: Kind };

/** SwitchPorts declarations expanded into SwitchPort specs; problems of a declaration itself go to `issues`. */
function expandBulk(resources: ResourceSpec[], deletes: DeleteSpec[], issues: ValidationIssue[]): { resources: PortSpec<ResourceSpec>[]; deletes: PortSpec<DeleteSpec>[] } {
  const out: PortSpec<ResourceSpec>[] = [];
  for (const r of resources) {
    if (r.kind !== "switchPorts") {
      out.push(r as PortSpec<ResourceSpec>);
      continue;
    }
    const e = expandSwitchPorts(r.name, r.props, r.intent);
    issues.push(...e.issues);
    out.push(...(e.specs as PortSpec<ResourceSpec>[]));
  }
  const outDeletes: PortSpec<DeleteSpec>[] = [];
  for (const d of deletes) {
    if (d.kind !== "switchPorts") outDeletes.push(d as PortSpec<DeleteSpec>);
    else outDeletes.push(...(expandDeletes(d.name, d.props, d.original as Record<string, Record<string, unknown> | null> | null | undefined) as PortSpec<DeleteSpec>[]));
  }
  return { resources: out, deletes: outDeletes };
}

export function liveNeeds(items: Array<Validated | ValidatedDelete>): LiveNeeds {
  const needs = emptyNeeds();
  for (const i of items) i.module.needs(i.props, needs);
  return needs;
}

/** Compares validated resources with the live snapshot and compiles the batches. Throws ValidationError for live-dependent problems. */
export function makePlan(items: Validated[], removals: ValidatedDelete[], live: LiveSnapshot, options: PlanOptions = {}, now = new Date()): Plan {
  return seal(draftPlan(items, removals, live, options, now));
}

/** makePlan without its digest, for a caller that adds to the plan before sealing it (the digest of 50,000 ports costs half a second). */
export function draftPlan(items: Validated[], removals: ValidatedDelete[], live: LiveSnapshot, options: PlanOptions = {}, now = new Date()): Omit<Plan, "digest"> {
  const issues: ValidationIssue[] = [];
  const changes: Change[] = [];
  // VLAN settings are planned against the network as it is; everything else against the network
  // as the plan leaves it (VLANs being enabled have VLAN 1 and nothing else).
  const after = anticipateVlans(items, live);
  const liveFor = (m: KindModule<any>) => (m.kind === "vlansSettings" ? live : after);
  const declared = declaredOf(items);
  // Ids the API assigns that resources refer to: known now, or filled from an earlier batch (refs.ts).
  const resolved = resolveRefs(items, items, after, (i) => label(i.module, i.spec.name, i.props));
  issues.push(...resolved.issues);
  for (const i of items) {
    const r = i.module.plan(resolved.props.get(i.key) ?? i.props, { live: liveFor(i.module), name: i.spec.name, intent: i.spec.intent ?? "ensure", declared });
    issues.push(...oneIssuePerField(r.issues, label(i.module, i.spec.name, i.props), i.spec.name));
    if (r.change) changes.push(withScope(r.change, i.props, live));
  }
  for (const d of removals) {
    const r = d.module.planDelete(d.props, d.spec, { live: liveFor(d.module), name: d.spec.name, intent: "ensure", declared });
    issues.push(...oneIssuePerField(r.issues, label(d.module, d.spec.name, d.props), d.spec.name));
    const change = r.change && d.spec.reason ? { ...r.change, notes: [...(r.change.notes ?? []), d.spec.reason] } : r.change;
    if (change) changes.push(withScope(change, d.props, live));
  }
  issues.push(...subnetOverlaps(items, removals, after));
  issues.push(...disablingIssues(items, changes, (i) => label(i.module as KindModule<any>, i.spec.name, i.props)));
  if (issues.length) throw new ValidationError(issues);

  linkDependencies(changes, items, removals, live);
  linkCampus(changes, new Map([...items, ...removals].map((i) => [i.key, i.props])));
  const opts: Required<PlanOptions> = {
    maxActionsPerBatch: options.maxActionsPerBatch ?? DEFAULTS.maxActionsPerBatch,
    synchronous: options.synchronous ?? DEFAULTS.synchronous,
  };
  const phaseOf = (c: Change) => KINDS[c.kind].phase(c);
  const batches = compileWaves(changes, phaseOf, opts);
  const ops: Record<Change["op"], number> = { create: 0, update: 0, delete: 0, noop: 0 };
  for (const c of changes) ops[c.op]++;
  const count = (op: Change["op"]) => ops[op];
  const plan: Omit<Plan, "digest"> = {
    version: PLAN_VERSION,
    createdAt: now.toISOString(),
    organizationId: live.organizationId,
    options: opts,
    resources: items.map((i) => ({ ...i.spec, props: i.props })),
    deletes: removals.map((d) => ({ ...d.spec, props: d.props })),
    changes,
    batches,
    liveDigest: liveDigest(changes),
    summary: {
      create: count("create"),
      update: count("update"),
      delete: count("delete"),
      noop: count("noop"),
      actions: batches.reduce((n, b) => n + b.actions.length, 0),
      batches: batches.length,
    },
  };
  return plan;
}

/** The plan's resources of a kind, for the rules between resources (PlanContext.declared). */
export function declaredOf(items: Array<{ spec: { name: string }; module: KindModule<any>; props: any }>): (kind: string) => Array<{ name: string; props: any }> {
  const byKind = new Map<string, Array<{ name: string; props: any }>>();
  for (const i of items) {
    const list = byKind.get(i.module.kind);
    if (list) list.push({ name: i.spec.name, props: i.props });
    else byKind.set(i.module.kind, [{ name: i.spec.name, props: i.props }]);
  }
  return (kind) => byKind.get(kind) ?? [];
}

/**
 * A field's first problem only: a field that cannot be set on this port at all need not also be
 * told which access policy it would need (one explanation per message).
 */
function oneIssuePerField(found: Array<{ path: string; message: string }> | undefined, resource: string, name: string): ValidationIssue[] {
  const seen = new Set<string>();
  const out: ValidationIssue[] = [];
  for (const issue of found ?? []) {
    if (seen.has(issue.path)) continue;
    seen.add(issue.path);
    out.push({ resource, name, ...issue });
  }
  return out;
}

/** The change with where its object lives, from the resource's identifying props (API names) and the live devices. */
function withScope(change: Change, props: Record<string, unknown>, live: LiveSnapshot): Change {
  const text = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  const serial = text(props.serial);
  // The switch's network from the device list, or from the port read that found the switch.
  const networkId = text(props.networkId) ?? (serial ? text(live.devices?.[serial]?.networkId ?? live.portSources?.[serial]?.networkId) : undefined);
  const portId = serial ? text(props.portId) : undefined;
  const scope: ChangeScope = {};
  if (networkId) scope.networkId = networkId;
  if (serial) scope.serial = serial;
  if (portId) scope.portId = portId;
  return Object.keys(scope).length ? { ...change, scope } : change;
}

/** The plan with its digest computed over its current content. */
export function seal(plan: Omit<Plan, "digest"> & { digest?: string }): Plan {
  const { digest: _old, ...content } = plan;
  return { ...content, digest: planDigest(content) } as Plan;
}

/**
 * A network's VLAN subnets must not overlap once the plan applies: desired VLANs against each
 * other and against the live VLANs the plan leaves alone.
 */
function subnetOverlaps(items: Validated[], removals: ValidatedDelete[], live: LiveSnapshot): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const vlans = items.filter((i) => i.module.kind === "vlan");
  const removed = new Set(removals.filter((d) => d.module.kind === "vlan").map((d) => d.key));
  const byNetwork = new Map<string, Validated[]>();
  for (const v of vlans) {
    const list = byNetwork.get(v.props.networkId);
    if (list) list.push(v);
    else byNetwork.set(v.props.networkId, [v]);
  }
  for (const [networkId, desired] of byNetwork) {
    const coll = live.vlans[networkId];
    const managedIds = new Set(desired.map((d) => Number(d.props.vlanId)));
    const others = coll?.state === "ok"
      ? Object.values(coll.vlans).filter((l) => !managedIds.has(Number(l.id)) && !removed.has(`vlan/${networkId}/${Number(l.id)}`))
      : [];
    desired.forEach((d, i) => {
      // A template VLAN's subnet is picked from its cidr by the API: only the API can tell.
      const mine = typeof d.props.subnet === "string" ? parseCidr(d.props.subnet) : null;
      if (!mine) return;
      const clash =
        desired.slice(0, i).find((e) => { const c = typeof e.props.subnet === "string" ? parseCidr(e.props.subnet) : null; return c && cidrsOverlap(mine, c); })?.props ??
        others.find((o) => { const c = typeof o.subnet === "string" ? parseCidr(o.subnet) : null; return c && cidrsOverlap(mine, c); });
      if (clash) {
        issues.push({
          resource: label(d.module, d.spec.name, d.props),
          name: d.spec.name,
          path: "subnet",
          message: `${d.props.subnet} overlaps VLAN ${String((clash as { vlanId?: unknown; id?: unknown }).vlanId ?? (clash as { id?: unknown }).id)} (${String((clash as { subnet: unknown }).subnet)}) on network ${networkId}`,
        });
      }
    });
  }
  return issues;
}

/**
 * Dependencies between changes: a port that will use a VLAN created in this plan (on the
 * switch's network) waits for that create; a VLAN destroy waits for the ports that move off it;
 * every VLAN change of a network waits for VLANs being enabled there, and disabling them waits
 * for every VLAN change of the network.
 */
function linkDependencies(changes: Change[], items: Validated[], removals: ValidatedDelete[], live: LiveSnapshot): void {
  const propsOf = new Map<string, any>([...items, ...removals].map((i) => [i.key, i.props]));
  const vlanChanges = changes.filter((c) => c.kind === "vlan" && c.actions.length);
  for (const s of changes.filter((c) => c.kind === "vlansSettings" && c.actions.length)) {
    const networkId = propsOf.get(s.key).networkId;
    const enabling = (s.actions[0].body as { vlansEnabled?: boolean }).vlansEnabled === true;
    for (const v of vlanChanges.filter((c) => propsOf.get(c.key).networkId === networkId)) {
      if (enabling) v.dependsOn.push(s.key);
      else s.dependsOn.push(v.key);
    }
  }
  const created = changes.filter((c) => c.kind === "vlan" && c.op === "create");
  const destroyed = changes.filter((c) => c.kind === "vlan" && c.op === "delete");
  if (!created.length && !destroyed.length) return;
  const byKey = new Map(changes.map((c) => [c.key, c]));
  for (const port of changes.filter((c) => c.kind === "switchPort" && c.actions.length)) {
    const props = propsOf.get(port.key);
    // The switch's network from the device list, or from the port read that found the switch.
    const networkId = live.devices?.[props.serial]?.networkId ?? live.portSources?.[props.serial]?.networkId;
    if (!networkId) continue;
    const after = (port.actions[0].body ?? {}) as Record<string, unknown>;
    for (const v of created) {
      const vp = propsOf.get(v.key);
      if (vp.networkId === networkId && usesVlan(after, Number(vp.vlanId))) port.dependsOn.push(v.key);
    }
    for (const v of destroyed) {
      const vp = propsOf.get(v.key);
      const id = Number(vp.vlanId);
      if (vp.networkId === networkId && usesVlan(port.live ?? {}, id) && !usesVlan(after, id)) byKey.get(v.key)!.dependsOn.push(port.key);
    }
  }
}
