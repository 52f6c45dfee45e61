/**
 * What happened to each resource, from what happened to each batch. Reasons never start with
 * the status word: front ends print "not applied: <reason>".
 */
import { Plan } from "../plan/plan";
import { findFailedAction, parseFailure, reasonOf } from "./failures";
import { Holder } from "./contention";
import { Mismatch } from "./recheck";

export type Outcome =
  | { status: "applied"; batch: number; batchId: string; verified?: boolean }
  | { status: "unchanged" }
  | { status: "failed"; batch: number; batchId?: string; reason: string }
  | { status: "notApplied"; batch?: number; batchId?: string; reason: string }
  /** The batch was (or may have been) confirmed and its outcome could not be learned. */
  | { status: "unknown"; batch: number; batchId?: string; reason: string }
  /** The batch completed but a read-back shows fields that are not as sent. */
  | { status: "mismatch"; batch: number; batchId: string; mismatches: Mismatch[]; reason: string };

export interface ResourceResult {
  key: string;
  name: string;
  description: string;
  outcome: Outcome;
}

export type BatchState =
  /** Final states reported by the API. */
  | "completed"
  | "failed"
  /** Could not be created or confirmed; nothing of it applied. */
  | "error"
  /** A batch it depends on did not complete. */
  | "notSent"
  /** Not confirmed: the live state of its resources moved since the plan was made. */
  | "stale"
  /** Not confirmed: the run was interrupted first. */
  | "cancelled"
  /** Not confirmed: another run holds its resources. */
  | "contended"
  /** Confirmed (or possibly confirmed); how it ended is not known. */
  | "unknown";

export interface BatchResult {
  index: number;
  id?: string;
  state: BatchState;
  errors: string[];
  createdResources: { id: string; uri: string }[];
  /** Per change key, a reason specific to that resource (stale batches). */
  perResource?: Record<string, string>;
  /**
   * The draft was another's (a twin run's with the same actions, or one staged with plan --stage)
   * and this run did not confirm it: its state is as learned at the end of the run, and its maker
   * may still confirm it afterwards.
   */
  adopted?: boolean;
}

export type RunStatus =
  /** Every batch was dealt with (each one's state says how). */
  | "done"
  /** Nothing was confirmed: other batches hold the plan's resources. */
  | "contended"
  /** Nothing was confirmed: batches carrying this plan's actions were running; plan again. */
  | "replan"
  /** Stopped before confirming the rest: the live state moved since the plan was made. */
  | "stale"
  /** Stopped by a signal. */
  | "interrupted";

export interface ApplyResult {
  ok: boolean;
  status: RunStatus;
  resources: ResourceResult[];
  batches: BatchResult[];
  /** Other batches that hold the plan's resources (status contended), or were waited for. */
  holders: Holder[];
  waitedFor: string[];
  /** Why the run stopped to plan again (status replan). */
  replanReason?: string;
  /** Unconfirmed drafts this run made and could not delete (the API was unreachable). */
  leftDrafts: string[];
  /** Drafts a killed run of this tool had left, deleted by this run. */
  removedAbandoned: string[];
  /** Whether the result was read back (verification). */
  verified: boolean;
}

const ref = (r: BatchResult) => `batch #${r.index + 1}${r.id ? ` (${r.id})` : ""}`;

/** How bad an outcome is, for a change whose actions span batches (waves): the worst one is its outcome. */
const SEVERITY: Record<Outcome["status"], number> = { unchanged: 0, applied: 1, notApplied: 2, mismatch: 3, unknown: 4, failed: 5 };

/**
 * A change whose actions are in several batches (a layer 3 interface's create, then its DHCP
 * settings once its id is known) has the worst of their outcomes; when part of it was applied the
 * reason says so, and a part not sent because an earlier part failed keeps that failure.
 */
function combine(before: Outcome | undefined, next: Outcome): Outcome {
  if (!before) return next;
  if (SEVERITY[next.status] < SEVERITY[before.status]) return before;
  if (before.status === "applied" && next.status !== "applied" && "reason" in next) {
    return { ...next, reason: `${next.reason} (its actions in batch #${before.batch + 1}${before.batchId ? ` (${before.batchId})` : ""} were applied)` } as Outcome;
  }
  if (before.status !== "applied" && SEVERITY[before.status] >= SEVERITY.notApplied && next.status === "notApplied") return before;
  return next;
}

/** Per resource: applied, unchanged, failed, not applied or unknown, with the reason. */
export function outcomes(plan: Plan, results: BatchResult[]): ResourceResult[] {
  const byKey = new Map<string, Outcome>();
  const setOutcome = (k: string, o: Outcome) => byKey.set(k, combine(byKey.get(k), o));
  const describe = new Map(plan.changes.map((c) => [c.key, c.description]));
  const byIndex = new Map(plan.batches.map((b) => [b.index, b]));
  for (const r of results) {
    const batch = byIndex.get(r.index);
    if (!batch) continue;
    const owners = [...new Set(batch.owners)];
    const set = (o: Outcome) => owners.forEach((k) => setOutcome(k, o));
    switch (r.state) {
      case "completed":
        set({ status: "applied", batch: r.index, batchId: r.id! });
        break;
      case "unknown":
        set({ status: "unknown", batch: r.index, batchId: r.id, reason: r.errors[0] ?? `${ref(r)} was confirmed; its outcome is not known` });
        break;
      case "error":
        set({ status: "failed", batch: r.index, batchId: r.id, reason: `${ref(r)}: ${r.errors[0] ?? "it could not be sent"}` });
        break;
      case "notSent":
      case "cancelled":
      case "contended":
      case "stale":
        for (const k of owners) setOutcome(k, { status: "notApplied", batch: r.index, batchId: r.id, reason: r.perResource?.[k] ?? r.errors[0] ?? `${ref(r)} was not sent` });
        break;
      case "failed": {
        const failed = new Map<string, string>();
        for (const text of r.errors) {
          const parsed = parseFailure(text);
          const i = parsed ? findFailedAction(batch.actions, parsed) : -1;
          if (parsed && i >= 0) failed.set(batch.owners[i], reasonOf(parsed.message));
        }
        if (failed.size === 0) {
          set({ status: "failed", batch: r.index, batchId: r.id, reason: `${ref(r)} failed: ${r.errors.join("; ") || "no reason given"}` });
          break;
        }
        const culprit = [...failed.entries()].map(([k, m]) => `${describe.get(k)} failed: ${m}`).join("; ");
        for (const k of owners) {
          const reason = failed.get(k);
          setOutcome(
            k,
            reason !== undefined
              ? { status: "failed", batch: r.index, batchId: r.id, reason }
              : { status: "notApplied", batch: r.index, batchId: r.id, reason: `${ref(r)} rolled back because ${culprit}` },
          );
        }
        break;
      }
    }
  }
  return plan.changes.map((c) => ({ key: c.key, name: c.name, description: c.description, outcome: byKey.get(c.key) ?? { status: "unchanged" } }));
}

/** A run is fine when every resource is applied (and verified when read back) or unchanged. */
export function allGood(resources: ResourceResult[]): boolean {
  return resources.every((r) => r.outcome.status === "applied" || r.outcome.status === "unchanged");
}
