/**
 * Executes a plan's batches (ARCHITECTURE §4, §6, §11, §12):
 * 1. reads the organization's pending batches: a running batch that carries this plan's actions
 *    (a killed run's) is waited for, then the caller plans again; a running batch of another run
 *    on the same resources stops the run before anything is confirmed (or is waited for);
 * 2. creates every batch unconfirmed up front, so that another run sees the whole claim, and
 *    reads the pending batches again: of two runs that claim the same resources, the older claim
 *    (the smaller batch id) goes on and the younger stops without confirming anything;
 * 3. confirms batches as their dependencies complete, at most N in flight, re-reading the live
 *    fields each wave touches right before confirming it (a change made meanwhile stops the rest);
 * 4. polls running batches together (one list request answers for all of them; when several
 *    finished, one list of the failed ones tells how each ended);
 * 5. on every way out deletes the drafts it made and did not confirm, and says what it could not
 *    learn ("unknown") rather than calling it failed;
 * 6. reads back what it applied and compares every field (verification).
 */
import { Clock, realClock } from "../clock";
import { ActionBatch, BatchApi } from "../dashboard/batches";
import { DashboardClient } from "../dashboard/client";
import { DEFAULTS } from "../defaults";
import { Plan } from "../plan/plan";
import { PlannedBatch } from "../plan/compile";
import { describeAssigned } from "../plan/assigned";
import { idsNeeded } from "../plan/waves";
import { Change } from "../resources/common";
import { Contention, Holder, classify, endsOnItsOwn, olderClaims, unknownDraft } from "./contention";
import { DraftMayExistError, createDraft, removeLeftDraft } from "./drafts";
import { createdIds, fillBatch, missingSecrets, redact } from "./fill";
import { EventSink } from "./events";
import { DraftLedger, DraftRecord, INTENT_PREFIX, MemoryLedger, THIS_RUN, fingerprint, intentId, recordLookup, recordOf, runAlive } from "./ledger";
import { ApplyResult, BatchResult, BatchState, RunStatus, allGood, outcomes } from "./outcomes";
import { Culprit, describeCulprit, explainMoves } from "./explain";
import { compareIds, describeObject } from "./objects";
import { indexSpecs, mismatches, replanKeys, staleChanges } from "./recheck";
import { SubmitOptions, isAborted, isConcurrencyError, isConfirmedRefusal, isLostResponse, isNotFound, messageOf, sleepOrAbort, submitDefaults } from "./submit";

export type { ApplyResult, BatchResult, Outcome, ResourceResult, RunStatus, BatchState } from "./outcomes";

export interface ExecuteOptions extends Partial<SubmitOptions> {
  maxBatchesInFlight?: number;
  clock?: Clock;
  onEvent?: EventSink;
  /** Aborting stops confirming, deletes the run's drafts and waits (drainMs) for confirmed batches. */
  signal?: AbortSignal;
  drainMs?: number;
  /** Where the drafts this tool makes are recorded (default: this process's memory). */
  ledger?: DraftLedger;
  /** Wait for other runs' batches on the same resources (then plan again) instead of stopping. */
  waitForOthers?: boolean;
  waitTimeoutMs?: number;
  /** Read back and compare what was applied (default true). */
  verify?: boolean;
  /** Batches already dealt with before this run (staged batches confirmed by someone else). */
  settled?: BatchResult[];
  /**
   * The plan is a reviewed contract (apply --plan): a live change is never planned over, even one
   * this tool's own ended run made. Unbound (a program applied directly), a change that went only
   * toward the plan and that a batch of another (typically killed) run made is waited for and the
   * plan made again, instead of stopping the run as stale.
   */
  bound?: boolean;
}

const processLedger = new MemoryLedger();

interface Entry {
  batch: PlannedBatch;
  state: BatchState | "waiting" | "staged" | "running";
  draft?: ActionBatch;
  /** Made by this run (deleted when not confirmed), or found and adopted (left as found). */
  made?: boolean;
  /** Another's draft (a twin run's, or staged with plan --stage) taken for this batch. */
  adopted?: boolean;
  final?: ActionBatch;
  errors: string[];
  perResource?: Record<string, string>;
  confirmedAt?: number;
  restaged?: boolean;
  /**
   * One of the organization's in-flight slots, held from just before the confirmation until the
   * batch's outcome is known: a batch whose confirmation got no answer, or whose outcome is
   * unknown, may be running, so it keeps its slot (issue #21.8).
   */
  release?: () => void;
  /** The confirmation got no answer and the check that followed neither: confirmed or not is being learned. */
  maybeConfirmed?: string;
  /** Its placeholders (ids from earlier batches, secrets) are filled: `batch` is what is sent. */
  filled?: boolean;
}

const FINAL = new Set(["completed", "failed", "error", "notSent", "stale", "cancelled", "contended", "unknown"]);

export async function executePlan(client: DashboardClient, plan: Plan, options: ExecuteOptions = {}): Promise<ApplyResult> {
  return new Run(client, plan, options).execute();
}

class Run {
  private readonly api: BatchApi;
  private readonly org: string;
  private readonly clock: Clock;
  private readonly opts: SubmitOptions;
  private readonly emit: EventSink;
  private readonly ledger: DraftLedger;
  private readonly entries = new Map<number, Entry>();
  private readonly specs: ReturnType<typeof indexSpecs>;
  private readonly changeByKey: Map<string, Change>;
  private readonly limit: number;
  private holders: Holder[] = [];
  private waitedFor: string[] = [];
  private replanReason?: string;
  private leftDrafts: string[] = [];
  private removedAbandoned: string[] = [];
  private status: RunStatus = "done";
  /** Clock time of the first poll in the current run of unanswered polls. */
  private unansweredSince?: number;
  /** Ids the API gave the objects this run (or a settled staged batch) created, by change key (waves). */
  private readonly ids = new Map<string, string>();
  /** Secret values sent, scrubbed from every message. */
  private secrets: string[] = [];

