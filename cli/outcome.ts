/** What the CLI prints after an apply: every resource's outcome, what else it found, and the exit code. */
import { ApplyResult, Holder, describeObject } from "../provider";
import { endsOnItsOwn, prunable, unknownDraft } from "../provider/apply/contention";
import { DEFAULTS } from "../provider/defaults";
import { naturalCompare } from "../provider/plan/order";
import { INTERRUPTED_EXIT } from "./interrupt";
import { Colours } from "./io";
import { resourceLines } from "./format/resources";
import { capped } from "./format/shared";

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

/**
 * An unknown outcome comes first, whatever else happened (interrupted, not applied, failed): it is
 * what a pipeline must look at before it runs again.
 */
export function exitCode(result: Pick<ApplyResult, "ok" | "status" | "resources">, interrupted = false): number {
  const has = (s: string) => result.resources.some((r) => r.outcome.status === s);
  if (has("unknown")) return EXIT.unknown;
  if (interrupted || result.status === "interrupted") return EXIT.interrupted;
  if (result.status === "contended") return EXIT.contended;
  if (has("failed") || has("notApplied") || has("mismatch") || result.status === "stale") return EXIT.failed;
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


/**
 * Another batch on the plan's resources, as a user can act on it: what it is (a review draft, a
 * concurrent run's batch, an ended run's, one from elsewhere), who made it and when when this
 * machine knows, what it touches, and for a review draft how to confirm or drop it.
 */
export function describeHolder(h: Holder, now = Date.now()): string {
  const r = h.record;
  const ago = (t: number) => `${age(now - t)} ago`;
  const what = h.objects.length ? `; touches ${h.objects.slice(0, 3).map(describeObject).join(", ")}${h.objects.length > 3 ? ` and ${h.objects.length - 3} more` : ""}` : "";
  const n = plural(h.actions, "action");
  if (r?.purpose === "review" && h.state === "unconfirmed") {
    return `review draft ${h.id} (${n}; staged with 'meraki-batch plan --stage'${r.user ? ` by ${r.user}` : ""} on this machine ${ago(r.createdAt)}${what}): it stays until someone confirms it ('meraki-batch batches confirm ${h.id}') or drops it ('meraki-batch batches delete ${h.id}')`;
  }
  let who: string;
  if (!r) who = h.state === "running" ? "not made by meraki-batch on this machine: another machine, the Dashboard or another tool" : "not made on this machine: age and author unknown";
  else if (r.purpose === "review") who = `staged with 'meraki-batch plan --stage' on this machine ${ago(r.createdAt)}, confirmed since`;
  else {
    const run = h.alive ? `a concurrent meraki-batch run on this machine (pid ${r.pid})` : `a meraki-batch run on this machine that has ended (pid ${r.pid})`;
    who = h.state === "running" ? `confirmed by ${run}${r.confirmedAt ? ` ${ago(r.confirmedAt)}` : ""}` : `made by ${run} ${ago(r.createdAt)}`;
  }
  return `${h.state === "running" ? "running" : "unconfirmed"} batch ${h.id} (${n}; ${who}${what})`;
}

/** What can be done about the batches that hold the plan's resources: only what applies to them. */
export function holderAdvice(holders: Holder[], waited: boolean): string[] {
  const out: string[] = [];
  const ids = (hs: Holder[]) => capped(hs.map((h) => h.id), 5, (n) => `${n} more`).join(", ");
  const waitable = holders.filter(endsOnItsOwn);
  const unsure = holders.filter(unknownDraft);
  const stuck = holders.filter((h) => !endsOnItsOwn(h));
  if (waitable.length) out.push(`${waitable.length === holders.length ? "They end on their own" : `${ids(waitable)} end on their own`}: wait for them and plan again (apply --wait does that).`);
  if (unsure.length) out.push(`${ids(unsure)}: made elsewhere; a run on another machine confirms or deletes its drafts within seconds (apply --wait waits ${Math.round(DEFAULTS.unconfirmedWaitMs / 1000)} s for that), a review draft staged elsewhere stays.`);
  const review = stuck.filter((h) => h.record?.purpose === "review");
  if (review.length && waited) out.push(`--wait does not wait for review drafts: nobody confirms or drops them but a person (${ids(review)}).`);
  const prune = stuck.filter(prunable);
  if (prune.length) out.push(`'meraki-batch batches prune' deletes the drafts meraki-batch made that no run needs (${prune.map((h) => h.id).join(", ")}), after you check nobody is about to confirm them.`);
  const foreign = stuck.filter((h) => !prunable(h));
  if (foreign.length) out.push(`Not meraki-batch's to delete: ${foreign.map((h) => h.id).join(", ")} ('meraki-batch batches show ID'; 'meraki-batch batches delete ID' if nobody needs it).`);
  return out;
}

export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}

