/**
 * Progress while batches run: a redrawn status line on a terminal, plain lines otherwise (CI
 * logs). Lines are cut to the terminal's width (80 columns when it is not known).
 */
import { ApplyEvent, Plan } from "../provider";
import { Io } from "./io";

export interface Progress {
  onEvent(e: ApplyEvent): void;
  done(): void;
  /** Ids of the batches confirmed and not yet finished. */
  running(): string[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function progress(plan: Plan, io: Io): Progress {
  const total = plan.batches.length;
  const actions = new Map(plan.batches.map((b) => [b.index, b.actions.length]));
  const finished = new Set<number>();
  const running = new Map<number, string>();
  let doneActions = 0;
  const totalActions = plan.summary.actions;
  const ids = new Map<number, string>();
  const tag = (i: number) => `batch #${i + 1}${ids.get(i) ? ` (${ids.get(i)})` : ""}`;

  const line = (e: ApplyEvent): string | undefined => {
    switch (e.type) {
      case "batch.staged":
        ids.set(e.index, e.id);
        return e.reused ? `${tag(e.index)}: using the unconfirmed batch already there` : `${tag(e.index)}: created unconfirmed, ${plural(e.actions, "action")}, ${e.synchronous ? "synchronous" : "asynchronous"}`;
      case "batch.recovered":
        return `batch #${e.index + 1}: the answer to its creation was lost; deleted ${plural(e.removedDrafts.length, "draft")} it left`;
      case "batch.waiting":
        return `${tag(e.index)}: waiting ${Math.round(e.waitMs / 100) / 10} s, ${e.reason}`;
      case "batch.confirmed":
        running.set(e.index, e.id);
        return `${tag(e.index)}: confirmed`;
      case "batch.polled":
        return undefined;
      case "batch.done":
        running.delete(e.index);
        return `${tag(e.index)}: ${e.state}`;
      case "batch.error":
        return `${tag(e.index)}: ${e.message}`;
      case "batch.skipped":
        return `batch #${e.index + 1}: ${e.reason}`;
      case "batch.unknown":
        running.delete(e.index);
        return `${tag(e.index)}: outcome unknown`;
      case "run.abandoned":
        return `deleted ${plural(e.ids.length, "draft")} an interrupted run had left (${e.ids.join(", ")})`;
      case "run.waitingFor":
        return e.waitedMs === 0 ? `waiting for ${plural(e.ids.length, "batch", "batches")} (${e.ids.join(", ")}): ${e.reason}` : undefined;
      case "run.stale":
        return `stopping: the live network changed since the plan was made (${e.details.length === 1 ? e.details[0] : plural(e.details.length, "resource")})${e.culprits?.length ? `; made by ${e.culprits.join(", ")}` : ""}`;
      case "run.explained":
        return `planning again: ${e.reason}`;
      case "run.draining":
        return `waiting ${Math.ceil(e.remainingMs / 1000)} s for ${plural(e.ids.length, "confirmed batch", "confirmed batches")} to finish: ${e.ids.join(", ")}`;
      case "run.cleanup":
        return e.left.length ? `could not delete ${plural(e.left.length, "draft")}: ${e.left.join(", ")}` : `deleted ${plural(e.deleted.length, "unconfirmed draft")} of this run`;
      case "verify.done":
        return `read back: ${e.verified} verified${e.mismatched ? `, ${e.mismatched} not as sent` : ""}`;
    }
  };

  const tty = !!io.stdout.isTTY;
  const columns = () => Math.max(20, (io.stdout.columns ?? 80) - 1);
  let drawn = false;
  const fit = (s: string) => (s.length > columns() ? `${s.slice(0, columns() - 1)}…` : s);
  const draw = (current: string) => {
    const width = 24;
    const filled = totalActions ? Math.round((doneActions / totalActions) * width) : width;
    const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
    io.stdout.write(`\r\u001b[2K${fit(`${bar} ${finished.size}/${total} batches, ${doneActions}/${totalActions} actions  ${current}`.trimEnd())}`);
    drawn = true;
  };
  // Lines that must stay on screen (not just flash in the status line).
  const sticky = (e: ApplyEvent) =>
    e.type === "batch.error" || e.type === "batch.skipped" || e.type === "batch.unknown" || e.type === "batch.recovered" || e.type.startsWith("run.") || e.type === "verify.done" || (e.type === "batch.done" && e.state === "failed");

  return {
    onEvent(e) {
      if (e.type === "batch.done" || e.type === "batch.error" || e.type === "batch.skipped" || e.type === "batch.unknown") {
        if (!finished.has(e.index)) {
          finished.add(e.index);
          if (e.type === "batch.done" && e.state === "completed") doneActions += actions.get(e.index) ?? 0;
        }
      }
      const text = line(e);
      if (tty) {
        if (text && sticky(e)) io.stdout.write(`\r\u001b[2K${fit(text)}\n`);
        draw(text ?? (e.type === "batch.polled" ? `${tag(e.index)}: running` : ""));
      } else if (text) {
        io.stdout.write(`${text}\n`);
      }
    },
    done() {
      // The last state of the bar stays, on a line of its own.
      if (tty && drawn) io.stdout.write("\n");
      drawn = false;
    },
    running: () => [...running.values()],
  };
}