  constructor(
    private readonly client: DashboardClient,
    private readonly plan: Plan,
    private readonly options: ExecuteOptions,
  ) {
    this.api = new BatchApi(client);
    this.org = plan.organizationId;
    this.clock = options.clock ?? realClock;
    this.opts = { ...submitDefaults(this.clock, options.random), ...stripUndefined(options as Partial<SubmitOptions>) };
    this.emit = options.onEvent ?? (() => undefined);
    this.ledger = options.ledger ?? processLedger;
    this.limit = Math.min(options.maxBatchesInFlight ?? DEFAULTS.maxBatchesInFlight, DEFAULTS.apiMaxBatchesInFlight);
    this.specs = indexSpecs(plan);
    this.changeByKey = new Map(plan.changes.map((c) => [c.key, c]));
    for (const b of plan.batches) this.entries.set(b.index, { batch: b, state: "waiting", errors: [] });
    for (const s of options.settled ?? []) {
      const e = this.entries.get(s.index);
      if (e) Object.assign(e, { state: s.state, errors: s.errors, final: s.id ? ({ id: s.id, status: { completed: s.state === "completed", failed: s.state === "failed", errors: s.errors, createdResources: s.createdResources } } as ActionBatch) : undefined });
      if (e && s.state === "completed") this.learnIds(e.batch, s.createdResources);
    }
  }

  private get aborted(): boolean {
    return this.options.signal?.aborted === true;
  }

  private list(state?: Entry["state"]): Entry[] {
    return [...this.entries.values()].filter((e) => state === undefined || e.state === state);
  }

  private ownIds(): Set<string> {
    return new Set(this.list().flatMap((e) => (e.draft ? [e.draft.id] : [])));
  }

  private classify(pending: ActionBatch[]): Contention {
    const ours = this.list()
      .filter((e) => !FINAL.has(e.state))
      .map((e) => ({ index: e.batch.index, actions: e.batch.actions }));
    return classify({
      ours,
      ownIds: this.ownIds(),
      pending,
      record: recordLookup(this.ledger, this.client.baseUrl, this.org),
      alive: (r) => runAlive(r),
    });
  }

  async execute(): Promise<ApplyResult> {
    try {
      await this.run();
    } catch (err) {
      // Something unexpected (the API unreachable while reading its batch list…): nothing more is confirmed.
      const message = messageOf(err);
      for (const e of this.list()) {
        if (e.state === "running") this.unknown(e, `${this.ref(e)} was confirmed, then ${message}: its outcome is not known`);
        else if (!FINAL.has(e.state)) this.finalise(e, "error", message);
      }
    } finally {
      await this.cleanup();
      // The run is over: whatever it still held (batches of unknown outcome) is no longer counted by it.
      for (const e of this.list()) this.release(e);
      // Its finished batches need no record; those of unknown outcome keep theirs.
      for (const e of this.list()) if (e.confirmedAt !== undefined && (e.state === "completed" || e.state === "failed") && e.draft) this.ledger.forget(e.draft.id, this.client.baseUrl);
    }
    await this.settleAdopted();
    const batches = this.results();
    // Failures name the actions as sent: matched against the filled batches.
    let resources = outcomes({ ...this.plan, batches: this.plan.batches.map((b) => this.entries.get(b.index)!.batch) }, batches);
    let verified = false;
    if (this.options.verify !== false && (this.status === "done" || this.status === "stale") && resources.some((r) => r.outcome.status === "applied")) {
      resources = await this.verify(resources);
      verified = true;
    }
    return {
      ok: this.status === "done" && allGood(resources),
      status: this.status,
      resources,
      batches,
      holders: this.holders,
      waitedFor: this.waitedFor,
      ...(this.replanReason ? { replanReason: this.replanReason } : {}),
      leftDrafts: this.leftDrafts,
      removedAbandoned: this.removedAbandoned,
      verified,
    };
  }

  private async run(): Promise<void> {
    if (!this.list().some((e) => !FINAL.has(e.state))) return;
    if (!this.fillSecretsUpFront()) return;
    // 1. The whole claim: every batch made unconfirmed up front (those staged for review already
    //    exist); a batch that needs ids the API assigns is made once they are known (fillReady).
    await this.stageAll((e) => !e.batch.stagedId);
    if (this.aborted) return this.interrupted();

    // 2. One look at what else is pending in the organization.
    const pending = await this.api.list(this.org, "pending");
    let c = this.classify(pending);
    await this.removeAbandoned(c.abandoned);
    this.forgetSpent(pending);
    if (c.carriers.length) return this.waitAndReplan(c.carriers.map((x) => x.batch.id), "they carry actions of this plan (a run that was interrupted after confirming them, or another run of the same plan)");
    // Running batches of this tool's own ended runs on these resources can only finish: unbound, they are waited for.
    const ended = this.options.bound ? [] : c.conflicts.filter((h) => h.record?.purpose === "run" && h.alive === false);
    if (ended.length && ended.length === c.conflicts.length) return this.waitAndReplan(ended.map((h) => h.id), "a meraki-batch run on this machine that has ended confirmed them on resources of this plan");
    if (c.conflicts.length) return this.contended(c.conflicts);
    await this.adoptTwins(c);
    // Batches staged for review whose drafts are gone are made now, and looked at once more.
    if (this.list("waiting").length) {
      await this.stageAll(() => true);
      if (this.aborted) return this.interrupted();
      c = this.classify(await this.api.list(this.org, "pending"));
      if (c.carriers.length) return this.waitAndReplan(c.carriers.map((x) => x.batch.id), "they carry actions of this plan, confirmed by another run meanwhile");
      if (c.conflicts.length) return this.contended(c.conflicts);
    }
    const older = olderClaims(c.drafts, this.list("staged").map((e) => e.draft!.id));
    if (older.length) return this.contended(older);

    // 3-4. Confirm waves as dependencies complete; poll together.
    await this.loop();
  }

