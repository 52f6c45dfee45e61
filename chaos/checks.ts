/**
 * The invariants a chaos iteration is judged by (issue #10), over what was observed: each run's
 * exit code and --json report, the organization's batch list and live state right after each run,
 * the draft ledger, and the final state after the clean run. Pure, so the checks are tested on
 * their own (tests/chaos/checks.test.ts): a checker that cannot fail proves nothing.
 *
 * Why these checks are precise and not merely plausible:
 * - Every value a program declares carries its marker (chaos/program.ts), and an iteration never
 *   runs a program again once another program's batch may have overwritten its objects
 *   (chaos/iteration.ts). So a program legitimately writes an object at most once, unless an
 *   injected dropChange swallowed the write (then once more per such fault).
 * - "Right after a run", other batches may still change the live state: a killed run's confirmed
 *   batch, or the other run of a pair. A live value that is not what a run claims is excused only
 *   by a batch that finished during the run's step, writes exactly that value, and was not seen
 *   finished before the claim was made (the state watcher times it; see excuse()).
 */
import { BatchView, LiveState } from "./api";
import { ActionLike, actionMarker, actionObject, actionText, keyObject, sameValue } from "./objects";
import { Decl, ProgramSpec } from "./program";
import { Overlap } from "./watch";

export interface Outcome {
  status: string;
  batch?: number;
  batchId?: string;
  verified?: boolean;
  reason?: string;
  mismatches?: Array<{ path: string; sent: unknown; live: unknown }>;
}

export interface ApplyJson {
  ok: boolean;
  status: string;
  exitCode: number;
  resources: Array<{ key: string; name: string; description?: string; outcome: Outcome }>;
  batches: Array<{ index: number; id?: string; state: string; errors?: string[]; adopted?: boolean }>;
  leftDrafts?: string[];
  removedAbandoned?: string[];
  waitedFor?: string[];
  verified?: boolean;
}

export interface LedgerRecord {
  id: string;
  pid: number;
  runId: string;
  purpose: string;
}

export interface Snapshot {
  at: number;
  /** The batch list before and after the live state was read. */
  batches1: BatchView[];
  live: LiveState;
  batches2: BatchView[];
  /** The draft ledger's records (MERAKI_BATCH_STATE_DIR of the iteration). */
  ledger: LedgerRecord[];
}

export interface FaultMatch {
  operation?: string;
  resource?: string;
}

export interface RunObservation {
  label: string;
  program: ProgramSpec;
  flags: string[];
  pid: number;
  code: number | null;
  signal: string | null;
  /** Signals sent while it ran. */
  signals: string[];
  /** SIGKILL, or a second SIGINT, reached it while it ran: it had no chance to report or clean up. */
  cutShort: boolean;
  json?: ApplyJson;
  stdout: string;
  stderr: string;
  /** The batch list when its step began. */
  before: BatchView[];
  after: Snapshot;
  /** The only run of its step: unconfirmed batches made during the step are its own. */
  solo: boolean;
  /** `plan --detailed-exitcode` right after an exit 0 when nothing else could change the network. */
  plan?: { code: number | null; output: string };
  /** dropChange faults of its step (a batch may complete without making these changes). */
  dropChanges: FaultMatch[];
  /** When the process ended (ms since the epoch). */
  exitAt: number;
  /** When each batch was first seen finished (chaos/watch.ts, ms since the epoch); a batch not seen has none. */
  finishedAt: Record<string, number>;
  /** The re-run at once after a kill with nothing else going wrong (a rerunAtOnce step): it must converge. */
  mustConverge?: boolean;
  /** Everything it printed (stdout and stderr are kept cut to their last 20,000 characters). */
  output?: { bytes: number; lines: number };
  /**
   * A run alone in the organization (nothing running when it started): the most batches the
   * emulator's request log saw running at once during it, and its --max-in-flight.
   */
  inFlight?: { max: number; limit: number };
}

