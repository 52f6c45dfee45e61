/**
 * Interrupts. During an apply's batches: the first SIGINT or SIGTERM aborts the run's signal (no
 * more batches are confirmed, drafts are deleted, confirmed batches are waited for and reported);
 * a second one exits at once with 130. Everywhere else (loading the program, reading the network,
 * staging, at the prompt) no batch of this run is in flight: the CLI says where it was and what
 * that means, and exits 130, instead of dying by the signal with nothing said (or, at a prompt,
 * exiting 0 as if all went well).
 */
import { Io } from "./io";

export const INTERRUPTED_EXIT = 130;

/** Ctrl-C at a prompt: a terminal in raw mode delivers it as input, not as a signal. */
export class Interrupted extends Error {
  constructor() {
    super("interrupted");
  }
}

let note = "";

/** What an interrupt outside an apply's batches means at this point; the command sets it as it goes. */
export function interruptNote(text: string): void {
  note = text;
}

export function interruptedMessage(): string {
  return `\nInterrupted${note ? `: ${note}` : "."}\n`;
}

/**
 * The CLI's handler for SIGINT and SIGTERM, installed before any command runs. A command's own
 * handler (an apply's batches, the emulator) takes precedence: then this one does nothing.
 */
export function interruptByDefault(proc: NodeJS.Process = process): void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (proc.listenerCount(signal) > 1) return;
    process.stdout.write("", () => process.stderr.write(interruptedMessage(), () => proc.exit(INTERRUPTED_EXIT)));
  };
  proc.on("SIGINT", onSignal);
  proc.on("SIGTERM", onSignal);
}

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
    process.stdout.write("", () => process.stderr.write("", () => proc.exit(INTERRUPTED_EXIT)));
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