  private async stageAll(which: (e: Entry) => boolean): Promise<void> {
    for (const e of this.list("waiting")) {
      if (this.aborted) return;
      if (which(e) && this.fillable(e)) await this.stage(e);
    }
  }

  // ---- waves: ids the API assigns, secrets -------------------------------------------------------

  /** Whether a batch can be made now: it needs no id an earlier batch has yet to give. */
  private fillable(e: Entry): boolean {
    return e.filled === true || !idsNeeded(e.batch).length;
  }

  /**
   * Before anything is sent: every secret the plan sends must be in the environment (else nothing
   * is sent), and batches without ids to wait for get their secrets now, so that claims and twins
   * compare what is sent.
   */
  private fillSecretsUpFront(): boolean {
    const missing = missingSecrets(this.plan.batches.flatMap((b) => b.actions));
    if (missing.length) {
      const message = `environment variable${missing.length === 1 ? "" : "s"} ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set: the secrets the plan sends are read from ${missing.length === 1 ? "it" : "them"} (nothing was sent)`;
      for (const e of this.list()) if (!FINAL.has(e.state)) this.finalise(e, "error", message);
      return false;
    }
    for (const e of this.list("waiting")) {
      if (idsNeeded(e.batch).length) continue;
      const filled = fillBatch(e.batch, this.ids);
      e.batch = filled.batch!;
      e.filled = true;
      this.secrets.push(...filled.secrets);
    }
    return true;
  }

  private learnIds(batch: PlannedBatch, created: Array<{ id: string; uri: string }>): void {
    for (const [key, id] of createdIds(batch, created)) this.ids.set(key, id);
  }

  /**
   * Batches whose earlier batches completed get the ids those assigned, are made (a claim made now,
   * not up front: it could not name the objects before), and are looked at against the other
   * batches pending in the organization before they are confirmed.
   */
  private async fillReady(): Promise<void> {
    const ready = this.list("waiting").filter((e) => !e.filled && e.batch.after.every((i) => this.entries.get(i)?.state === "completed"));
    if (!ready.length) return;
    const made: Entry[] = [];
    for (const e of ready) {
      if (this.aborted) return;
      const filled = fillBatch(e.batch, this.ids);
      if (!filled.batch) {
        const what = filled.missing.map((k) => describeAssigned(k)).join(", ");
        this.finalise(e, "notSent", `not sent: the API did not report ${what} when the batch that created it completed`);
        this.emit({ type: "batch.skipped", index: e.batch.index, reason: `not sent: no id for ${what}` });
        continue;
      }
      e.batch = filled.batch;
      e.filled = true;
      this.secrets.push(...filled.secrets);
      await this.stage(e);
      if (e.state === "staged") made.push(e);
    }
    if (!made.length) return;
    let conflicts: Holder[];
    try {
      conflicts = this.classify(await this.api.list(this.org, "pending")).conflicts;
    } catch (err) {
      for (const e of made) this.finalise(e, "error", `the organization's pending batches could not be read before confirming it: ${messageOf(err)}`);
      return;
    }
    if (!conflicts.length) return;
    this.holders.push(...conflicts);
    const what = conflicts.map((h) => `${h.state === "running" ? "running" : "unconfirmed"} batch ${h.id}`).join(", ");
    for (const e of this.list()) if (!FINAL.has(e.state) && e.state !== "running") this.finalise(e, "contended", `another run holds its resources (${what})`);
  }

  /**
   * Drafts with exactly a batch's actions: the plan's own staged one, or one another run made for
   * the same plan (the older draft is kept, and both runs confirm it: confirming is idempotent).
   */
  private async adoptTwins(c: Contention): Promise<void> {
    for (const [index, twin] of c.adoptable) {
      const e = this.entries.get(index)!;
      if (FINAL.has(e.state)) continue;
      const mine = e.draft;
      if (mine && e.batch.stagedId !== twin.id && compareIds(twin.id, mine.id) >= 0) continue;
      if (mine && e.made) {
        await this.api.remove(this.org, mine.id).catch((err) => {
          if (!isNotFound(err)) this.leftDrafts.push(mine.id);
        });
        this.ledger.forget(mine.id, this.client.baseUrl);
      }
      e.draft = twin;
      e.made = false;
      e.adopted = true;
      e.state = "staged";
      this.emit({ type: "batch.staged", index, id: twin.id, actions: twin.actions.length, synchronous: twin.synchronous, reused: true });
    }
  }

  // ---- staging -----------------------------------------------------------------------------------

  private recordOf(b: ActionBatch): DraftRecord | undefined {
    return recordOf(this.ledger, this.client.baseUrl, b, this.org);
  }

  private async stage(e: Entry): Promise<void> {
    const { actions, synchronous, index } = e.batch;
    // Recorded before the POST: if its answer never comes (lost, or this process killed before the
    // id is recorded), a later run on this machine still knows the draft as this run's.
    const intent: DraftRecord = { id: intentId(), organizationId: this.org, baseUrl: this.client.baseUrl, purpose: "run", ...THIS_RUN, createdAt: Date.now(), actions: actions.length, fingerprint: fingerprint(actions) };
    this.ledger.record(intent);
    try {
      const created = await createDraft(this.api, this.org, e.batch, {
        maxRecoveries: this.opts.maxCreateRecoveries,
        keep: (b) => {
          if (this.ownIds().has(b.id)) return true;
          const r = this.recordOf(b);
          return !!r && r.runId !== THIS_RUN.runId && runAlive(r) === true;
        },
        onRecovered: (removed) => {
          for (const id of removed) this.ledger.forget(id, this.client.baseUrl);
          this.emit({ type: "batch.recovered", index, removedDrafts: removed });
        },
        stop: () => this.aborted,
        signal: this.options.signal,
      });
      e.draft = created;
      e.made = true;
      e.state = "staged";
      this.ledger.record({ id: created.id, organizationId: this.org, baseUrl: this.client.baseUrl, purpose: "run", ...THIS_RUN, createdAt: Date.now(), actions: actions.length });
      this.ledger.forget(intent.id, this.client.baseUrl);
      this.emit({ type: "batch.staged", index, id: created.id, actions: actions.length, synchronous, reused: false });
    } catch (err) {
      if (isAborted(err) && !isLostResponse(err)) {
        // Interrupted while the create waited in the rate limiter: nothing was sent.
        this.ledger.forget(intent.id, this.client.baseUrl);
        return;
      }
      // The intent stays only when a draft may exist: a later run deletes it once this one has ended.
      if (err instanceof DraftMayExistError) this.leftDrafts.push(`a draft of batch #${index + 1} may exist: ${err.message}`);
      else this.ledger.forget(intent.id, this.client.baseUrl);
      this.finalise(e, "error", messageOf(err));
    }
  }