/** Lines per group of resources, and other lists, before the rest is counted (--json has everything). */
const MAX_LINES = 10;
const GROUP_ORDER = ["applied", "notApplied", "failed", "mismatch", "unknown"];

/**
 * Every resource's outcome, grouped: resources that share an outcome and its reason (one batch's
 * rollback, an interrupt, an outage) are one line saying it, then the resources in a few compact
 * lines (ports as ranges); a resource with a reason of its own keeps its own line. What is printed
 * grows with the distinct things to say, not with resources × causes (issue #21.5).
 */
function outcomeLines(result: ApplyResult, c: Colours): string[] {
  const colour: Record<string, (s: string) => string> = { applied: c.green, unchanged: c.dim, failed: c.red, notApplied: c.yellow, unknown: c.yellow, mismatch: c.red };
  const groups = new Map<string, { status: string; why: string; batch?: string; items: ApplyResult["resources"] }>();
  for (const r of [...result.resources].sort(byResource)) {
    const o = r.outcome;
    if (o.status === "unchanged") continue;
    const why = "reason" in o ? `: ${o.reason}` : o.status === "applied" && o.verified ? " (read back: as sent)" : "";
    const batch = o.status === "applied" ? `batch #${o.batch + 1} (${o.batchId})` : undefined;
    const key = `${o.status}\u0000${batch ?? ""}\u0000${why}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { status: o.status, why, batch, items: [] }));
    g.items.push(r);
  }
  const lines: string[] = [];
  const ordered = [...groups.values()].sort((a, b) => GROUP_ORDER.indexOf(a.status) - GROUP_ORDER.indexOf(b.status));
  for (const g of ordered) {
    const s = STATUS[g.status];
    const paint = colour[g.status];
    if (g.items.length === 1) {
      const r = g.items[0];
      lines.push(paint(`${s.mark} ${r.description} (${r.name}) ${s.word}${g.why}`));
      continue;
    }
    const n = plural(g.items.length, "resource");
    const word = g.status === "unknown" ? "with an unknown outcome" : s.word;
    lines.push(paint(g.status === "applied" ? `${s.mark} ${n} ${word} by ${g.batch}${g.why}:` : `${s.mark} ${n} ${word}${g.why}:`));
    for (const l of resourceLines(g.items.map((r) => r.description), MAX_LINES, "--json lists each")) lines.push(`    ${l}`);
  }
  return lines;
}

export function formatOutcome(result: ApplyResult, c: Colours, waited = false): string {
  const lines = outcomeLines(result, c);
  if (result.status === "contended") {
    lines.push("", c.yellow("Nothing was confirmed: other batches hold resources of this plan:"));
    for (const l of capped(result.holders.map((h) => describeHolder(h)), MAX_LINES, (n) => `… and ${n} more (--json lists them)`)) lines.push(`  ${l}`);
    for (const l of holderAdvice(result.holders, waited)) lines.push(c.dim(`  ${l}`));
  }
  if (result.waitedFor.length) lines.push("", c.dim(`Waited for ${plural(result.waitedFor.length, "batch", "batches")} (${result.waitedFor.join(", ")}) that already carried this plan's actions, then planned again.`));
  if (result.removedAbandoned.length) lines.push(c.dim(`Deleted ${plural(result.removedAbandoned.length, "draft")} an interrupted run had left: ${result.removedAbandoned.join(", ")}.`));
  if (result.leftDrafts.length) {
    lines.push("", c.yellow(`Could not delete ${plural(result.leftDrafts.length, "unconfirmed draft")} of this run (the API did not answer):`));
    const left = result.leftDrafts.map((d) => (/^\d+$/.test(d) ? `batch ${d}: delete it with 'meraki-batch batches delete ${d}' (or 'meraki-batch batches prune')` : d));
    for (const l of capped(left, MAX_LINES, (n) => `… and ${n} more (--json lists them)`)) lines.push(`  ${l}`);
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
  // An unknown outcome is named first, whatever else happened (as the exit code, 3, says).
  const head = result.ok
    ? "Applied"
    : result.status === "interrupted"
      ? count("unknown") ? "Interrupted, outcome unknown" : "Interrupted"
      : count("unknown") ? "Outcome unknown" : result.status === "contended" ? "Not applied" : "Apply failed";
  lines.push("", (result.ok ? c.green : c.red)(`${head}: ${parts.join(", ")}; ${done} of ${plural(result.batches.length, "batch", "batches")} completed${verified}.`));
  return lines.join("\n") + "\n";
}
