/**
 * Shared pieces of the resource kinds: zod building blocks with Meraki's constraints, the
 * normalisation used for comparison, and the types every kind works with.
 */
import { z } from "zod";
import { isHostOf, parseCidr, parseIPv4 } from "../../lib/ipv4";
import { parseVlanList } from "../../lib/vlan-list";
import { Action } from "../dashboard/batches";
import { isAssigned } from "../plan/assigned";

export type Kind =
  | "vlan"
  | "deviceTags"
  | "switchPort"
  | "vlansSettings"
  | "device"
  | "switchAccessPolicy"
  | "linkAggregation"
  | "switchRoutingInterface"
  | "switchStaticRoute";

/** What a front end may declare: a kind, or a bulk declaration that planning expands into ports (SwitchPorts). */
export type DeclaredKind = Kind | "switchPorts";

/** What a front end declares: one resource of a kind, with its raw (unvalidated) properties. */
export interface ResourceSpec {
  kind: DeclaredKind;
  /** Logical name (a Pulumi resource name or URN), used in messages and results. */
  name: string;
  props: unknown;
  /**
   * "ensure" (default): make the live resource match, creating it if missing.
   * "create": the resource is new to its owner (a Pulumi create); a VLAN that already exists is
   * refused with the API's own "Vlan has already been taken" unless `adopt` is set.
   */
  intent?: "ensure" | "create";
}

export type OnDelete = "restore" | "reset" | "retain";

/** A resource that is going away (a Pulumi delete). */
export interface DeleteSpec {
  kind: DeclaredKind;
  name: string;
  /** Its last known properties. */
  props: unknown;
  /** Switch ports, device tags, devices and VLAN settings: what "deleting" them means (default restore; VLAN settings: retain). */
  onDelete?: OnDelete;
  /** The managed fields as they were when the resource first took the object over. */
  original?: Record<string, unknown> | null;
  /** Why it goes, when not because a Pulumi program dropped it (a scope the program owns): shown with the change. */
  reason?: string;
}

export interface FieldChange {
  path: string;
  old: unknown;
  new: unknown;
}

export type Op = "create" | "update" | "delete" | "noop";

/** Where a change's object lives, for grouping plans (organization → network → device → port). */
export interface ChangeScope {
  networkId?: string;
  serial?: string;
  portId?: string;
}

/** One resource's change, with the actions that carry it out. */
export interface Change {
  key: string;
  kind: Kind;
  name: string;
  /** e.g. "VLAN 99 on network L_000000000000000" */
  description: string;
  /** Set by makePlan from the resource and the live devices; plan output groups by it. */
  scope?: ChangeScope;
  op: Op;
  fields: FieldChange[];
  /** The managed fields as they are live now (null when the object does not exist). */
  live: Record<string, unknown> | null;
  actions: Action[];
  /** Keys of changes whose actions must run first (same batch or an earlier one). */
  dependsOn: string[];
  /** Side effects a reviewer must read, shown under the change (e.g. what enabling VLANs does to the MX's ports). */
  notes?: string[];
  /**
   * The id the API gave the object, when it exists now (an access policy's number, a link
   * aggregation's, layer 3 interface's or static route's id). A create's id comes from its batch.
   */
  id?: string;
}

// ---- zod building blocks -------------------------------------------------------------------

export const ipv4 = z.string().refine((s) => parseIPv4(s) !== null, { message: "must be an IPv4 address such as 192.168.1.1" });

export const cidr = z.string().superRefine((s, ctx) => {
  const c = parseCidr(s);
  if (!c) ctx.addIssue({ code: "custom", message: "must be a subnet in CIDR notation such as 192.168.1.0/24" });
  else if (!c.aligned) ctx.addIssue({ code: "custom", message: `${s} is not a network address (the host bits must be zero)` });
});

export const mac = z.string().regex(/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i, { message: "must be a MAC address such as 00:11:22:33:44:55" });

export const vlanNumber = z.preprocess(
  (v) => (typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
  z.number({ message: "must be a VLAN id (an integer 1-4094)" }).int({ message: "must be an integer" }).min(1, { message: "must be between 1 and 4094" }).max(4094, { message: "must be between 1 and 4094" }),
);

export const tag = z
  .string()
  .min(1, { message: "must not be empty" })
  .refine((t) => !/\s/.test(t), { message: "must not contain spaces (the Dashboard separates tags with spaces)" });

export const allowedVlans = z.string().superRefine((s, ctx) => {
  const parsed = parseVlanList(s);
  if (!parsed.ok) ctx.addIssue({ code: "custom", message: `${parsed.error} (expected "all" or VLAN ids and ranges such as "1,3,5-10")` });
});

/**
 * A reference to another resource's id the API assigns (a SwitchAccessPolicy's number), as the
 * CLI's mock runtime makes it from an SDK output: resolved when planning (plan/refs.ts).
 */
export const resourceRef = (kind: string, output: string) =>
  z.object({ $ref: z.string().min(1), kind: z.literal(kind), output: z.literal(output) }).strict();

/** Whether `ip` is a usable host address inside `subnet` (both as text). */
export function hostInSubnet(ip: string, subnet: string): boolean {
  const c = parseCidr(subnet);
  const n = parseIPv4(ip);
  return !!c && n !== null && isHostOf(c, n);
}

// ---- normalisation and comparison ---------------------------------------------------------------

function hasUndefined(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasUndefined);
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) if (v === undefined || hasUndefined(v)) return true;
  }
  return false;
}

/** Drops undefined values (recursively in plain objects) so that JSON and deep-diff agree. */
export function clean<T>(value: T): T {
  return hasUndefined(value) ? cleanCopy(value) : value;
}

function cleanCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cleanCopy) as unknown as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = cleanCopy(v);
    return out as T;
  }
  return value;
}

export const sortedUnique = (list: string[]): string[] => [...new Set(list)].sort();

/**
 * The live object seen through the desired object's shape: only the keys the desired object
 * manages, recursively for plain objects (arrays are compared whole). Missing live values are null.
 */
export function project(live: unknown, shape: unknown): unknown {
  // An id the API has yet to assign (plan/assigned.ts) is a value, not a shape.
  if (shape && typeof shape === "object" && !Array.isArray(shape) && !isAssigned(shape)) {
    const src = live && typeof live === "object" && !Array.isArray(live) ? (live as Record<string, unknown>) : {};
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(shape)) out[k] = project(src[k], (shape as Record<string, unknown>)[k]);
    return out;
  }
  return live === undefined ? null : live;
}

export const encode = encodeURIComponent;

/** Properties that identify a resource and are not sent as fields. */
export function without<T extends Record<string, unknown>>(obj: T, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!keys.includes(k) && v !== undefined) out[k] = v;
  return out;
}