  private async removeAbandoned(holders: Holder[]): Promise<void> {
    for (const { id, record } of holders) {
      if (await removeLeftDraft(this.api, this.org, this.ledger, this.client.baseUrl, id, record)) this.removedAbandoned.push(id);
    }
    if (this.removedAbandoned.length) this.emit({ type: "run.abandoned", ids: this.removedAbandoned });
  }

  /**
   * What the ledger holds of runs that have ended and is of no more use: records of drafts no
   * longer pending, and intents whose draft is not pending (never made, or deleted since).
   */
  private forgetSpent(pending: ActionBatch[]): void {
    const ids = new Set(pending.map((b) => b.id));
    const drafts = new Set(pending.filter((b) => !b.confirmed).map((b) => fingerprint(b.actions ?? [])));
    const now = Date.now();
    for (const r of this.ledger.list(this.org, this.client.baseUrl)) {
      if (runAlive(r) !== false) continue;
      // A confirmed batch of an ended run is kept for a while: a later run names it as this tool's.
      const kept = r.confirmedAt !== undefined && now - r.confirmedAt < DEFAULTS.ledgerKeepConfirmedMs;
      const spent = r.id.startsWith(INTENT_PREFIX) ? !drafts.has(r.fingerprint ?? "") : r.purpose === "run" && !ids.has(r.id) && !kept;
      if (spent) this.ledger.forget(r.id, this.client.baseUrl);
    }
  }

  // ---- other runs ----------------------------------------------------------------------------------

  private contended(holders: Holder[]): Promise<void> | void {
    // --wait waits for what ends on its own (running batches, drafts of runs in progress here), never
    // for a draft nobody is going to confirm or delete (a review draft): that would be a hang.
    if (this.options.waitForOthers && holders.every((h) => endsOnItsOwn(h) || unknownDraft(h))) {
      return this.waitAndReplan(holders.map((h) => h.id), "another run's batches hold resources of this plan", undefined, holders.filter(unknownDraft));
    }
    this.holders = holders;
    this.status = "contended";
    const what = capList(holders.map((h) => (h.state === "running" ? `running batch ${h.id}` : h.record?.purpose === "review" ? `review draft ${h.id}` : `unconfirmed batch ${h.id}`)));
    for (const e of this.list()) {
      if (!FINAL.has(e.state)) this.finalise(e, "contended", `other batches hold its resources (${what})`);
    }
  }

  /** Waits until the batches are no longer pending (finished, or deleted), then asks for a new plan. */
  private async waitAndReplan(ids: string[], reason: string, named = ids, unsure: Holder[] = []): Promise<void> {
    this.replanReason = `${named.length === 1 ? "batch" : "batches"} ${named.join(", ")}: ${reason}`;
    // Our drafts would be claims on resources we are not going to touch now.
    await this.cleanup();
    const started = this.clock.now();
    const timeout = this.options.waitTimeoutMs ?? DEFAULTS.waitTimeoutMs;
    let delay = this.opts.pollInitialMs;
    let waiting = ids;
    while (waiting.length) {
      this.emit({ type: "run.waitingFor", ids: waiting, reason, waitedMs: this.clock.now() - started });
      if (this.aborted) return this.interrupted();
      if (this.clock.now() - started >= timeout) {
        this.holders = waiting.map((id) => ({ id, state: "running", objects: [], actions: 0 }));
        this.status = "contended";
        for (const e of this.list()) if (!FINAL.has(e.state)) this.finalise(e, "contended", `batches ${waiting.join(", ")} were still pending after ${Math.round(timeout / 1000)} s`);
        return;
      }
      await sleepOrAbort(this.clock, delay, this.options.signal);
      delay = Math.min(Math.round(delay * 1.5), this.opts.pollMaxMs);
      const list = await this.api.list(this.org, "pending");
      // A draft whose run has ended (killed) would never be confirmed nor deleted: it goes, as at a claim.
      const ended = this.classify(list).abandoned.filter((h) => waiting.includes(h.id));
      if (ended.length) await this.removeAbandoned(ended);
      const pending = new Set(list.map((b) => b.id).filter((id) => !this.removedAbandoned.includes(id)));
      waiting = waiting.filter((id) => pending.has(id));
      // Drafts of unknown origin still unconfirmed after a while are no run in progress: not waited for longer.
      const stuck = unsure.filter((h) => list.some((b) => b.id === h.id && !b.confirmed));
      const grace = DEFAULTS.unconfirmedWaitMs;
      if (stuck.length && this.clock.now() - started >= grace) {
        this.holders = stuck;
        this.status = "contended";
        const what = capList(stuck.map((h) => `unconfirmed batch ${h.id}`));
        for (const e of this.list()) if (!FINAL.has(e.state)) this.finalise(e, "contended", `other batches hold its resources (${what}, still unconfirmed after ${Math.round(grace / 1000)} s: no run in progress seems to own it)`);
        return;
      }
    }
    this.waitedFor = named;
    this.status = "replan";
    // A reviewed plan is not planned over: unless nothing is left to do, it is stale (the engine decides).
    if (this.options.bound) for (const e of this.list()) if (!FINAL.has(e.state)) this.finalise(e, "stale", `the live network changed since the plan was made: ${this.replanReason}`);
    for (const e of this.list()) if (!FINAL.has(e.state)) this.finalise(e, "cancelled", `planning again after batches ${named.join(", ")}`);
  }

