/**
 * Other batches in the organization that matter to a run (ARCHITECTURE §11). The organization's
 * pending batches are the shared state between runs: drafts and running batches carry ids and
 * actions. Pure: given this run's batches and the pending list, say which batches
 * - carry actions of ours and are running (a killed run's confirmed batch): wait, then plan again;
 * - are running and touch our objects otherwise (another apply in progress): do not interleave;
 * - are drafts with exactly our actions (ours from `plan --stage`, or a killed run's): adopt them;
 * - are drafts a dead run of this tool left on this machine: delete them;
 * - are other drafts on our objects: the older claim wins (ids grow as batches are made).
 */
import { ActionBatch } from "../dashboard/batches";
import { DraftRecord } from "./ledger";
import { Action } from "../dashboard/batches";
import { compareIds, overlap, sameAction, sameActions, touched } from "./objects";
import { madeByThisTool } from "./shape";

export interface Holder {
  id: string;
  state: "running" | "unconfirmed";
  /** Our objects it touches (object keys, see objects.ts). */
  objects: string[];
  actions: number;
  /** What the ledger knows: made by this tool on this machine. */
  record?: DraftRecord;
  /** Whether the run that made it is still going (undefined: not known here). */
  alive?: boolean;
  /** Every action is one meraki-batch writes (a draft made elsewhere that 'batches prune' would delete). */
  toolShaped?: boolean;
}

/**
 * Whether the holder ends without anyone doing anything: a running batch finishes, a draft of a run
 * still going on this machine is confirmed or deleted by it. A review draft, a draft of unknown
 * origin or of an ended run does not: `--wait` does not wait for those.
 */
export const endsOnItsOwn = (h: Holder): boolean => h.state === "running" || (h.record?.purpose === "run" && h.alive === true);

/**
 * A draft of unknown origin (not made on this machine): a run elsewhere confirms or deletes it soon,
 * or it is a review draft staged elsewhere, which nobody may ever confirm. `--wait` gives it a
 * bounded time (DEFAULTS.unconfirmedWaitMs), not the whole wait.
 */
export const unknownDraft = (h: Holder): boolean => h.state === "unconfirmed" && !h.record;

/** Whether `meraki-batch batches prune` deletes it (a draft this tool made that no run needs). */
export const prunable = (h: Holder): boolean => h.state === "unconfirmed" && (h.record ? h.record.purpose === "review" || h.alive === false : h.toolShaped === true);

export interface Contention {
  carriers: Array<{ batch: ActionBatch; carries: number }>;
  conflicts: Holder[];
  adoptable: Map<number, ActionBatch>;
  abandoned: Holder[];
  drafts: Holder[];
}

export interface ContentionInput {
  ours: Array<{ index: number; actions: Action[] }>;
  /** Ids this run made or adopted: never foreign. */
  ownIds: Set<string>;
  pending: ActionBatch[];
  /** What the draft ledger knows of a batch (by its id, else by an intent with its actions). */
  record: (b: ActionBatch) => DraftRecord | undefined;
  alive: (r: DraftRecord) => boolean | undefined;
}

const running = (b: ActionBatch) => b.confirmed && !b.status?.completed && !b.status?.failed;

export function classify(input: ContentionInput): Contention {
  const ourObjects = touched(input.ours.flatMap((b) => b.actions));
  const ourActions = input.ours.flatMap((b) => b.actions);
  const out: Contention = { carriers: [], conflicts: [], adoptable: new Map(), abandoned: [], drafts: [] };
  const taken = new Set<number>();
  for (const b of input.pending) {
    if (input.ownIds.has(b.id) || b.status?.completed || b.status?.failed) continue;
    const objects = overlap(ourObjects, touched(b.actions ?? []));
    const record = input.record(b);
    const alive = record ? input.alive(record) : undefined;
    const holder: Holder = { id: b.id, state: b.confirmed ? "running" : "unconfirmed", objects, actions: (b.actions ?? []).length, record, alive, toolShaped: madeByThisTool(b.actions ?? []) };
    if (running(b)) {
      const carries = (b.actions ?? []).filter((a) => ourActions.some((o) => sameAction(a, o))).length;
      if (carries > 0) out.carriers.push({ batch: b, carries });
      else if (objects.length) out.conflicts.push(holder);
      continue;
    }
    if (record && record.purpose === "run" && alive === false) {
      out.abandoned.push(holder);
      continue;
    }
    const twin = input.ours.find((o) => !taken.has(o.index) && sameActions(o.actions, b.actions ?? []));
    if (twin) {
      taken.add(twin.index);
      out.adoptable.set(twin.index, b);
      continue;
    }
    if (objects.length) out.drafts.push(holder);
  }
  return out;
}

/** The drafts whose claim on our objects is older than ours: their run goes first. */
export function olderClaims(drafts: Holder[], ourIds: string[]): Holder[] {
  if (!ourIds.length) return drafts;
  const ours = [...ourIds].sort(compareIds)[0];
  return drafts.filter((d) => compareIds(d.id, ours) < 0);
}
