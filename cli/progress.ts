/**
 * Progress while batches run: a redrawn bar on a terminal, plain lines otherwise (CI logs).
 */
import { ApplyEvent, Plan } from "../provider";
import { Io } from "./io";

export interface Progress {
  onEvent(e: ApplyEvent): void;
  done(): void;
}

export function progress(plan: Plan, io: Io): Progress {
  const total = plan.batches.length;
  const actions = new Map(plan.batches.map((b) => [b.index, b.actions.length]));
  const finished = new Set<number>();
  let doneActions = 0;
  const totalActions = plan.summary.actions;
  const ids = new Map<number, string>();
  const tag = (i: number) => `batch #${i + 1}${ids.get(i) ? ` (${ids.get(i)})` : ""}`;

  const line = (e: ApplyEvent): string | undefined => {
    switch (e.type) {
      case "batch.staged":
        ids.set(e.index, e.id);
        return e.reused ? `${tag(e.index)}: using the staged batch` : `${tag(e.index)}: created unconfirmed, ${e.actions} action${e.actions === 1 ? "" : "s"}, ${e.synchronous ? "synchronous" : "asynchronous"}`;
      case "batch.recovered":
        return `batch #${e.index + 1}: the create's answer was lost; removed ${e.removedDrafts.length} orphan draft${e.removedDrafts.length === 1 ? "" : "s"} and created it again`;
      case "batch.waiting":
        return `${tag(e.index)}: waiting ${Math.round(e.waitMs / 100) / 10} s, ${e.reason}`;
      case "batch.confirmed":
        return `${tag(e.index)}: confirmed`;
      case "batch.polled":
        return undefined;
      case "batch.done":
        return `${tag(e.index)}: ${e.state}`;
      case "batch.error":
        return `${tag(e.index)}: ${e.message}`;
      case "batch.skipped":
        return `batch #${e.index + 1}: ${e.reason}`;
    }
  };

  const tty = !!io.stdout.isTTY;
  let drawn = false;
  const draw = (current: string) => {
    const width = 24;
    const filled = totalActions ? Math.round((doneActions / totalActions) * width) : width;
    const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
    const text = `${bar} ${finished.size}/${total} batches, ${doneActions}/${totalActions} actions  ${current}`;
    const columns = io.stdout.columns ?? 100;
    io.stdout.write(`\r\u001b[2K${text.slice(0, columns - 1)}`);
    drawn = true;
  };

  return {
    onEvent(e) {
      if (e.type === "batch.done" || e.type === "batch.error" || e.type === "batch.skipped") {
        if (!finished.has(e.index)) {
          finished.add(e.index);
          if (e.type === "batch.done" && e.state === "completed") doneActions += actions.get(e.index) ?? 0;
        }
      }
      const text = line(e);
      if (tty) {
        if (text && (e.type === "batch.error" || e.type === "batch.skipped" || (e.type === "batch.done" && e.state === "failed") || e.type === "batch.recovered")) {
          io.stdout.write(`\r\u001b[2K${text}\n`);
        }
        draw(text ?? (e.type === "batch.polled" ? `${tag(e.index)}: running (poll ${e.attempt})` : ""));
      } else if (text) {
        io.stdout.write(`${text}\n`);
      }
    },
    done() {
      if (tty && drawn) io.stdout.write("\n");
    },
  };
}