  private interrupted(): void {
    this.status = "interrupted";
    for (const e of this.list()) if (!FINAL.has(e.state) && e.state !== "running") this.finalise(e, "cancelled", `the run was interrupted before ${this.ref(e)} was confirmed`);
  }

  // ---- the main loop -------------------------------------------------------------------------------

  private async loop(): Promise<void> {
    let delay = this.opts.pollInitialMs;
    let confirming = true;
    for (;;) {
      this.skipBlocked();
      if (this.aborted) break;
      if (confirming) await this.fillReady();
      if (this.aborted) break;
      const wave = confirming ? await this.nextWave() : [];
      if (wave.length) {
        const checked = await this.recheck(wave);
        if (checked === "stale") confirming = false; // nothing more is confirmed; running batches are still waited for
        else await Promise.all(checked.map((e) => this.confirm(e)));
        delay = this.opts.pollInitialMs;
        continue;
      }
      if (!this.list("running").length) {
        // Batches of unknown outcome may still hold the slots (or be the dependencies) that the
        // remaining batches wait for: they are polled, for a bounded time, before those are given up.
        const waiting = confirming ? [...this.list("staged"), ...this.list("waiting")] : [];
        if (!waiting.length || !this.holding().length) break;
        const why = this.giveUp();
        if (why) {
          for (const e of waiting) {
            this.finalise(e, "notSent", `not sent: ${why}`);
            this.emit({ type: "batch.skipped", index: e.batch.index, reason: `not sent: ${why}` });
          }
          break;
        }
      }
      await sleepOrAbort(this.clock, delay, this.options.signal);
      if (this.aborted) break;
      delay = Math.min(Math.round(delay * 1.5), this.opts.pollMaxMs);
      await this.poll();
    }
    if (this.aborted) {
      this.interrupted();
      await this.drain();
    }
  }

  /** Batches of unknown outcome that still hold a slot (they may be running). */
  private holding(): Entry[] {
    return this.list("unknown").filter((e) => e.release);
  }

  private release(e: Entry): void {
    e.release?.();
    e.release = undefined;
  }

  /**
   * Why the batches waiting for slots (or dependencies) held by batches of unknown outcome are
   * given up: the API has not answered for the unreachable limit, or they are past their deadline.
   */
  private giveUp(): string | undefined {
    const held = this.holding();
    const now = this.clock.now();
    const refs = held.map((e) => this.ref(e)).join(", ");
    if (this.unansweredSince !== undefined && now - this.unansweredSince >= this.opts.unreachableMs) {
      return `the outcome of ${refs} is unknown (the API did not answer for ${Math.round(this.opts.unreachableMs / 1000)} s), and it may still be running`;
    }
    if (held.every((e) => now - (e.confirmedAt ?? now) >= this.opts.deadlineMs)) return `${refs} did not finish within ${Math.round(this.opts.deadlineMs / 1000)} s`;
    return undefined;
  }

  /** Staged batches whose dependencies completed, as many as there are free slots. */
  private async nextWave(): Promise<Entry[]> {
    const ready = this.list("staged").filter((e) => e.batch.after.every((i) => this.entries.get(i)?.state === "completed"));
    const slots = this.client.batchSlots(this.org, this.limit);
    const wave: Entry[] = [];
    for (const e of ready) {
      const release = slots.tryAcquire();
      if (!release) break;
      e.release = release;
      wave.push(e);
    }
    if (!wave.length && ready.length && !this.list("running").length && !this.holding().length) {
      // Every slot is held by other plans of this process: wait for one.
      ready[0].release = await slots.acquire();
      wave.push(ready[0]);
    }
    return wave;
  }

  /** Batches whose dependencies ended without completing are not sent. */
  private skipBlocked(): void {
    let changed = true;
    while (changed) {
      changed = false;
      // Batches that wait for ids (still "waiting") are blocked the same way.
      for (const e of [...this.list("staged"), ...this.list("waiting")]) {
        // A dependency of unknown outcome that is still polled may yet turn out completed.
        const blocked = e.batch.after.map((i) => this.entries.get(i)!).find((d) => FINAL.has(d.state) && d.state !== "completed" && !(d.state === "unknown" && d.release));
        if (!blocked) continue;
        const reason = `it depends on ${this.ref(blocked)}, which ${blocked.state === "failed" ? "failed" : blocked.state === "unknown" ? "has an unknown outcome" : "was not applied"}`;
        this.finalise(e, "notSent", `not sent: ${reason}`);
        this.emit({ type: "batch.skipped", index: e.batch.index, reason: `not sent: ${reason}` });
        changed = true;
      }
    }
  }

