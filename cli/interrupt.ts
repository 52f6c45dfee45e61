/**
 * Graceful interrupts during an apply: the first SIGINT or SIGTERM aborts the run's signal (no
 * more batches are confirmed, drafts are deleted, confirmed batches are waited for and reported);
 * a second one exits at once with 130.
 */
import { Io } from "./io";

export interface Interruptible {
  signal: AbortSignal;
  dispose(): void;
}

export function interruptible(_io: Io, say: { first: () => void; second: () => void }, proc: NodeJS.Process = process): Interruptible {
  const controller = new AbortController();
  const onSignal = () => {
    if (!controller.signal.aborted) {
      say.first();
      controller.abort();
      return;
    }
    say.second();
    // Flush what was written, then go.
    process.stdout.write("", () => process.stderr.write("", () => proc.exit(130)));
  };
  proc.on("SIGINT", onSignal);
  proc.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      proc.off("SIGINT", onSignal);
      proc.off("SIGTERM", onSignal);
    },
  };
}