export interface IterationObservation {
  seed: number;
  runs: RunObservation[];
  clean?: RunObservation;
  cleanPlan?: { code: number | null; output: string };
  finalBatches: BatchView[];
  finalLive: LiveState;
  finalProgram: ProgramSpec;
  /** Every dropChange fault injected during the iteration. */
  dropChanges: FaultMatch[];
  overlaps: Overlap[];
  /** Runs that had to be killed by the runner because they did not end. */
  hangs: string[];
}

export type Invariant =
  | "exactly-once"
  | "no-draft-left"
  | "run-deletes-its-drafts"
  | "truthful-outcome"
  | "exit-0-converged"
  | "clean-run-converges"
  | "exit-codes"
  | "no-interleaving"
  | "runs-end"
  | "rerun-converges"
  | "output-size"
  | "in-flight";

/**
 * What a run may print: a few lines per resource of its program (the plan, then the outcome; the
 * --json report lists each resource) plus a constant. A cause repeated per resource (6 MB for 483
 * resources, issue #21.5) is far above it.
 */
export const outputBound = (resources: number) => ({ bytes: 2_000 * resources + 40_000, lines: 30 * resources + 300 });

export interface Violation {
  invariant: Invariant;
  run?: string;
  message: string;
  evidence: string[];
}

const DOCUMENTED_CODES = [0, 1, 3, 4, 130];
const OUTCOMES = ["applied", "unchanged", "failed", "notApplied", "unknown", "mismatch"];

const state = (b: BatchView) => (!b.confirmed ? "unconfirmed" : b.status.completed ? "completed" : b.status.failed ? "failed" : "running");
const show = (v: unknown) => (v === undefined ? "–" : JSON.stringify(v));
const brief = (b: BatchView) => `batch ${b.id} (${state(b)}, ${b.actions.length} actions: ${b.actions.slice(0, 3).map((a) => `${a.operation} ${a.resource} ${JSON.stringify(a.body ?? {})}`).join("; ")}${b.actions.length > 3 ? "; …" : ""})`;

/** The emulator's matching rule for dropChange/actionFailure: operation equal if given, resource containing the text if given. */
export const faultMatches = (f: FaultMatch, a: ActionLike) => (f.operation === undefined || f.operation === a.operation) && (f.resource === undefined || a.resource.includes(f.resource));

/** The exit code the README documents for a --json report. */
export function expectedExitCode(j: ApplyJson): number {
  const has = (s: string) => j.resources.some((r) => r.outcome.status === s);
  // An unknown outcome comes first: it is what a pipeline must look at before it runs again.
  if (has("unknown") || j.batches.some((b) => b.state === "unknown")) return 3;
  if (j.status === "interrupted") return 130;
  if (j.status === "contended") return 4;
  if (has("failed") || has("notApplied") || has("mismatch") || j.status === "stale") return 1;
  return j.ok ? 0 : 1;
}

/** Batches that finished between the step's start and the snapshot: the only writers that can excuse a live value. */
function finishedDuring(run: RunObservation): BatchView[] {
  const before = new Map(run.before.map((b) => [b.id, b]));
  return run.after.batches2.filter((b) => b.status.completed && !before.get(b.id)?.status.completed);
}

/**
 * Time between a run's last read of the network (verification) and its exit, as observed on a
 * loaded machine, plus the state watcher's polling: when none of the run's batches was seen
 * finishing, a batch seen finished this close to the exit may have run after its verification.
 */
export const EXIT_GRACE_MS = 500;

interface Writers {
  batches: BatchView[];
  finishedAt: Record<string, number>;
  /** From when the run's read-back (verification) may have been made: its last own batch seen finished. */
  verifiedFrom: number;
}

/**
 * A batch other than the run's own that finished during the step, sets `field` of `object` to
 * `value`, and may have done so after the run's own claim about the object:
 * - `verifiedBy` (the run read it back as sent): seen finished once the run's own batches had all
 *   finished (its read-back, one request per collection, follows them and may precede this batch);
 * - `own` (written by the run, not read back): not seen finished before the run's own batch;
 * - neither (the run's plan left it alone, or did not apply it): any time during the step.
 */