  /**
   * Optimistic concurrency: the live fields the wave touches must still be what the plan saw.
   * Also for the first wave, however recent the plan: another run may have applied the same
   * changes (or others) between this plan's read and this run's claim, and its batches, already
   * finished, are not in the pending list the claim looked at.
   */
  private async recheck(wave: Entry[]): Promise<Entry[] | "stale"> {
    // An object this run created in an earlier batch did not exist when the plan was made: there is nothing to compare.
    const keys = [...new Set(wave.flatMap((e) => e.batch.owners))].filter((k) => !(this.changeByKey.get(k)?.op === "create" && this.ids.has(k)));
    let moved: Map<string, string>;
    try {
      moved = staleChanges(
        keys.map((k) => this.changeByKey.get(k)!).filter(Boolean),
        await replanKeys(this.client, this.org, this.specs, keys, "as-planned"),
      );
    } catch (err) {
      // Not checked, not confirmed.
      for (const e of wave) this.finalise(e, "error", `the live state could not be checked before confirming it: ${messageOf(err)}`);
      return [];
    }
    if (!moved.size) return wave;
    const { culprits, explained } = await this.explain(moved);
    if (!this.options.bound && explained === moved.size && !this.list().some((e) => e.confirmedAt !== undefined || e.maybeConfirmed)) {
      // Another run (typically this tool's own, killed after confirming) made these changes: wait for
      // what still runs of it, then plan again (the new plan is shown, and asked for without --yes).
      const reason = `${culprits.map(describeCulprit).join(", ")} made ${explained === 1 ? "a change" : `${explained} changes`} of this plan since it was made`;
      this.emit({ type: "run.explained", ids: culprits.map((c) => c.id), reason });
      await this.waitAndReplan(culprits.filter((c) => c.state === "running").map((c) => c.id), reason, culprits.map((c) => c.id));
      return "stale";
    }
    const by = new Map(culprits.flatMap((c) => c.keys.map((k) => [k, c] as const)));
    const details = [...moved].map(([k, what]) => `${this.changeByKey.get(k)?.description ?? k}: ${what}`);
    this.emit({ type: "run.stale", details, culprits: culprits.map(describeCulprit) });
    this.status = "stale";
    // One shared reason (counts, not the list: each resource says what moved in its own line).
    const summary = `the live network changed since the plan was made (${details.length === 1 ? details[0] : `${details.length} resources`})${culprits.length ? `; made by ${culprits.map(describeCulprit).join(", ")}` : ""}`;
    for (const e of this.list()) {
      if (FINAL.has(e.state) || e.state === "running") continue;
      const perResource: Record<string, string> = {};
      for (const k of e.batch.owners) {
        if (!moved.has(k)) continue;
        const c = by.get(k);
        perResource[k] = c ? `changed since the plan was made, by ${describeCulprit(c)}: ${moved.get(k)}` : `changed in the Dashboard since the plan was made: ${moved.get(k)}`;
      }
      this.finalise(e, "stale", summary);
      e.perResource = perResource;
    }
    return "stale";
  }

  /** Which moves a batch of another run explains (one more read of the moved resources, one list of batches). */
  private async explain(moved: Map<string, string>): Promise<{ culprits: Culprit[]; explained: number }> {
    const keys = [...moved.keys()];
    try {
      const now = await replanKeys(this.client, this.org, this.specs, keys, "ensure");
      const batches = await this.api.list(this.org);
      const { culprits, explained } = explainMoves(
        keys.map((k) => ({ planned: this.changeByKey.get(k)!, now: now.get(k)?.change })),
        batches,
        this.ownIds(),
        recordLookup(this.ledger, this.client.baseUrl, this.org),
        (r) => runAlive(r),
      );
      return { culprits, explained: explained.size };
    } catch {
      return { culprits: [], explained: 0 }; // not explained: stale, as it would be without this look
    }
  }

  private async confirm(e: Entry): Promise<void> {
    const started = this.clock.now();
    let wait = this.opts.concurrencyRetryMs;
    for (;;) {
      if (this.aborted) return;
      const id = e.draft!.id;
      try {
        // Another run's draft (adopted) keeps the mode its maker chose: it may confirm it first, and a
        // confirmed batch cannot be changed.
        const body = e.made && e.draft!.synchronous !== e.batch.synchronous ? { confirmed: true, synchronous: e.batch.synchronous } : { confirmed: true };
        // An interrupt cancels the confirmation while it waits in the client's rate limiter: after a
        // Ctrl-C no confirmation leaves the process.
        const b = await this.api.update(this.org, id, body, { signal: this.options.signal });
        this.confirmed(e, b);
        return;
      } catch (err) {
        // Not sent: the batch stays a draft of this run, deleted on the way out.
        if (isAborted(err) && !isLostResponse(err)) return;
        if (isConcurrencyError(err) && this.clock.now() - started < this.opts.deadlineMs) {
          const ms = Math.round(wait / 2 + (wait / 2) * this.opts.random());
          this.emit({ type: "batch.waiting", index: e.batch.index, id, reason: "the organization already has 5 batches running", waitMs: ms });
          await sleepOrAbort(this.clock, ms, this.options.signal);
          wait = Math.min(wait * 2, this.opts.concurrencyRetryMaxMs);
          continue;
        }
        if (isNotFound(err) && !e.restaged) {
          // Deleted by someone (or expired) before we confirmed it: make it again, once.
          e.restaged = true;
          this.ledger.forget(id, this.client.baseUrl);
          e.state = "waiting";
          e.draft = undefined;
          await this.stage(e);
          if ((e.state as Entry["state"]) !== "staged") return;
          continue;
        }
        return this.confirmUnanswered(e, err);
      }
    }
  }

  /** The confirmation failed without a clear answer: whether it took effect is asked, not assumed. */
  private async confirmUnanswered(e: Entry, err: unknown): Promise<void> {
    const id = e.draft!.id;
    if (!isLostResponse(err) && !(MerakiCodes.has((err as { code?: string }).code ?? "")) && !isConfirmedRefusal(err)) {
      // A plain refusal (4xx): the batch was not confirmed.
      return this.finalise(e, "error", messageOf(err));
    }
    try {
      const b = await this.api.get(this.org, id);
      if (!b.confirmed) return this.finalise(e, "error", `confirming it failed: ${messageOf(err)}`);
      this.confirmed(e, b);
    } catch {
      // It may be running: it keeps its slot and is polled like a running batch until that is known
      // (or the API stays silent past the unreachable limit: then its outcome is unknown).
      e.maybeConfirmed = messageOf(err);
      e.state = "running";
      this.unansweredSince ??= this.clock.now();
    }
  }

