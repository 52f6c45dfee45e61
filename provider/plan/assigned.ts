/**
 * Ids the API assigns (ARCHITECTURE §17). An access policy's number, a link aggregation's and a
 * layer 3 interface's id exist once their create ran, and a batch cannot refer to the result of
 * its own actions. So an action that needs such an id carries a placeholder naming the change
 * that creates the object: `{"$assigned": "<change key>", "as": "number"}` in a body, and
 * `{$assigned:<change key>}` as a segment of a resource path. Compile puts such an action in a
 * later batch than the create (a wave); the apply fills the placeholder from the create's
 * `createdResources` right before the batch is made. What a plan shows, saves and digests is the
 * placeholder: exactly what is known when it is made.
 *
 * A program refers to an id it does not know yet through a reference in its props,
 * `{"$ref": "<resource name>", "kind": "<kind>", "output": "<field>"}` (the CLI's mock runtime
 * makes these from the SDK's outputs); planning turns it into the live id or a placeholder.
 */
import { Action } from "../dashboard/batches";

export interface AssignedId {
  $assigned: string;
  /** How the filled value is sent: a number (a port's accessPolicyNumber) or, by default, text. */
  as?: "number";
}

export interface ResourceRef {
  $ref: string;
  kind: string;
  output: string;
}

export const isAssigned = (v: unknown): v is AssignedId =>
  !!v && typeof v === "object" && !Array.isArray(v) && typeof (v as AssignedId).$assigned === "string" && Object.keys(v).every((k) => k === "$assigned" || k === "as");

export const isRef = (v: unknown): v is ResourceRef =>
  !!v && typeof v === "object" && !Array.isArray(v) && typeof (v as ResourceRef).$ref === "string" && typeof (v as ResourceRef).kind === "string" && typeof (v as ResourceRef).output === "string";

export const assignedId = (key: string, as?: "number"): AssignedId => (as ? { $assigned: key, as } : { $assigned: key });

/** The path segment standing for the id of the object `key` creates. */
export const assignedSegment = (key: string): string => `{$assigned:${key}}`;

const SEGMENT = /\{\$assigned:([^}]+)\}/g;

function bodyKeys(v: unknown, out: Set<string>): void {
  if (!v || typeof v !== "object") return;
  if (isAssigned(v)) out.add(v.$assigned);
  else if (Array.isArray(v)) for (const x of v) bodyKeys(x, out);
  else for (const k of Object.keys(v)) bodyKeys((v as Record<string, unknown>)[k], out);
}

/** The changes whose assigned ids these actions need, in order of first use. */
export function assignedKeys(actions: Action[]): string[] {
  const out = new Set<string>();
  for (const a of actions) {
    // (every action of a plan is looked at: the regular expression only where it can match)
    if (a.resource.includes("{$assigned:")) for (const m of a.resource.matchAll(SEGMENT)) out.add(m[1]);
    bodyKeys(a.body, out);
  }
  return [...out];
}

/** Whether an action waits for an id from an earlier batch. */
export const needsAssigned = (a: Action): boolean => assignedKeys([a]).length > 0;

function fillBody(v: unknown, ids: ReadonlyMap<string, string>, missing: Set<string>): unknown {
  if (isAssigned(v)) {
    const id = ids.get(v.$assigned);
    if (id === undefined) {
      missing.add(v.$assigned);
      return v;
    }
    return v.as === "number" ? Number(id) : id;
  }
  if (Array.isArray(v)) return v.map((x) => fillBody(x, ids, missing));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fillBody(x, ids, missing)]));
  return v;
}

/** A value (a field change's, a body's) with the placeholders whose ids are known replaced. */
export function fillKnown<T>(value: T, ids: ReadonlyMap<string, string>): T {
  return fillBody(value, ids, new Set()) as T;
}

/** The actions with every placeholder replaced by its id, and the keys no id is known for. */
export function fillAssigned(actions: Action[], ids: ReadonlyMap<string, string>): { actions: Action[]; missing: string[] } {
  const missing = new Set<string>();
  const filled = actions.map((a) => {
    const resource = a.resource.replace(SEGMENT, (whole, key: string) => {
      const id = ids.get(key);
      if (id === undefined) {
        missing.add(key);
        return whole;
      }
      return encodeURIComponent(id);
    });
    return a.body === undefined ? { ...a, resource } : { ...a, resource, body: fillBody(a.body, ids, missing) as Action["body"] };
  });
  return { actions: filled, missing: [...missing] };
}

/** A placeholder as a reviewer reads it: what it will hold, and where that comes from. */
export function describeAssigned(key: string, from?: number): string {
  return `{id of ${key}${from === undefined ? "" : `, from batch #${from + 1}`}}`;
}

/** The resource path with its placeholders readable: `/devices/S/switch/routing/interfaces/{id of …}/dhcp`. */
export function readableResource(resource: string, batchOf?: (key: string) => number | undefined): string {
  return resource.replace(SEGMENT, (_, key: string) => describeAssigned(key, batchOf?.(key)));
}
