/**
 * What a run's requests were, from the emulator's request log, and the fewest a batched apply
 * could make (bench/README.md defines it). The breakdown measures whatever the engine does: a
 * new kind of read or poll shows up in its column without changes here.
 */
import { LoggedRequest } from "../emulator/request-log";
import { DEFAULTS, Plan, ResourceSpec, liveNeeds, validate } from "../provider";
import { readRequests } from "../provider/live/read";

export interface RequestBreakdown {
  /** GETs of resources before the first action batch write: what planning read. */
  planReads: number;
  /** POST, PUT and DELETE on actionBatches: creates, confirms, draft removals. */
  batchWrites: number;
  /** GETs on actionBatches: polls, batch lists (conflict checks, recovery). */
  batchReads: number;
  /** GETs of resources after the first action batch write: reads that verify the result. */
  verifyReads: number;
  /** Writes outside action batches (the per-resource pattern's PUT, POST and DELETE). */
  directWrites: number;
}

const isBatchPath = (path: string) => /\/organizations\/[^/]+\/actionBatches(\/|$)/.test(path);

export function breakdown(log: LoggedRequest[]): RequestBreakdown {
  const out: RequestBreakdown = { planReads: 0, batchWrites: 0, batchReads: 0, verifyReads: 0, directWrites: 0 };
  let batchWritten = false;
  for (const r of log) {
    const batch = isBatchPath(r.path);
    if (r.method === "GET") {
      if (batch) out.batchReads++;
      else if (batchWritten) out.verifyReads++;
      else out.planReads++;
    } else if (batch) {
      out.batchWrites++;
      batchWritten = true;
    } else out.directWrites++;
  }
  return out;
}

export interface Minimum {
  /** One request per collection or page the plan reads. */
  planReads: number;
  /** A create (unconfirmed) and a confirm per batch. */
  batchWrites: number;
  /**
   * One look at the organization's pending batches once the claim is made (exactly once across
   * runs, ARCHITECTURE §11), and one poll per wave of asynchronous batches in flight together (a
   * list answers for all).
   */
  polls: number;
  /**
   * Reads after the plan's: before each wave (the first too), the collections it touches
   * (optimistic concurrency), and after the last, the collections the applied changes touched
   * (verification). Networks are not read again, devices only for device tags.
   */
  verifyReads: number;
  total: number;
}

/** The fewest requests for applying `plan` (made from `resources`) in an organization of `devices` devices. */
export function minimumRequests(resources: ResourceSpec[], plan: Plan, devices: number, maxInFlight: number = DEFAULTS.maxBatchesInFlight): Minimum {
  const { items } = validate(resources);
  const planReads = readRequests(liveNeeds(items), devices);
  const reads = (keys: Set<string>) => {
    const chosen = items.filter((i) => keys.has(i.key));
    if (!chosen.length) return 0;
    const needs = liveNeeds(chosen);
    needs.networks = false;
    needs.devices = chosen.some((i) => i.module.kind === "deviceTags");
    return readRequests(needs, devices);
  };
  const touched = new Set(plan.changes.filter((c) => c.actions.length).map((c) => c.key));
  // Waves: batches confirmed together, as many as may be in flight. Each is read again right before
  // it is confirmed, the first too: a batch of another run that finished between the plan's read and
  // the claim is not in the pending list the claim looks at (exactly once across runs).
  const waves: Array<Set<string>> = [];
  for (let i = 0; i < plan.batches.length; i += maxInFlight) waves.push(new Set(plan.batches.slice(i, i + maxInFlight).flatMap((b) => b.owners)));
  const recheckReads = waves.reduce((n, w) => n + reads(w), 0);
  const verifyReads = recheckReads + reads(touched);
  const batchWrites = 2 * plan.batches.length;
  const claim = plan.batches.length ? 1 : 0;
  const polls = claim + Math.ceil(plan.batches.filter((b) => !b.synchronous).length / maxInFlight);
  return { planReads, batchWrites, polls, verifyReads, total: planReads + batchWrites + polls + verifyReads };
}