  private confirmed(e: Entry, b: ActionBatch): void {
    e.confirmedAt = this.clock.now();
    // This run's record says it confirmed the batch (a run killed now leaves it known as this tool's);
    // another's draft (a review draft) is no longer a draft.
    const r = this.ledger.get(b.id, this.client.baseUrl);
    if (r?.runId === THIS_RUN.runId) this.ledger.record({ ...r, confirmedAt: Date.now() });
    else this.ledger.forget(b.id, this.client.baseUrl);
    this.emit({ type: "batch.confirmed", index: e.batch.index, id: b.id });
    e.state = "running";
    this.update(e, b);
  }

  private update(e: Entry, b: ActionBatch): void {
    if (!b.status.completed && !b.status.failed) return;
    e.final = b;
    if (b.status.completed) this.learnIds(e.batch, b.status.createdResources ?? []);
    this.finalise(e, b.status.completed ? "completed" : "failed", ...(b.status.errors ?? []));
    this.emit({ type: "batch.done", index: e.batch.index, id: b.id, state: b.status.completed ? "completed" : "failed" });
  }

  /**
   * One request for every batch that may be running (confirmed, or maybe confirmed, or of unknown
   * outcome while it holds a slot): the batch itself when there is one, else the pending list.
   */
  private async poll(): Promise<void> {
    const watched = [...this.list("running"), ...this.holding()];
    if (!watched.length) return;
    const once = { maxAttempts: DEFAULTS.pollAttempts };
    try {
      if (watched.length === 1) {
        await this.lookAt(watched[0]);
      } else {
        const pending = new Map((await this.api.list(this.org, "pending", once)).map((b) => [b.id, b]));
        const gone: Entry[] = [];
        for (const e of watched) {
          const b = pending.get(e.draft!.id);
          if (b) this.learn(e, b);
          else gone.push(e);
        }
        const sure = gone.filter((e) => !e.maybeConfirmed);
        if (sure.length === 1) await this.lookAt(sure[0]);
        else if (sure.length > 1) {
          // A confirmed batch that left the pending list completed or failed: one look at the
          // failed ones tells which (their errors come with them), however many finished.
          const failed = new Map((await this.api.list(this.org, "failed", once)).map((b) => [b.id, b]));
          for (const e of sure) {
            const id = e.draft!.id;
            const done = failed.get(id);
            // A completed batch that created objects is read itself: later batches need their ids.
            if (!done && e.batch.actions.some((a) => a.operation === "create")) this.learn(e, await this.api.get(this.org, id, once));
            else this.learn(e, done ?? { ...e.draft!, confirmed: true, status: { completed: true, failed: false, errors: [], createdResources: [] } });
          }
        }
        // Maybe confirmed and no longer pending: finished, or the draft is gone; asked one by one (rare).
        for (const e of gone.filter((x) => x.maybeConfirmed)) await this.lookAt(e);
      }
      this.unansweredSince = undefined;
    } catch (err) {
      this.unansweredSince ??= this.clock.now();
      if (this.clock.now() - this.unansweredSince >= this.opts.unreachableMs) {
        const silent = `the API did not answer for ${Math.round(this.opts.unreachableMs / 1000)} s`;
        for (const e of this.list("running")) {
          this.unknown(e, e.maybeConfirmed ? `${this.ref(e)}: confirming it got no answer (${e.maybeConfirmed}), and ${silent} after that (${messageOf(err)}); it may have been confirmed` : `${this.ref(e)} was confirmed; ${silent} while it ran (${messageOf(err)})`);
        }
        return;
      }
    }
    for (const e of this.list("running")) {
      this.emit({ type: "batch.polled", index: e.batch.index, id: e.draft!.id, attempt: 0 });
      if (!e.maybeConfirmed && this.clock.now() - (e.confirmedAt ?? 0) >= this.opts.deadlineMs) {
        this.unknown(e, `${this.ref(e)} was confirmed and did not finish within ${Math.round(this.opts.deadlineMs / 1000)} s; it may still complete`);
      }
    }
  }

  /** GET one watched batch; a draft that is gone was not confirmed. */
  private async lookAt(e: Entry): Promise<void> {
    let b: ActionBatch;
    try {
      b = await this.api.get(this.org, e.draft!.id, { maxAttempts: DEFAULTS.pollAttempts });
    } catch (err) {
      if (!(isNotFound(err) && e.maybeConfirmed)) throw err;
      return this.finalise(e, "error", `confirming it failed (${e.maybeConfirmed}), and the draft no longer exists`);
    }
    this.learn(e, b);
  }

  /** What a poll shows of a watched batch. */
  private learn(e: Entry, b: ActionBatch): void {
    if (!b.confirmed) {
      // Only a batch whose confirmation got no answer can be found unconfirmed: it did not take.
      if (e.maybeConfirmed) this.finalise(e, "error", `confirming it failed: ${e.maybeConfirmed}`);
      return;
    }
    if (e.maybeConfirmed) {
      e.maybeConfirmed = undefined;
      return this.confirmed(e, b);
    }
    if (e.state === "unknown" && !b.status.completed && !b.status.failed) return; // still running: it keeps its slot
    this.update(e, b);
  }

  /** Interrupted: waits, for a bounded time and visibly, for the batches already confirmed. */
  private async drain(): Promise<void> {
    const deadline = this.clock.now() + (this.options.drainMs ?? DEFAULTS.drainMs);
    while (this.list("running").length && this.clock.now() < deadline) {
      this.emit({ type: "run.draining", ids: this.list("running").map((e) => e.draft!.id), remainingMs: deadline - this.clock.now() });
      await this.clock.sleep(Math.min(1000, deadline - this.clock.now()));
      await this.poll();
    }
    for (const e of this.list("running")) this.unknown(e, `${this.ref(e)} was confirmed and still running when the run was interrupted`);
  }

