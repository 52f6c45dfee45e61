/**
 * The pieces of sending one batch exactly once: options, the errors that need care (a lost
 * response to a POST, the API's concurrency limit), waiting that an interrupt can cut short, and
 * confirming a single staged batch (the `batches confirm` command).
 */
import { Clock } from "../clock";
import { DEFAULTS } from "../defaults";
import { ActionBatch, BatchApi } from "../dashboard/batches";
import { DashboardApiError, MerakiBatchError } from "../errors";

export interface SubmitOptions {
  clock: Clock;
  random: () => number;
  pollInitialMs: number;
  pollMaxMs: number;
  deadlineMs: number;
  concurrencyRetryMs: number;
  concurrencyRetryMaxMs: number;
  maxCreateRecoveries: number;
  unreachableMs: number;
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
  unreachableMs: DEFAULTS.unreachableMs,
});

/** The request may have been committed even though no answer came back. */
export function isLostResponse(err: unknown): boolean {
  return err instanceof DashboardApiError && err.details.maybeCommitted === true;
}

/** "Too many concurrently executing batches…" (the Python SDK matches "executing batches"). */
export function isConcurrencyError(err: unknown): boolean {
  return err instanceof DashboardApiError && err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 429 && err.errors.some((e) => /executing batches/i.test(e));
}

/** Not sent because the run was interrupted (maybeCommitted says whether an earlier attempt may have taken effect). */
export const isAborted = (err: unknown) => err instanceof DashboardApiError && err.code === "ABORTED";

export const isNotFound = (err: unknown) => err instanceof DashboardApiError && err.status === 404;

/** "A confirmed action batch cannot be deleted" and the like: the batch is confirmed. */
export const isConfirmedRefusal = (err: unknown) => err instanceof DashboardApiError && err.status === 400 && err.errors.some((e) => /confirmed/i.test(e));

export const messageOf = (err: unknown) => (MerakiBatchError.is(err) ? err.message : String((err as Error)?.message ?? err));

export { sleepOrAbort } from "../clock";

/** Confirms one staged batch by id (waiting out the concurrency limit) and polls it to the end. */
export async function confirmAndWait(api: BatchApi, org: string, id: string, opts: SubmitOptions): Promise<ActionBatch> {
  const started = opts.clock.now();
  let wait = opts.concurrencyRetryMs;
  let b: ActionBatch;
  for (;;) {
    try {
      b = await api.update(org, id, { confirmed: true });
      break;
    } catch (err) {
      if (!isConcurrencyError(err) || opts.clock.now() - started >= opts.deadlineMs) throw err;
      await opts.clock.sleep(Math.round(wait / 2 + (wait / 2) * opts.random()));
      wait = Math.min(wait * 2, opts.concurrencyRetryMaxMs);
    }
  }
  let delay = opts.pollInitialMs;
  while (!b.status.completed && !b.status.failed) {
    if (opts.clock.now() - started >= opts.deadlineMs) {
      throw new MerakiBatchError("BATCH_TIMEOUT", `batch ${id} did not finish within ${Math.round(opts.deadlineMs / 1000)} s; it may still complete (see 'meraki-batch batches show ${id}')`);
    }
    await opts.clock.sleep(delay);
    delay = Math.min(Math.round(delay * 1.5), opts.pollMaxMs);
    b = await api.get(org, id);
  }
  return b;
}