function excuse(w: Writers, object: string, field: string, value: unknown, claim: { own?: string; verifiedBy?: string } = {}): BatchView | undefined {
  const own = claim.verifiedBy ?? claim.own;
  const seen = (b: BatchView) => w.finishedAt[b.id];
  const late = (b: BatchView) => {
    if (seen(b) === undefined) return true;
    if (claim.verifiedBy !== undefined) return seen(b) >= w.verifiedFrom;
    if (claim.own !== undefined) return w.finishedAt[claim.own] === undefined || seen(b) >= w.finishedAt[claim.own];
    return true;
  };
  return w.batches.find((b) => b.id !== own && late(b) && b.actions.some((a) => actionObject(a) === object && a.body && field in a.body && sameValue(field, a.body[field], value)));
}

const NONE: Writers = { batches: [], finishedAt: {}, verifiedFrom: 0 };

const liveField = (live: LiveState, d: Decl, field: string) => live[d.object]?.[field];

/** Declared fields that are not live and that no other batch explains. */
function unexplained(d: Decl, live: LiveState, writers: Writers, claim?: Outcome): string[] {
  const out: string[] = [];
  const c = claim?.status === "applied" && claim.batchId ? (claim.verified ? { verifiedBy: claim.batchId } : { own: claim.batchId }) : {};
  for (const [f, want] of Object.entries(d.fields)) {
    const got = liveField(live, d, f);
    if (sameValue(f, want, got)) continue;
    if (excuse(writers, d.object, f, got, c)) continue;
    out.push(`${f}: declared ${show(want)}, live ${show(got)}`);
  }
  return out;
}