  // ---- the end ---------------------------------------------------------------------------------------

  /**
   * Drafts this run adopted (another run's twin, or one staged for review) and did not confirm
   * itself may have been confirmed by their maker meanwhile: what happened to them is asked, so
   * that a batch that completed is never reported as not applied.
   */
  private async settleAdopted(): Promise<void> {
    for (const e of this.list()) {
      if (e.made || !e.draft || e.confirmedAt !== undefined || ["completed", "failed", "unknown"].includes(e.state)) continue;
      let b: ActionBatch;
      try {
        b = await this.api.get(this.org, e.draft.id, { maxAttempts: DEFAULTS.pollAttempts });
      } catch {
        continue; // gone (deleted by its maker) or unreachable: it was not confirmed by this run, as reported
      }
      if (!b.confirmed) continue;
      e.final = b;
      if (b.status.completed || b.status.failed) this.finalise(e, b.status.completed ? "completed" : "failed", ...(b.status.errors ?? []));
      else this.unknown(e, `${this.ref(e)} was confirmed by another run and had not finished when this run ended`);
    }
  }

  /** Deletes every draft this run made and did not confirm; names those it could not delete. */
  private async cleanup(): Promise<void> {
    const deleted: string[] = [];
    const left: string[] = [];
    for (const e of this.list()) {
      if (!e.made || !e.draft || e.confirmedAt !== undefined || e.state === "unknown") continue;
      const id = e.draft.id;
      try {
        await this.api.remove(this.org, id);
        deleted.push(id);
        this.ledger.forget(id, this.client.baseUrl);
      } catch (err) {
        if (isNotFound(err)) {
          this.ledger.forget(id, this.client.baseUrl);
        } else if (isConfirmedRefusal(err)) {
          // Its confirmation did take effect after all.
          this.ledger.forget(id, this.client.baseUrl);
          e.confirmedAt = this.clock.now();
          this.unknown(e, `${this.ref(e)} was confirmed (the answer to its confirmation was lost); its outcome is not known`);
          continue;
        } else {
          left.push(id);
        }
      }
      e.made = false;
    }
    if (deleted.length || left.length) this.emit({ type: "run.cleanup", deleted, left });
    this.leftDrafts.push(...left);
  }

  private async verify(resources: ApplyResult["resources"]): Promise<ApplyResult["resources"]> {
    const applied = resources.filter((r) => r.outcome.status === "applied").map((r) => r.key);
    let now;
    try {
      now = await replanKeys(this.client, this.org, this.specs, applied, "ensure");
    } catch (err) {
      return resources.map((r) =>
        r.outcome.status === "applied" ? { ...r, outcome: { ...r.outcome, verified: false } } : r,
      );
    }
    let verified = 0;
    let mismatched = 0;
    const out = resources.map((r) => {
      if (r.outcome.status !== "applied") return r;
      const m = mismatches(now.get(r.key)) ?? [];
      if (!m.length) {
        verified++;
        return { ...r, outcome: { ...r.outcome, verified: true } };
      }
      mismatched++;
      const reason = `${this.refOf(r.outcome.batch, r.outcome.batchId)} completed, but reading it back shows ${m.map((x) => `${x.path || "the resource"}: sent ${show(x.sent)}, live ${show(x.live)}`).join("; ")}`;
      return { ...r, outcome: { status: "mismatch" as const, batch: r.outcome.batch, batchId: r.outcome.batchId, mismatches: m, reason } };
    });
    this.emit({ type: "verify.done", verified, mismatched });
    return out;
  }

  private results(): BatchResult[] {
    return this.plan.batches.map((b) => {
      const e = this.entries.get(b.index)!;
      const state: BatchState = FINAL.has(e.state) ? (e.state as BatchState) : e.state === "running" ? "unknown" : "cancelled";
      return {
        index: b.index,
        id: e.final?.id ?? e.draft?.id,
        state,
        errors: e.errors,
        createdResources: e.final?.status.createdResources ?? [],
        ...(e.perResource && Object.keys(e.perResource).length ? { perResource: e.perResource } : {}),
        ...(e.adopted && e.confirmedAt === undefined ? { adopted: true } : {}),
      };
    });
  }

  private finalise(e: Entry, state: BatchState, ...errors: string[]): void {
    e.state = state;
    // The API echoes the bodies of failed actions: secrets sent never reach a message.
    e.errors = this.secrets.length ? errors.map((m) => redact(m, this.secrets)) : errors;
    // A batch of unknown outcome may be running: its slot stays taken (polled until known, or the run ends).
    if (state !== "unknown") this.release(e);
    if (state === "error") this.emit({ type: "batch.error", index: e.batch.index, id: e.draft?.id, message: errors[0] ?? "" });
  }

  private unknown(e: Entry, reason: string): void {
    this.finalise(e, "unknown", `${reason}. Inspect it with: meraki-batch batches show ${e.draft?.id ?? ""}`.trim());
    this.emit({ type: "batch.unknown", index: e.batch.index, id: e.draft?.id ?? "", reason });
  }

  private ref(e: Entry): string {
    return this.refOf(e.batch.index, e.final?.id ?? e.draft?.id);
  }

  private refOf(index: number, id?: string): string {
    return `batch #${index + 1}${id ? ` (${id})` : ""}`;
  }
}

/** Errors after which a request may or may not have taken effect (no answer, or the API failing). */
const MerakiCodes = new Set(["NETWORK_ERROR", "SERVER_ERROR", "RATE_LIMITED", "RETRY_BUDGET_EXHAUSTED"]);

const show = (v: unknown) => (v === null || v === undefined ? "–" : JSON.stringify(v));

/** A list in a reason, at most 5 items (the rest counted): reasons are repeated per batch. */
const capList = (items: string[]) => (items.length > 5 ? `${items.slice(0, 4).join(", ")} and ${items.length - 4} more` : items.join(", "));

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export { describeObject };
