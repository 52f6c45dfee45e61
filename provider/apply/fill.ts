/**
 * What a batch carries beyond what its plan shows, filled in right before the batch is made
 * (ARCHITECTURE §17): the ids the API assigned to objects created by earlier batches of the run,
 * and secrets from the environment (resources/secrets.ts). Nothing else changes: the filled
 * batch is the planned one with its placeholders replaced. Secret values are also what every
 * message of the run is scrubbed of.
 */
import { Action } from "../dashboard/batches";
import { fillAssigned } from "../plan/assigned";
import { PlannedBatch } from "../plan/compile";
import { isEnvSecret } from "../resources/secrets";
import { normaliseResource } from "./objects";

/** Where a secret may be sent: the RADIUS and accounting servers of an access policy. */
const SECRET_RESOURCE = /^\/networks\/[^/]+\/switch\/accessPolicies(\/[^/]+)?$/;
const SECRET_LISTS = ["radiusServers", "radiusAccountingServers"];

type Env = Record<string, string | undefined>;

function secretSlots(a: Action): Array<{ list: string; index: number; name: string }> {
  if (!SECRET_RESOURCE.test(normaliseResource(a.resource)) || !a.body) return [];
  const out: Array<{ list: string; index: number; name: string }> = [];
  for (const list of SECRET_LISTS) {
    const servers = a.body[list];
    if (!Array.isArray(servers)) continue;
    servers.forEach((s: Record<string, unknown>, index) => {
      if (s && isEnvSecret(s.secret)) out.push({ list, index, name: s.secret.$env });
    });
  }
  return out;
}

/** The environment variables these actions' secrets come from that are not set (or empty). */
export function missingSecrets(actions: Action[], env: Env = process.env): string[] {
  const out = new Set<string>();
  for (const a of actions) for (const slot of secretSlots(a)) if (!env[slot.name]) out.add(slot.name);
  return [...out].sort();
}

/** The actions with their secrets read from the environment, and the values read (for redaction). */
export function fillSecrets(actions: Action[], env: Env = process.env): { actions: Action[]; values: string[] } {
  const values = new Set<string>();
  const filled = actions.map((a) => {
    const slots = secretSlots(a);
    if (!slots.length) return a;
    const body = JSON.parse(JSON.stringify(a.body)) as Record<string, unknown>;
    for (const slot of slots) {
      const value = env[slot.name] ?? "";
      (body[slot.list] as Array<Record<string, unknown>>)[slot.index].secret = value;
      if (value) values.add(value);
    }
    return { ...a, body };
  });
  return { actions: filled, values: [...values] };
}

/** Text with every secret value replaced: what the API echoes of a body must not reach a message. */
export function redact(text: string, values: readonly string[]): string {
  let out = text;
  for (const v of values) if (v) out = out.split(v).join("(secret)");
  return out;
}

/**
 * The ids a completed batch's creates got, by the change that asked for each. `createdResources`
 * lists one entry per create, in action order, with the new object's uri under the create's
 * resource; a create whose entry cannot be told (an entry missing for its collection) gets none.
 */
export function createdIds(batch: Pick<PlannedBatch, "actions" | "owners">, created: Array<{ id: string; uri: string }>): Map<string, string> {
  const byCollection = new Map<string, string[]>();
  batch.actions.forEach((a, i) => {
    if (a.operation !== "create") return;
    const collection = normaliseResource(a.resource);
    byCollection.set(collection, [...(byCollection.get(collection) ?? []), batch.owners[i]]);
  });
  const entries = new Map<string, Array<{ id: string }>>();
  for (const c of created) {
    const uri = normaliseResource(c.uri);
    const collection = [...byCollection.keys()].find((k) => uri.startsWith(`${k}/`));
    if (collection) entries.set(collection, [...(entries.get(collection) ?? []), c]);
  }
  const out = new Map<string, string>();
  for (const [collection, owners] of byCollection) {
    const got = entries.get(collection) ?? [];
    if (got.length !== owners.length) continue;
    owners.forEach((owner, i) => out.set(owner, String(got[i].id)));
  }
  return out;
}

/** A batch with its placeholders filled, or the creates whose ids are not known. */
export function fillBatch(batch: PlannedBatch, ids: ReadonlyMap<string, string>, env: Env = process.env): { batch?: PlannedBatch; missing: string[]; secrets: string[] } {
  const assigned = fillAssigned(batch.actions, ids);
  if (assigned.missing.length) return { missing: assigned.missing, secrets: [] };
  const secrets = fillSecrets(assigned.actions, env);
  return { batch: { ...batch, actions: secrets.actions }, missing: [], secrets: secrets.values };
}

/** The ids every completed batch's creates were given, by change key. */
export function assignedIds(planned: PlannedBatch[], results: Array<{ index: number; state: string; createdResources: Array<{ id: string; uri: string }> }>): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of results) {
    const b = planned.find((x) => x.index === r.index);
    if (b && r.state === "completed") for (const [k, id] of createdIds(b, r.createdResources)) out.set(k, id);
  }
  return out;
}

const SECRET_JSON = /("secret"\s*:\s*)"(?:[^"\\]|\\.)*"/g;

/**
 * A batch as read from the API, fit to print: the RADIUS secrets its actions carry (and that its
 * errors echo) replaced. `meraki-batch batches` shows batches; it never shows a secret.
 */
export function hideSecrets<T extends { actions?: Action[]; status?: { errors?: string[] } }>(batch: T): T {
  const actions = (batch.actions ?? []).map((a) => {
    if (!SECRET_RESOURCE.test(normaliseResource(a.resource)) || !a.body) return a;
    const body = JSON.parse(JSON.stringify(a.body)) as Record<string, unknown>;
    for (const list of SECRET_LISTS) {
      const servers = body[list];
      if (Array.isArray(servers)) for (const s of servers) if (s && typeof s === "object" && "secret" in s) (s as Record<string, unknown>).secret = "(secret)";
    }
    return { ...a, body };
  });
  const status = batch.status ? { ...batch.status, errors: (batch.status.errors ?? []).map((e) => e.replace(SECRET_JSON, '$1"(secret)"')) } : batch.status;
  return { ...batch, actions, ...(status ? { status } : {}) };
}
