/**
 * Runs one batch exactly once: create it unconfirmed, then confirm it by id (or confirm a batch
 * staged earlier), wait out the API's concurrency limit, and poll asynchronous batches to the end.
 * A create whose response was lost leaves at most an unconfirmed draft: it is found by its
 * actions and deleted before the batch is created again. Confirming is idempotent, so a lost
 * confirm response is simply retried by the client.
 */
import { isDeepStrictEqual } from "util";
import { Clock } from "../clock";
import { DEFAULTS } from "../defaults";
import { Action, ActionBatch, BatchApi } from "../dashboard/batches";
import { DashboardApiError, MerakiBatchError } from "../errors";
import { EventSink } from "./events";

export interface SubmitOptions {
  clock: Clock;
  random: () => number;
  pollInitialMs: number;
  pollMaxMs: number;
  deadlineMs: number;
  concurrencyRetryMs: number;
  concurrencyRetryMaxMs: number;
  maxCreateRecoveries: number;
}

export const submitDefaults = (clock: Clock, random: () => number = Math.random): SubmitOptions => ({
  clock,
  random,
  pollInitialMs: DEFAULTS.pollInitialMs,
  pollMaxMs: DEFAULTS.pollMaxMs,
  deadlineMs: DEFAULTS.batchDeadlineMs,
  concurrencyRetryMs: DEFAULTS.concurrencyRetryMs,
  concurrencyRetryMaxMs: DEFAULTS.concurrencyRetryMaxMs,
  maxCreateRecoveries: DEFAULTS.maxCreateRecoveries,
});

export interface BatchToSubmit {
  index: number;
  actions: Action[];
  synchronous: boolean;
  stagedId?: string;
}

/** The request may have been committed even though no answer came back. */
export function isLostResponse(err: unknown): boolean {
  return err instanceof DashboardApiError && err.details.maybeCommitted === true;
}

/** "Too many concurrently executing batches…" (the Python SDK matches "executing batches"). */
export function isConcurrencyError(err: unknown): boolean {
  return err instanceof DashboardApiError && err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 429 && err.errors.some((e) => /executing batches/i.test(e));
}

const sameActions = (a: Action[], b: Action[]) =>
  a.length === b.length && a.every((x, i) => x.resource === b[i].resource && x.operation === b[i].operation && isDeepStrictEqual(x.body ?? {}, b[i].body ?? {}));

/** Creates the batch unconfirmed. */
export async function stage(api: BatchApi, org: string, batch: BatchToSubmit, opts: SubmitOptions, emit: EventSink): Promise<ActionBatch> {
  for (let recovery = 0; ; recovery++) {
    try {
      const created = await api.create(org, { actions: batch.actions, confirmed: false, synchronous: batch.synchronous });
      emit({ type: "batch.staged", index: batch.index, id: created.id, actions: batch.actions.length, synchronous: batch.synchronous, reused: false });
      return created;
    } catch (err) {
      if (!isLostResponse(err) || recovery >= opts.maxCreateRecoveries) throw err;
      const drafts = (await api.list(org, "pending")).filter((b) => !b.confirmed && sameActions(b.actions, batch.actions));
      for (const d of drafts) await api.remove(org, d.id).catch((e) => {
        if (!(e instanceof DashboardApiError && e.status === 404)) throw e;
      });
      emit({ type: "batch.recovered", index: batch.index, removedDrafts: drafts.map((d) => d.id) });
    }
  }
}

/** The staged batch to confirm: the one from `plan --stage` when it is still there and unchanged, else a new draft. */
async function draftFor(api: BatchApi, org: string, batch: BatchToSubmit, opts: SubmitOptions, emit: EventSink): Promise<ActionBatch> {
  if (batch.stagedId) {
    try {
      const found = await api.get(org, batch.stagedId);
      if (sameActions(found.actions, batch.actions)) {
        emit({ type: "batch.staged", index: batch.index, id: found.id, actions: found.actions.length, synchronous: found.synchronous, reused: true });
        return found;
      }
    } catch (err) {
      // Expired (7 days) or deleted: stage it again.
      if (!(err instanceof DashboardApiError && err.status === 404)) throw err;
    }
  }
  return stage(api, org, batch, opts, emit);
}

async function confirm(api: BatchApi, org: string, batch: BatchToSubmit, draft: ActionBatch, opts: SubmitOptions, emit: EventSink): Promise<ActionBatch> {
  if (draft.confirmed) return draft;
  const started = opts.clock.now();
  let wait = opts.concurrencyRetryMs;
  for (;;) {
    try {
      const confirmed = await api.update(org, draft.id, { confirmed: true });
      emit({ type: "batch.confirmed", index: batch.index, id: draft.id });
      return confirmed;
    } catch (err) {
      if (!isConcurrencyError(err) || opts.clock.now() - started >= opts.deadlineMs) throw err;
      const ms = Math.round(wait / 2 + (wait / 2) * opts.random());
      emit({ type: "batch.waiting", index: batch.index, id: draft.id, reason: "the organization already has 5 batches running", waitMs: ms });
      await opts.clock.sleep(ms);
      wait = Math.min(wait * 2, opts.concurrencyRetryMaxMs);
    }
  }
}

async function finish(api: BatchApi, org: string, batch: BatchToSubmit, current: ActionBatch, opts: SubmitOptions, emit: EventSink): Promise<ActionBatch> {
  const deadline = opts.clock.now() + opts.deadlineMs;
  let delay = opts.pollInitialMs;
  let b = current;
  for (let attempt = 1; !b.status.completed && !b.status.failed; attempt++) {
    if (opts.clock.now() >= deadline) {
      throw new MerakiBatchError(
        "BATCH_TIMEOUT",
        `batch ${b.id} did not finish within ${Math.round(opts.deadlineMs / 1000)} s; it may still complete (see 'meraki-batch batches show ${b.id}')`,
      );
    }
    await opts.clock.sleep(delay);
    delay = Math.min(Math.round(delay * 1.5), opts.pollMaxMs);
    b = await api.get(org, b.id);
    emit({ type: "batch.polled", index: batch.index, id: b.id, attempt });
  }
  emit({ type: "batch.done", index: batch.index, id: b.id, state: b.status.completed ? "completed" : "failed" });
  return b;
}

/** Stages (or reuses the staged draft), confirms and waits for one batch; resolves with its final state. */
export async function submit(api: BatchApi, org: string, batch: BatchToSubmit, opts: SubmitOptions, emit: EventSink): Promise<ActionBatch> {
  const draft = await draftFor(api, org, batch, opts, emit);
  const confirmed = await confirm(api, org, batch, draft, opts, emit);
  return finish(api, org, batch, confirmed, opts, emit);
}
