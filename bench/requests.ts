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
  /** One poll per wave of asynchronous batches in flight together (a list answers for all). */
  polls: number;
  /** The collections the applied changes touched, read once more by the same rules. */
  verifyReads: number;
  total: number;
}

/** The fewest requests for applying `plan` (made from `resources`) in an organization of `devices` devices. */
export function minimumRequests(resources: ResourceSpec[], plan: Plan, devices: number, maxInFlight: number = DEFAULTS.maxBatchesInFlight): Minimum {
  const { items } = validate(resources);
  const planReads = readRequests(liveNeeds(items), devices);
  const touched = new Set(plan.changes.filter((c) => c.actions.length).map((c) => c.key));
  const verifyNeeds = liveNeeds(items.filter((i) => touched.has(i.key)));
  // Membership was established by the plan: the organization's networks need no second read.
  verifyNeeds.networks = false;
  const verifyReads = touched.size ? readRequests(verifyNeeds, devices) : 0;
  const batchWrites = 2 * plan.batches.length;
  const polls = Math.ceil(plan.batches.filter((b) => !b.synchronous).length / maxInFlight);
  return { planReads, batchWrites, polls, verifyReads, total: planReads + batchWrites + polls + verifyReads };
}
