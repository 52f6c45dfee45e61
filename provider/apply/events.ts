/** Progress events for front ends to draw (a progress bar, log lines). */
export type ApplyEvent =
  | { type: "batch.staged"; index: number; id: string; actions: number; synchronous: boolean; reused: boolean }
  | { type: "batch.recovered"; index: number; removedDrafts: string[] }
  | { type: "batch.waiting"; index: number; id: string; reason: string; waitMs: number }
  | { type: "batch.confirmed"; index: number; id: string }
  | { type: "batch.polled"; index: number; id: string; attempt: number }
  | { type: "batch.done"; index: number; id: string; state: "completed" | "failed" }
  | { type: "batch.error"; index: number; id?: string; message: string }
  | { type: "batch.skipped"; index: number; reason: string }
  | { type: "batch.unknown"; index: number; id: string; reason: string }
  /** Drafts a killed run of this tool left on this machine, deleted before starting. */
  | { type: "run.abandoned"; ids: string[] }
  /** Waiting for other batches (a killed run's, or another run's with --wait) before planning again. */
  | { type: "run.waitingFor"; ids: string[]; reason: string; waitedMs: number }
  /** The live state moved since the plan was made: the rest is not confirmed. */
  | { type: "run.stale"; details: string[]; culprits?: string[] }
  /** The moves since the plan are another run's batches doing this plan's changes: plan again (issue #21.4). */
  | { type: "run.explained"; ids: string[]; reason: string }
  /** Interrupted: waiting for confirmed batches to finish. */
  | { type: "run.draining"; ids: string[]; remainingMs: number }
  /** Unconfirmed drafts deleted at the end of the run, and those that could not be. */
  | { type: "run.cleanup"; deleted: string[]; left: string[] }
  | { type: "verify.done"; verified: number; mismatched: number };

export type EventSink = (event: ApplyEvent) => void;
