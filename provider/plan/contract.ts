/**
 * A saved plan is a contract (ARCHITECTURE §10): what is applied is derived from what was shown.
 * Pure checks of a plan file before anything is sent:
 * - its shape (a plan of this version, nothing missing or of the wrong type);
 * - its batches are exactly what its shown changes compile to (no action added, removed, edited
 *   or moved; the same options);
 * - its digest matches its content.
 * Checks against the live network (re-deriving the changes from the desired resources) are in
 * the engine.
 */
import { z } from "zod";
import { Action } from "../dashboard/batches";
import { KINDS } from "../resources";
import { Change } from "../resources/common";
import { assignedKeys } from "./assigned";
import { PlannedBatch } from "./compile";
import { compileWaves } from "./waves";
import { planDigest, stableJson } from "./digest";
import { PLAN_VERSION, Plan } from "./plan";

const action = z.object({ resource: z.string(), operation: z.string(), body: z.record(z.string(), z.unknown()).optional() }).strict();
const fieldChange = z.object({ path: z.string(), old: z.unknown(), new: z.unknown() }).strict();
const kind = z.enum(Object.keys(KINDS) as [string, ...string[]]);

const change = z
  .object({
    key: z.string(),
    kind,
    name: z.string(),
    description: z.string(),
    op: z.enum(["create", "update", "delete", "noop"]),
    fields: z.array(fieldChange),
    live: z.record(z.string(), z.unknown()).nullable(),
    actions: z.array(action),
    dependsOn: z.array(z.string()),
  })
  .passthrough();

const batch = z
  .object({
    index: z.number().int().min(0),
    actions: z.array(action).min(1),
    owners: z.array(z.string()),
    synchronous: z.boolean(),
    after: z.array(z.number().int().min(0)),
    stagedId: z.string().optional(),
  })
  .strict();

export const planFileSchema = z
  .object({
    version: z.literal(PLAN_VERSION),
    createdAt: z.string(),
    organizationId: z.string().min(1),
    baseUrl: z.string().optional(),
    options: z.object({ maxActionsPerBatch: z.number().int().min(1).max(100), synchronous: z.enum(["auto", "always", "never"]) }).strict(),
    resources: z.array(z.object({ kind, name: z.string(), props: z.unknown(), intent: z.enum(["ensure", "create"]).optional() }).strict()),
    deletes: z.array(z.object({ kind, name: z.string(), props: z.unknown(), onDelete: z.enum(["restore", "reset", "retain"]).optional(), original: z.record(z.string(), z.unknown()).nullable().optional(), reason: z.string().optional() }).strict()),
    changes: z.array(change),
    batches: z.array(batch),
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    liveDigest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    summary: z.object({ create: z.number(), update: z.number(), delete: z.number(), noop: z.number(), actions: z.number(), batches: z.number() }).strict(),
    /** Presentational parts a front end may add; not part of the contract. */
    source: z.unknown().optional(),
    grouped: z.unknown().optional(),
    pendingDrafts: z.unknown().optional(),
    ownership: z.unknown().optional(),
  })
  .strict();

/** The plan in a parsed file, or what is wrong with its shape (path: problem). */
export function parsePlan(data: unknown): { plan?: Plan; problems: string[] } {
  const parsed = planFileSchema.safeParse(data);
  if (parsed.success) return { plan: parsed.data as unknown as Plan, problems: [] };
  const problems = parsed.error.issues.slice(0, 10).map((i) => `${i.path.map(String).join(".") || "(the file)"}: ${i.message}`);
  if (parsed.error.issues.length > 10) problems.push(`… and ${parsed.error.issues.length - 10} more`);
  return { problems };
}

const showAction = (a: Action) => `${a.operation} ${a.resource}${a.body && Object.keys(a.body).length ? ` ${JSON.stringify(a.body)}` : ""}`;
const same = (a: unknown, b: unknown) => stableJson(a) === stableJson(b);

/** What differs between the batches a plan's changes compile to and the batches it carries. */
export function diffBatches(expected: PlannedBatch[], actual: PlannedBatch[]): string[] {
  const out: string[] = [];
  if (expected.length !== actual.length) out.push(`the file has ${actual.length} batch${actual.length === 1 ? "" : "es"}; its changes give ${expected.length}`);
  const n = Math.min(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const a = actual[i];
    const tag = `batch #${i + 1}`;
    if (a.index !== e.index) out.push(`${tag}: its index is ${a.index}, expected ${e.index}`);
    if (a.synchronous !== e.synchronous) out.push(`${tag}: the file says ${a.synchronous ? "synchronous" : "asynchronous"}; the changes give ${e.synchronous ? "synchronous" : "asynchronous"}`);
    if (!same(a.after, e.after)) out.push(`${tag}: the file waits for ${fmtAfter(a.after)}; the changes give ${fmtAfter(e.after)}`);
    out.push(...diffActions(tag, e.actions, a.actions));
    if (!same(a.owners, e.owners) && same(a.actions, e.actions)) out.push(`${tag}: the resources its actions belong to differ from the changes'`);
  }
  return out;
}

const fmtAfter = (after: number[]) => (after.length ? after.map((i) => `#${i + 1}`).join(", ") : "nothing");

