/** What the CLI prints after an apply: every resource's outcome and a summary line. */
import { ApplyResult } from "../provider";
import { Colours } from "./io";

const STATUS_MARK = { applied: "✓", unchanged: "=", failed: "✗", notApplied: "○" } as const;

export function formatOutcome(result: ApplyResult, c: Colours): string {
  const lines: string[] = [];
  const colour = { applied: c.green, unchanged: c.dim, failed: c.red, notApplied: c.yellow };
  for (const r of result.resources) {
    const o = r.outcome;
    if (o.status === "unchanged") continue;
    const why = "reason" in o ? `: ${o.reason}` : "";
    lines.push(colour[o.status](`${STATUS_MARK[o.status]} ${r.description} (${r.name}) ${o.status === "notApplied" ? "not applied" : o.status}${why}`));
  }
  const count = (st: string) => result.resources.filter((r) => r.outcome.status === st).length;
  const batches = result.batches.filter((b) => b.state === "completed").length;
  lines.push(
    "",
    (result.ok ? c.green : c.red)(
      `${result.ok ? "Applied" : "Apply failed"}: ${count("applied")} applied, ${count("failed")} failed, ${count("notApplied")} not applied, ${count("unchanged")} unchanged; ${batches} of ${result.batches.length} batch${result.batches.length === 1 ? "" : "es"} completed.`,
    ),
  );
  return lines.join("\n") + "\n";
}
