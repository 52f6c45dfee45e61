/** What the CLI prints after an apply: every resource's outcome, what else it found, and the exit code. */
import { ApplyResult, Holder, describeObject } from "../provider";
import { naturalCompare } from "../provider/plan/order";
import { INTERRUPTED_EXIT } from "./interrupt";
import { Colours } from "./io";

// Settings, VLANs, access policies, devices, routing, ports, aggregations; then natural order of the key (port 2 before port 10).
const KIND_RANK: Record<string, number> = {
  vlansSettings: 0,
  vlan: 1,
  switchAccessPolicy: 2,
  device: 3,
  deviceTags: 3,
  switchRoutingInterface: 4,
  switchStaticRoute: 5,
  switchPort: 6,
  linkAggregation: 7,
};
const byResource = (a: { key: string }, b: { key: string }) => {
  const rank = (k: string) => KIND_RANK[k.split("/")[0]] ?? 9;
  return rank(a.key) - rank(b.key) || naturalCompare(a.key, b.key);
};

/** Exit codes of `apply` (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  /** Something failed, was refused, or does not read back as sent. */
  failed: 1,
  usage: 2,
  /** Nothing is known to have failed, but the outcome of a confirmed batch could not be learned. */
  unknown: 3,
  /** Another run's batches hold the plan's resources; nothing was confirmed. */
  contended: 4,
  interrupted: INTERRUPTED_EXIT,
} as const;

export function exitCode(result: Pick<ApplyResult, "ok" | "status" | "resources">): number {
  if (result.status === "interrupted") return EXIT.interrupted;
  if (result.status === "contended") return EXIT.contended;
  const has = (s: string) => result.resources.some((r) => r.outcome.status === s);
  if (has("failed") || has("notApplied") || has("mismatch") || result.status === "stale") return EXIT.failed;
  if (has("unknown")) return EXIT.unknown;
  return result.ok ? EXIT.ok : EXIT.failed;
}

const STATUS: Record<string, { mark: string; word: string }> = {
  applied: { mark: "✓", word: "applied" },
  unchanged: { mark: "=", word: "unchanged" },
  failed: { mark: "✗", word: "failed" },
  notApplied: { mark: "○", word: "not applied" },
  unknown: { mark: "?", word: "outcome unknown" },
  mismatch: { mark: "≠", word: "applied but not live as sent" },
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "unconfirmed batch 123 (made by meraki-batch on this machine 3 min ago, run ended)" */
export function describeHolder(h: Holder, now = Date.now()): string {
  const who = h.record
    ? `made by meraki-batch${h.record.purpose === "review" ? " plan --stage" : ""} on this machine ${age(now - h.record.createdAt)} ago${h.record.purpose === "run" ? (h.alive ? ", its run is still going" : ", its run has ended") : ""}`
    : "age and author unknown: not made on this machine";
  const what = h.objects.length ? `; touches ${h.objects.slice(0, 3).map(describeObject).join(", ")}${h.objects.length > 3 ? ` and ${h.objects.length - 3} more` : ""}` : "";
  return `${h.state === "running" ? "running" : "unconfirmed"} batch ${h.id} (${plural(h.actions, "action")}; ${who}${what})`;
}

export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}

export function formatOutcome(result: ApplyResult, c: Colours): string {
  const lines: string[] = [];
  const colour: Record<string, (s: string) => string> = { applied: c.green, unchanged: c.dim, failed: c.red, notApplied: c.yellow, unknown: c.yellow, mismatch: c.red };
  for (const r of [...result.resources].sort(byResource)) {
    const o = r.outcome;
    if (o.status === "unchanged") continue;
    const s = STATUS[o.status];
    const why = "reason" in o ? `: ${o.reason}` : o.status === "applied" && o.verified ? " (read back: as sent)" : "";
    lines.push(colour[o.status](`${s.mark} ${r.description} (${r.name}) ${s.word}${why}`));
  }
  if (result.status === "contended") {
    lines.push("", c.yellow("Nothing was confirmed: other batches hold resources of this plan:"));
    for (const h of result.holders) lines.push(`  ${describeHolder(h)}`);
    lines.push(c.dim("  Wait for them and plan again (apply --wait does that), or, if no other apply is running, delete them: meraki-batch batches prune"));
  }
  if (result.waitedFor.length) lines.push("", c.dim(`Waited for ${plural(result.waitedFor.length, "batch", "batches")} (${result.waitedFor.join(", ")}) that already carried this plan's actions, then planned again.`));
  if (result.removedAbandoned.length) lines.push(c.dim(`Deleted ${plural(result.removedAbandoned.length, "draft")} an interrupted run had left: ${result.removedAbandoned.join(", ")}.`));
  if (result.leftDrafts.length) {
    lines.push("", c.yellow(`Could not delete ${plural(result.leftDrafts.length, "unconfirmed draft")} of this run (the API did not answer):`));
    for (const d of result.leftDrafts) lines.push(`  ${/^\d+$/.test(d) ? `batch ${d}: delete it with 'meraki-batch batches delete ${d}' (or 'meraki-batch batches prune')` : d}`);
  }
  const unknown = result.resources.filter((r) => r.outcome.status === "unknown");
  if (unknown.length) {
    const ids = [...new Set(unknown.map((r) => (r.outcome as { batchId?: string }).batchId).filter(Boolean))];
    lines.push("", c.yellow(`The outcome of ${plural(ids.length || 1, "confirmed batch", "confirmed batches")} is unknown: inspect ${ids.map((id) => `'meraki-batch batches show ${id}'`).join(", ") || "the organization's batches"}; a new plan shows the truth.`));
  }
  const count = (st: string) => result.resources.filter((r) => r.outcome.status === st).length;
  const done = result.batches.filter((b) => b.state === "completed").length;
  const parts = [`${count("applied")} applied`, `${count("failed")} failed`, `${count("notApplied")} not applied`];
  if (count("unknown")) parts.push(`${count("unknown")} unknown`);
  if (count("mismatch")) parts.push(`${count("mismatch")} not live as sent`);
  parts.push(`${count("unchanged")} unchanged`);
  const verified = result.verified ? (count("mismatch") ? "; read back: mismatches" : "; read back: every applied field is live") : "";
  const head = result.ok ? "Applied" : result.status === "interrupted" ? "Interrupted" : result.status === "contended" ? "Not applied" : count("unknown") && !count("failed") && !count("notApplied") && !count("mismatch") ? "Outcome unknown" : "Apply failed";
  lines.push("", (result.ok ? c.green : c.red)(`${head}: ${parts.join(", ")}; ${done} of ${plural(result.batches.length, "batch", "batches")} completed${verified}.`));
  return lines.join("\n") + "\n";
}