function diffActions(tag: string, expected: Action[], actual: Action[]): string[] {
  if (same(expected, actual)) return [];
  const out: string[] = [];
  const key = (a: Action) => `${a.operation} ${a.resource}`;
  // Exact matches first (as multisets), then pair what is left by operation and resource.
  const left = expected.map((a, i) => ({ a, i }));
  const unmatched: Array<{ a: Action; i: number }> = [];
  actual.forEach((a, i) => {
    const j = left.findIndex((e) => same(e.a, a));
    if (j >= 0) left.splice(j, 1);
    else unmatched.push({ a, i });
  });
  for (const u of unmatched) {
    const j = left.findIndex((e) => key(e.a) === key(u.a));
    if (j >= 0) {
      out.push(`${tag}, action ${u.i + 1} (${key(u.a)}): the file sends ${JSON.stringify(u.a.body ?? {})}; the changes give ${JSON.stringify(left[j].a.body ?? {})}`);
      left.splice(j, 1);
    } else {
      out.push(`${tag} has an action its changes do not produce: ${showAction(u.a)}`);
    }
  }
  for (const e of left) out.push(`${tag} lacks an action its changes produce: ${showAction(e.a)}`);
  if (!out.length) out.push(`${tag}: its actions are in a different order than the changes give`);
  return out;
}

/**
 * An id placeholder must name a change of the plan that creates its object (the change itself
 * when it creates the object its later actions use, an interface and its DHCP settings): anything
 * else could never be filled, or would be filled with an id the plan never showed.
 */
function placeholderProblems(changes: Change[]): string[] {
  const byKey = new Map(changes.map((c) => [c.key, c]));
  const out: string[] = [];
  for (const c of changes) {
    for (const k of assignedKeys(c.actions)) {
      const creator = byKey.get(k);
      if (!creator || creator.op !== "create" || !creator.actions.some((a) => a.operation === "create" && !assignedKeys([a]).length)) {
        out.push(`${c.description}: its actions use the id of ${k}, which no change of the plan creates`);
      }
    }
  }
  return out;
}

/** Problems of a plan that are visible without the network: batches, digest. Empty when it is whole. */
export function integrityProblems(plan: Plan): string[] {
  const problems: string[] = [];
  const phaseOf = (c: Change) => KINDS[c.kind].phase(c);
  problems.push(...placeholderProblems(plan.changes));
  let expected: PlannedBatch[];
  try {
    expected = compileWaves(plan.changes.map((c) => ({ ...c, dependsOn: [...c.dependsOn] })), phaseOf, plan.options);
  } catch (err) {
    return [`its changes do not compile into batches: ${(err as Error).message}`];
  }
  problems.push(...diffBatches(expected, plan.batches.map(({ stagedId: _s, ...b }) => b)));
  for (const c of plan.changes) {
    if (c.op === "noop" && c.actions.length) problems.push(`${c.description}: shown as unchanged but it carries ${c.actions.length} action${c.actions.length === 1 ? "" : "s"}`);
  }
  const { digest, ...content } = plan;
  if (planDigest(content) !== digest) problems.push(`its content does not match its digest ${digest.slice(0, 23)}… (it was edited after it was made)`);
  return cap(problems);
}

/**
 * Compares a plan file's changes with the changes derived again from its desired resources
 * against a live network that has not moved (same live digest): they must be the same.
 */
export function diffDerived(file: Pick<Plan, "changes" | "batches">, derived: Pick<Plan, "changes" | "batches">, only?: Set<string>): string[] {
  const out: string[] = [];
  const mine = new Map(derived.changes.map((c) => [c.key, c]));
  const theirs = new Map(file.changes.map((c) => [c.key, c]));
  for (const c of file.changes) {
    if (only && !only.has(c.key)) continue;
    const d = mine.get(c.key);
    if (!d) {
      out.push(`${c.description}: in the file, but not among the program's resources`);
      continue;
    }
    if (c.op !== d.op) out.push(`${c.description}: the file says ${c.op}; its desired state gives ${d.op}`);
    else if (!same(c.fields, d.fields)) out.push(`${c.description}: the file shows ${fmtFields(c)}; its desired state gives ${fmtFields(d)}`);
    else if (!same(c.actions, d.actions)) out.push(`${c.description}: the file's actions differ from what its desired state gives (${c.actions.map(showAction).join("; ")} instead of ${d.actions.map(showAction).join("; ") || "none"})`);
    else if (c.description !== d.description || c.name !== d.name || !same(c.dependsOn, d.dependsOn)) out.push(`${c.description}: its description or order differs from what its desired state gives`);
  }
  for (const d of derived.changes) if ((!only || only.has(d.key)) && !theirs.has(d.key)) out.push(`${d.description}: the program declares it, the file does not show it`);
  if (!only && !out.length) out.push(...diffBatches(derived.batches, file.batches.map(({ stagedId: _s, ...b }) => b)));
  return cap(out);
}

const fmtFields = (c: Change) => (c.fields.length ? c.fields.map((f) => `${f.path} ${JSON.stringify(f.old)} → ${JSON.stringify(f.new)}`).join(", ") : "no change");

function cap(lines: string[], max = 12): string[] {
  return lines.length > max ? [...lines.slice(0, max), `… and ${lines.length - max} more`] : lines;
}
