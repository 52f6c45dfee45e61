/** Progress events for front ends to draw (a progress bar, log lines). */
export type ApplyEvent =
  | { type: "batch.staged"; index: number; id: string; actions: number; synchronous: boolean; reused: boolean }
  | { type: "batch.recovered"; index: number; removedDrafts: string[] }
  | { type: "batch.waiting"; index: number; id: string; reason: string; waitMs: number }
  | { type: "batch.confirmed"; index: number; id: string }
  | { type: "batch.polled"; index: number; id: string; attempt: number }
  | { type: "batch.done"; index: number; id: string; state: "completed" | "failed" }
  | { type: "batch.error"; index: number; id?: string; message: string }
  | { type: "batch.skipped"; index: number; reason: string };

export type EventSink = (event: ApplyEvent) => void;