/** Checks 3, 4 and 5 (and that a run deletes its own drafts) for one run. */
export function checkRun(run: RunObservation): Violation[] {
  const out: Violation[] = [];
  const v = (invariant: Invariant, message: string, evidence: string[] = []) => out.push({ invariant, run: run.label, message, evidence });
  const j = run.json;
  const snap = run.after;
  const byId = new Map(snap.batches2.map((b) => [b.id, b]));
  const during = finishedDuring(run);
  const ownFinished = (j?.batches ?? []).flatMap((x) => (x.id && !x.adopted && (x.state === "completed" || x.state === "failed") && run.finishedAt[x.id] !== undefined ? [run.finishedAt[x.id]] : []));
  const writers: Writers = { batches: during, finishedAt: run.finishedAt, verifiedFrom: ownFinished.length ? Math.max(...ownFinished) : run.exitAt - EXIT_GRACE_MS };
  const declOf = new Map(run.program.decls.map((d) => [d.object, d]));
  const exitText = run.code === null ? `signal ${run.signal}` : `exit ${run.code}`;

  // 5. Exit codes: documented, and what the report says.
  if (/\n\s+at .+:\d+:\d+\)?\n/.test(run.stderr)) v("exit-codes", "a stack trace was printed", [run.stderr.slice(-1500)]);
  if (!run.cutShort) {
    if (run.code === null) {
      // A SIGINT before main.ts has put its handler in place (while Node loads the CLI) ends the process as it would any program;
      // after that, one outside the apply's batches exits 130 with a message.
      if (!(run.signal === "SIGINT" && run.signals.includes("SIGINT"))) v("exit-codes", `ended by ${run.signal} without being sent it`);
    } else {
      if (!DOCUMENTED_CODES.includes(run.code)) v("exit-codes", `exit code ${run.code} is not one of the documented ${DOCUMENTED_CODES.join(", ")}`, [run.stderr.slice(-800)]);
      if (run.code === 130 && !run.signals.includes("SIGINT")) v("exit-codes", "exit 130 without an interrupt");
      if (j) {
        if (j.exitCode !== run.code) v("exit-codes", `the report says exitCode ${j.exitCode}, the process exited ${run.code}`);
        const want = expectedExitCode(j);
        if (want !== run.code) v("exit-codes", `exit ${run.code} for status ${j.status} with outcomes ${summary(j)} (documented: ${want})`);
        if (j.ok && j.resources.some((r) => !["applied", "unchanged"].includes(r.outcome.status))) v("exit-codes", `ok: true with outcomes ${summary(j)}`);
        for (const r of j.resources) if (!OUTCOMES.includes(r.outcome.status)) v("exit-codes", `unknown outcome status '${r.outcome.status}' for ${r.key}`);
      } else if (run.code !== 1 && run.code !== 130) {
        v("exit-codes", `exit ${run.code} without a --json report`, [run.stdout.slice(-500), run.stderr.slice(-800)]);
      } else if (run.code === 1 && !/^error: /m.test(run.stderr)) {
        v("exit-codes", "exit 1 without a report or an error message", [run.stderr.slice(-800)]);
      }
    }
  }

  // 3. Every reported outcome is true of the live state right after the run.
  if (j && !run.cutShort) {
    for (const r of j.resources) {
      const o = r.outcome;
      const object = keyObject(r.key);
      const d = declOf.get(object);
      const b = o.batchId ? byId.get(o.batchId) : undefined;
      const carries = b?.actions.some((a) => actionObject(a) === object) ?? false;
      const where = `${r.key} (${r.name})`;
      switch (o.status) {
        case "applied": {
          if (!b) v("truthful-outcome", `${where} reported applied by batch ${o.batchId}, which is not in the organization's batch list`);
          else if (!b.status.completed) v("truthful-outcome", `${where} reported applied, but its batch is ${state(b)}`, [brief(b)]);
          else if (!carries) v("truthful-outcome", `${where} reported applied by a batch that does not write it`, [brief(b)]);
          // Not read back (an interrupted run does not verify): "applied" says its batch completed, and
          // a change the emulator dropped (dropChange) is then not live without anyone knowing.
          const dropped = o.verified !== true && b?.actions.some((a) => actionObject(a) === object && run.dropChanges.some((f) => faultMatches(f, a)));
          const off = d && !dropped ? unexplained(d, snap.live, writers, o) : [];
          if (off.length) v("truthful-outcome", `${where} reported applied${o.verified === false ? " (not read back)" : ""}, but right after the run ${off.join("; ")}`, [...(b ? [brief(b)] : []), `batches that finished during the step: ${during.map((w) => w.id).join(", ") || "none"}`]);
          break;
        }
        case "failed":
        case "notApplied": {
          // Another run's draft that this run took and did not confirm: its maker may confirm it after this report.
          const adopted = j.batches.some((x) => x.id === o.batchId && x.adopted === true);
          if (b?.status.completed && !adopted) v("truthful-outcome", `${where} reported ${o.status} (${o.reason}), but its batch completed`, [brief(b)]);
          if (d && Object.keys(d.fields).length && unexplained(d, snap.live, NONE).length === 0) {
            // Every declared field is live: some batch made the change during the step; it must not be this run's own.
            const others = during.filter((w) => (w.id !== o.batchId || adopted) && w.actions.some((a) => actionObject(a) === object));
            if (!others.length) v("truthful-outcome", `${where} reported ${o.status} (${o.reason}), but every declared field is live and no other batch wrote it during the step`, [...(b ? [brief(b)] : []), ...during.map(brief)]);
          }
          break;
        }
        case "unknown": {
          if (!o.batchId) v("truthful-outcome", `${where} reported unknown without naming a batch`, [o.reason ?? ""]);
          else if (!b) v("truthful-outcome", `${where} reported unknown for batch ${o.batchId}, which is not in the organization's batch list`, [o.reason ?? ""]);
          else if (!b.confirmed) v("truthful-outcome", `${where} reported unknown for batch ${o.batchId}, which was never confirmed`, [o.reason ?? "", brief(b)]);
          break;
        }
        case "mismatch": {
          if (!b?.status.completed) v("truthful-outcome", `${where} reported applied but not live as sent, but its batch ${o.batchId} is ${b ? state(b) : "absent"}`);
          const dropped = b?.actions.some((a) => actionObject(a) === object && run.dropChanges.some((f) => faultMatches(f, a)));
          const rewritten = during.some((w) => w.id !== o.batchId && w.actions.some((a) => actionObject(a) === object));
          if (!dropped && !rewritten) v("truthful-outcome", `${where} reported not live as sent (${o.reason}) with no dropped change and no other batch writing it`, [...(b ? [brief(b)] : [])]);
          break;
        }
      }
    }
  }

  // 4. Exit code 0 only when converged.
  if (run.code === 0 && !run.cutShort) {
    const claims = new Map((j?.resources ?? []).map((r) => [keyObject(r.key), r.outcome]));
    const off = run.program.decls.flatMap((d) => unexplained(d, snap.live, writers, claims.get(d.object)).map((x) => `${d.kind} ${d.name}: ${x}`));
    if (off.length) v("exit-0-converged", `exited 0, but right after it ${off.length} declared field(s) were not live`, [...off.slice(0, 10), `batches that finished during the step: ${during.map((w) => w.id).join(", ") || "none"}`]);
    if (run.plan && run.plan.code !== 0) v("exit-0-converged", `exited 0, but a plan right after exits ${run.plan.code ?? "by signal"}`, [run.plan.output.slice(-2000)]);
  }

  // Killed right after its first confirmation, then run again at once, nothing else going wrong: the re-run converges (issue #21.4).
  if (run.mustConverge && !run.cutShort && run.code !== 0) {
    v("rerun-converges", `the re-run at once after a kill ${exitText}${j ? ` (${j.status}: ${summary(j)})` : ""}`, [j ? j.resources.filter((r) => r.outcome.status !== "applied" && r.outcome.status !== "unchanged").slice(0, 5).map((r) => `${r.key}: ${r.outcome.status} ${r.outcome.reason ?? ""}`).join("\n") : "", run.stderr.slice(-1500)]);
  }

  // Output proportional to the change (issue #21.5).
  if (run.output) {
    const bound = outputBound(run.program.decls.length);
    if (run.output.bytes > bound.bytes || run.output.lines > bound.lines) {
      v("output-size", `printed ${run.output.bytes} bytes in ${run.output.lines} lines for a program of ${run.program.decls.length} resources (bound: ${bound.bytes} bytes, ${bound.lines} lines)`, [run.stderr.slice(-1500)]);
    }
  }

  // A run alone keeps to its --max-in-flight, also when confirmations got no answer (issue #21.8).
  if (run.inFlight && run.inFlight.max > run.inFlight.limit) {
    v("in-flight", `${run.inFlight.max} batches were running at once in the organization, under --max-in-flight ${run.inFlight.limit}, with no other run`, [run.stdout.slice(-1500)]);
  }

  // A run that ended on its own deletes the drafts it made, or names them (issue #10, point 2).
  if (!run.cutShort) {
    const before = new Set(run.before.map((b) => b.id));
    const ledger = new Map(snap.ledger.map((r) => [r.id, r]));
    const named = new Set([...(j?.leftDrafts ?? []), ...(j?.resources ?? []).filter((r) => r.outcome.status === "unknown").map((r) => r.outcome.batchId ?? "")]);
    const mayExist = (j?.leftDrafts ?? []).filter((d) => !/^\d+$/.test(d)).length;
    const mine = snap.batches2.filter((b) => !b.confirmed && !before.has(b.id) && (ledger.get(b.id)?.pid === run.pid || (run.solo && !ledger.has(b.id))));
    const unnamed = mine.filter((b) => !named.has(b.id));
    const unrecorded = unnamed.filter((b) => !ledger.has(b.id));
    if (unnamed.length - Math.min(mayExist, unrecorded.length) > 0) {
      v("run-deletes-its-drafts", `${exitText}, leaving ${unnamed.length} unconfirmed draft(s) it made without naming them`, [...unnamed.map(brief), `leftDrafts: ${JSON.stringify(j?.leftDrafts ?? null)}`]);
    }
  }
  return out;
}

