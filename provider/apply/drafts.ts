/**
 * Making a draft (an unconfirmed batch) exactly once. A POST whose answer was lost may have
 * created the draft: it is found by its actions and deleted before trying again, so at most the
 * draft that finally answers exists. Used by runs and by `plan --stage`.
 */
import { Action, ActionBatch, BatchApi } from "../dashboard/batches";
import { MerakiBatchError } from "../errors";
import { DraftLedger, DraftRecord } from "./ledger";
import { sameActions } from "./objects";
import { isLostResponse, isNotFound, messageOf } from "./submit";

export interface CreateDraftOptions {
  maxRecoveries: number;
  /** Drafts that must not be taken for orphans (this run's own, a live run's). */
  keep: (b: ActionBatch) => boolean;
  onRecovered?: (removed: string[]) => void;
  /** Stop recovering (an interrupt). */
  stop?: () => boolean;
  /** An interrupt: a create still waiting in the client's rate limiter is not sent. */
  signal?: AbortSignal;
}

/** Thrown when a lost create could not be cleaned up: a draft may exist. */
export class DraftMayExistError extends MerakiBatchError {
  constructor(message: string) {
    super("NETWORK_ERROR", message);
  }
}

/**
 * Deletes a draft that a run of this tool left, and forgets what the ledger held of it: its record
 * and, when it was known by an intent, that intent. False when it could not be deleted (it stays
 * recorded, for a later run); a draft already gone counts as deleted.
 */
export async function removeLeftDraft(api: BatchApi, org: string, ledger: DraftLedger, baseUrl: string, id: string, record?: DraftRecord): Promise<boolean> {
  try {
    await api.remove(org, id);
  } catch (err) {
    if (!isNotFound(err)) return false;
  }
  ledger.forget(id, baseUrl);
  if (record && record.id !== id) ledger.forget(record.id, baseUrl);
  return true;
}

export async function createDraft(api: BatchApi, org: string, batch: { actions: Action[]; synchronous: boolean }, opts: CreateDraftOptions): Promise<ActionBatch> {
  for (let recovery = 0; ; recovery++) {
    try {
      return await api.create(org, { actions: batch.actions, confirmed: false, synchronous: batch.synchronous }, { signal: opts.signal });
    } catch (err) {
      if (!isLostResponse(err)) throw err;
      let removed: string[];
      try {
        removed = await removeOrphans(api, org, batch.actions, opts.keep);
      } catch (searchErr) {
        throw new DraftMayExistError(`creating it got no answer (${messageOf(err)}) and the search for the draft it may have left failed (${messageOf(searchErr)})`);
      }
      opts.onRecovered?.(removed);
      if (recovery >= opts.maxRecoveries || opts.stop?.()) {
        throw new MerakiBatchError("NETWORK_ERROR", `creating it got no answer ${recovery + 1} times (${messageOf(err)}); the drafts it left were deleted`);
      }
    }
  }
}

/** Deletes unconfirmed drafts with exactly these actions (except those to keep); returns their ids. */
export async function removeOrphans(api: BatchApi, org: string, actions: Action[], keep: (b: ActionBatch) => boolean): Promise<string[]> {
  const drafts = (await api.list(org, "pending")).filter((b) => !b.confirmed && !keep(b) && sameActions(b.actions ?? [], actions));
  const removed: string[] = [];
  for (const d of drafts) {
    await api.remove(org, d.id).catch((err) => {
      if (!isNotFound(err)) throw err;
    });
    removed.push(d.id);
  }
  return removed;
}
