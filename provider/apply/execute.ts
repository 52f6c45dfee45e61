/**
 * Executes a plan's batches: dependencies first, at most N batches in flight per organization
 * (shared by every apply in the process), independent batches concurrently. Failures are mapped
 * back to the resource whose action failed; the rest of that batch is reported rolled back, and
 * batches that depended on it are not sent.
 */
import { Clock, realClock } from "../clock";
import { BatchApi, ActionBatch } from "../dashboard/batches";
import { DashboardClient } from "../dashboard/client";
import { DEFAULTS } from "../defaults";
import { MerakiBatchError } from "../errors";
import { Plan } from "../plan/plan";
import { EventSink } from "./events";
import { findFailedAction, parseFailure, reasonOf } from "./failures";
import { SubmitOptions, submit, submitDefaults } from "./submit";

export type Outcome =
  | { status: "applied"; batch: number; batchId: string }
  | { status: "unchanged" }
  | { status: "failed"; batch: number; batchId?: string; reason: string }
  | { status: "notApplied"; batch?: number; batchId?: string; reason: string };

export interface ResourceResult {
  key: string;
  name: string;
  description: string;
  outcome: Outcome;
}

export interface BatchResult {
  index: number;
  id?: string;
  state: "completed" | "failed" | "error" | "notSent";
  errors: string[];
  createdResources: { id: string; uri: string }[];
}

export interface ApplyResult {
  ok: boolean;
  resources: ResourceResult[];
  batches: BatchResult[];
}

export interface ExecuteOptions extends Partial<SubmitOptions> {
  maxBatchesInFlight?: number;
  clock?: Clock;
  onEvent?: EventSink;
}

export async function executePlan(client: DashboardClient, plan: Plan, options: ExecuteOptions = {}): Promise<ApplyResult> {
  const clock = options.clock ?? realClock;
  const opts: SubmitOptions = { ...submitDefaults(clock, options.random), ...stripUndefined(options) };
  const emit: EventSink = options.onEvent ?? (() => undefined);
  const inFlight = Math.min(options.maxBatchesInFlight ?? DEFAULTS.maxBatchesInFlight, DEFAULTS.apiMaxBatchesInFlight);
  const slots = client.batchSlots(plan.organizationId, inFlight);
  const api = new BatchApi(client);
  const org = plan.organizationId;
  const runs = new Map<number, Promise<BatchResult>>();
  const byIndex = new Map(plan.batches.map((b) => [b.index, b]));

  const run = (index: number): Promise<BatchResult> => {
    let p = runs.get(index);
    if (!p) {
      p = (async (): Promise<BatchResult> => {
        const batch = byIndex.get(index)!;
        const deps = await Promise.all(batch.after.map(run));
        const blocked = deps.find((d) => d.state !== "completed");
        if (blocked) {
          const reason = `not sent: it depends on batch #${blocked.index + 1}${blocked.id ? ` (${blocked.id})` : ""}, which ${blocked.state === "notSent" ? "was not sent" : "failed"}`;
          emit({ type: "batch.skipped", index, reason });
          return { index, state: "notSent", errors: [reason], createdResources: [] };
        }
        const release = await slots.acquire();
        try {
          const final: ActionBatch = await submit(api, org, batch, opts, emit);
          return {
            index,
            id: final.id,
            state: final.status.completed ? "completed" : "failed",
            errors: final.status.errors ?? [],
            createdResources: final.status.createdResources ?? [],
          };
        } catch (err) {
          const message = MerakiBatchError.is(err) ? err.message : String((err as Error)?.message ?? err);
          emit({ type: "batch.error", index, message });
          return { index, state: "error", errors: [message], createdResources: [] };
        } finally {
          release();
        }
      })();
      runs.set(index, p);
    }
    return p;
  };

  const batches = await Promise.all(plan.batches.map((b) => run(b.index)));
  const resources = outcomes(plan, batches);
  return { ok: resources.every((r) => r.outcome.status === "applied" || r.outcome.status === "unchanged"), resources, batches };
}

/** Per resource: applied, unchanged, failed (why) or not applied (why). */
export function outcomes(plan: Plan, results: BatchResult[]): ResourceResult[] {
  const byKey = new Map<string, Outcome>();
  const describe = new Map(plan.changes.map((c) => [c.key, c.description]));
  for (const r of results) {
    const batch = plan.batches.find((b) => b.index === r.index)!;
    const owners = [...new Set(batch.owners)];
    const ref = `batch #${r.index + 1}${r.id ? ` (${r.id})` : ""}`;
    if (r.state === "completed") {
      for (const k of owners) byKey.set(k, { status: "applied", batch: r.index, batchId: r.id! });
    } else if (r.state === "notSent") {
      for (const k of owners) byKey.set(k, { status: "notApplied", batch: r.index, reason: r.errors[0] });
    } else if (r.state === "error") {
      for (const k of owners) byKey.set(k, { status: "failed", batch: r.index, batchId: r.id, reason: `${ref}: ${r.errors[0]}` });
    } else {
      const failed = new Map<string, string>();
      for (const text of r.errors) {
        const parsed = parseFailure(text);
        const i = parsed ? findFailedAction(batch.actions, parsed) : -1;
        if (parsed && i >= 0) failed.set(batch.owners[i], reasonOf(parsed.message));
      }
      if (failed.size === 0) {
        for (const k of owners) byKey.set(k, { status: "failed", batch: r.index, batchId: r.id, reason: `${ref} failed: ${r.errors.join("; ") || "no reason given"}` });
        continue;
      }
      const culprit = [...failed.entries()].map(([k, m]) => `${describe.get(k)} failed: ${m}`).join("; ");
      for (const k of owners) {
        const reason = failed.get(k);
        byKey.set(
          k,
          reason !== undefined
            ? { status: "failed", batch: r.index, batchId: r.id, reason }
            : { status: "notApplied", batch: r.index, batchId: r.id, reason: `not applied: ${ref} rolled back because ${culprit}` },
        );
      }
    }
  }
  return plan.changes.map((c) => ({ key: c.key, name: c.name, description: c.description, outcome: byKey.get(c.key) ?? { status: "unchanged" } }));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