export function summary(j: ApplyJson): string {
  const n = new Map<string, number>();
  for (const r of j.resources) n.set(r.outcome.status, (n.get(r.outcome.status) ?? 0) + 1);
  return [...n].map(([k, c]) => `${c} ${k}`).join(", ") || "none";
}

/** Checks 1, 2 and the clean run, over the whole iteration. */
export function checkIteration(it: IterationObservation): Violation[] {
  const out: Violation[] = [];
  const v = (invariant: Invariant, message: string, evidence: string[] = [], run?: string) => out.push({ invariant, message, evidence, ...(run ? { run } : {}) });
  const completed = it.finalBatches.filter((b) => b.status.completed);
  const allowance = (a: ActionLike) => it.dropChanges.filter((f) => faultMatches(f, a)).length;

  // 1. No batch applied twice, also across runs: the same action in two completed batches…
  const byAction = new Map<string, { action: ActionLike; ids: string[] }>();
  for (const b of completed) {
    for (const a of b.actions) {
      const k = actionText(a);
      const e = byAction.get(k) ?? { action: a, ids: [] };
      if (!e.ids.includes(b.id)) e.ids.push(b.id);
      byAction.set(k, e);
    }
  }
  for (const [k, e] of byAction) {
    if (e.ids.length > 1 + allowance(e.action)) v("exactly-once", `the same action completed in ${e.ids.length} batches: ${k}`, e.ids.map((id) => brief(completed.find((b) => b.id === id)!)));
  }
  // …nor one program writing the same object in two completed batches (its marker says whose write it is).
  const byWrite = new Map<string, { ids: string[]; actions: ActionLike[] }>();
  for (const b of completed) {
    for (const a of b.actions) {
      const k = `${actionMarker(a) ?? "?"} ${actionObject(a)}`;
      const e = byWrite.get(k) ?? { ids: [], actions: [] };
      if (!e.ids.includes(b.id)) (e.ids.push(b.id), e.actions.push(a));
      byWrite.set(k, e);
    }
  }
  for (const [k, e] of byWrite) {
    const allowed = 1 + Math.max(...e.actions.map(allowance));
    if (e.ids.length > allowed && ![...byAction.values()].some((x) => x.ids.length > 1 && e.ids.every((id) => x.ids.includes(id)))) {
      v("exactly-once", `program ${k.split(" ")[0]} wrote ${k.split(" ")[1]} in ${e.ids.length} completed batches`, e.ids.map((id) => brief(completed.find((b) => b.id === id)!)));
    }
  }

  // 2. No draft left after the clean run.
  const drafts = it.finalBatches.filter((b) => !b.confirmed);
  if (drafts.length) v("no-draft-left", `${drafts.length} unconfirmed draft(s) left after the clean run`, drafts.map(brief));

  // 4. The clean run converges: exit 0, an empty plan, every declared field live.
  const c = it.clean;
  if (c) {
    if (c.code !== 0) v("clean-run-converges", `the clean run exited ${c.code ?? c.signal}${c.json ? ` (${c.json.status}: ${summary(c.json)})` : ""}`, [c.json ? c.json.resources.filter((r) => r.outcome.status !== "applied" && r.outcome.status !== "unchanged").slice(0, 5).map((r) => `${r.key}: ${r.outcome.status} ${r.outcome.reason ?? ""}`).join("\n") : c.stderr.slice(-1500)], c.label);
    if (it.cleanPlan && it.cleanPlan.code !== 0) v("clean-run-converges", `a plan after the clean run exits ${it.cleanPlan.code ?? "by signal"}`, [it.cleanPlan.output.slice(-2000)], c.label);
    const off = it.finalProgram.decls.flatMap((d) => unexplained(d, it.finalLive, NONE).map((x) => `${d.kind} ${d.name}: ${x}`));
    if (off.length) v("clean-run-converges", `after the clean run ${off.length} declared field(s) are not live`, off.slice(0, 10), c.label);
  }

  // Two confirmed batches never write the same object at the same time.
  for (const o of it.overlaps) v("no-interleaving", `batches ${o.ids.join(" and ")} were running at the same time, both writing ${o.objects.slice(0, 3).join(", ")}`, o.ids.map((id) => it.finalBatches.find((b) => b.id === id)).filter((b): b is BatchView => !!b).map(brief));

  for (const h of it.hangs) v("runs-end", h);
  return out;
}
