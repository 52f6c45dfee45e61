/**
 * The engine's front door: plan desired resources against the live network, stage a plan's
 * batches for review (idempotently), check a saved plan against the live network (stale or not,
 * and whether it is still what its desired resources give), and apply a plan.
 */
import { ExecuteOptions, ApplyResult, BatchResult, executePlan } from "./apply/execute";
import { Holder, classify } from "./apply/contention";
import { createDraft, removeLeftDraft } from "./apply/drafts";
import { assignedIds, fillSecrets, missingSecrets } from "./apply/fill";
import { fillAssigned, fillKnown } from "./plan/assigned";
import { idsNeeded } from "./plan/waves";
import { DraftLedger, MemoryLedger, THIS_RUN, recordLookup, runAlive } from "./apply/ledger";
import { sameActions } from "./apply/objects";
import { describeMove, indexSpecs, replanKeys, staleChanges } from "./apply/recheck";
import { describeCulprit, explainMoves } from "./apply/explain";
import { isNotFound, submitDefaults } from "./apply/submit";
import { ActionBatch, BatchApi } from "./dashboard/batches";
import { DashboardClient } from "./dashboard/client";
import { MerakiBatchError, ValidationError } from "./errors";
import { LiveCache, readLive } from "./live/read";
import { diffDerived } from "./plan/contract";
import { stableJson } from "./plan/digest";
import { Plan, PlanOptions, draftPlan, liveNeeds, seal, validateAll } from "./plan/plan";
import { OwnershipSpec, ownershipIssues, ownershipNeeds, ownershipReport, undeclaredDeletes, validateOwnership } from "./plan/ownership";
import { Change, DeleteSpec, ResourceSpec } from "./resources/common";
import { Clock, realClock } from "./clock";

export interface EngineOptions extends PlanOptions {
  organizationId: string;
  maxBatchesInFlight?: number;
  clock?: Clock;
  /** Shared collection cache (the Pulumi provider keeps one per process); a fresh one per call otherwise. */
  cache?: LiveCache;
  /** Where drafts this tool makes are recorded (CLI and provider: a file ledger). */
  ledger?: DraftLedger;
}

/** How a saved plan stands against the live network now. */
export interface SavedPlanCheck {
  /**
   * current: the network has not moved and the plan is what its desired resources give;
   * stale: the network moved (differences say where);
   * altered: the network has not moved but the plan's changes are not what its resources give.
   */
  state: "current" | "stale" | "altered";
  differences: string[];
  /** The plan as it would be made now. */
  derived?: Plan;
  /** Stale: the batches of other runs that made the moves (an earlier run of this plan, killed), described. */
  culprits?: string[];
}

/** The state of a plan's staged batches (plan --stage) now. */
export interface StagedState {
  /** Batches already confirmed by someone (`batches confirm`, another apply), final. */
  settled: BatchResult[];
  /** One line per settled or vanished batch. */
  notes: string[];
}

export interface ApplyOptions extends ExecuteOptions {
  /**
   * Called when the run waited for other batches and the plan was made again: return true to
   * apply the new plan (a front end shows it and asks again), false to stop.
   */
  onReplan?: (next: Plan, waitedFor: string[], reason?: string) => Promise<boolean>;
}

const sharedLedger = new MemoryLedger();

export class Engine {
  constructor(
    readonly client: DashboardClient,
    readonly options: EngineOptions,
  ) {
    if (!options.organizationId) throw new MerakiBatchError("CONFIG_INVALID", "no organization id was given");
    client.useOrganization(options.organizationId);
  }

  private get clock(): Clock {
    return this.options.clock ?? realClock;
  }

  get ledger(): DraftLedger {
    return this.options.ledger ?? sharedLedger;
  }

  /**
   * Validates, reads live state once per collection, diffs and compiles. Every problem is
   * reported at once, before anything is written: the resources that pass their schema are
   * still checked against the live network (reads only) so that its problems are listed too.
   *
   * `program`: the resources are a whole program (the CLI), so the plan also says what in its
   * scope it does not declare, and the VLANs of networks it owns that it does not declare are
   * deleted (provider/plan/ownership.ts). Plans made again from a plan's own resources and
   * deletes (a saved plan, a replan) leave it out: they apply exactly the deletes that were shown.
   */
  async plan(resources: ResourceSpec[], deletes: DeleteSpec[] = [], cache = this.options.cache ?? new LiveCache(), options: PlanOptions = this.options, program?: { owned: OwnershipSpec[] }): Promise<Plan> {
    const { items, removals, issues } = validateAll(resources, deletes);
    const owned = program ? validateOwnership(program.owned, issues) : [];
    if (issues.length && !items.length && !removals.length && !owned.length) throw new ValidationError(issues);
    const needs = liveNeeds([...items, ...removals]);
    ownershipNeeds(owned, needs);
    const live = await readLive(this.client, this.options.organizationId, needs, cache);
    try {
      issues.push(...ownershipIssues(owned, live));
      const derived = program ? validateAll([], undeclaredDeletes(owned, items, removals, live)) : { removals: [], issues: [] };
      issues.push(...derived.issues);
      const all = [...removals, ...derived.removals];
      const plan = seal({ ...draftPlan(items, all, live, options), baseUrl: this.client.baseUrl, ...(program ? { ownership: ownershipReport(owned, items, all, live) } : {}) });
      if (issues.length) throw new ValidationError(issues);
      return plan;
    } catch (err) {
      if (issues.length && err instanceof ValidationError && err.issues !== issues) throw new ValidationError([...issues, ...err.issues]);
      throw err;
    }
  }

  /**
   * Creates every batch of the plan unconfirmed, for review. Idempotent: a draft with exactly a
   * batch's actions already in the organization is reused, not made again.
   */
  async stage(plan: Plan): Promise<Plan & { reused: string[] }> {
    const api = new BatchApi(this.client);
    const org = plan.organizationId;
    const pending = await api.list(org, "pending");
    const taken = new Set<string>();
    const reused: string[] = [];
    const batches: Plan["batches"] = [];
    const defaults = submitDefaults(this.clock);
    // Saved before the first draft is made (and again with their ids): a draft is never without its plan.
    this.ledger.savePlan(plan.digest, JSON.stringify(plan));
    const missing = missingSecrets(plan.batches.flatMap((b) => b.actions));
    if (missing.length) throw new MerakiBatchError("CONFIG_INVALID", `environment variable${missing.length === 1 ? "" : "s"} ${missing.join(", ")} not set: the secrets the plan sends are read from the environment (nothing was staged)`);
    for (const planned of plan.batches) {
      // A batch that needs ids the API assigns can only be made once the batches before it ran: apply makes it.
      if (idsNeeded(planned).length) {
        batches.push(planned);
        continue;
      }
      const b = { ...planned, actions: fillSecrets(planned.actions).actions };
      const twin = pending.find((p) => !p.confirmed && !taken.has(p.id) && sameActions(p.actions ?? [], b.actions));
      if (twin) {
        taken.add(twin.id);
        if (twin.synchronous !== b.synchronous) await api.update(org, twin.id, { synchronous: b.synchronous });
        reused.push(twin.id);
        batches.push({ ...planned, stagedId: twin.id });
        // A review draft staged again is checked against this plan from now on.
        const r = this.ledger.get(twin.id, this.client.baseUrl);
        if (r?.purpose === "review") this.ledger.record({ ...r, plan: plan.digest });
        continue;
      }
      const draft = await createDraft(api, org, b, {
        maxRecoveries: defaults.maxCreateRecoveries,
        keep: (x) => taken.has(x.id) || batches.some((y) => y.stagedId === x.id),
      });
      this.ledger.record({ id: draft.id, organizationId: org, baseUrl: this.client.baseUrl, purpose: "review", ...THIS_RUN, createdAt: Date.now(), actions: b.actions.length, plan: plan.digest });
      // The plan keeps its placeholders: the staged draft holds the secrets, the plan never does.
      batches.push({ ...planned, stagedId: draft.id });
    }
    // What 'batches confirm' checks each draft against (issue #21.2).
    this.ledger.savePlan(plan.digest, JSON.stringify({ ...plan, batches }));
    return { ...plan, batches, reused };
  }

  /**
   * Deletes the drafts that runs of this tool on this machine left when they ended (killed, or cut
   * off from the API), wherever they are in the organization, and returns their ids. An apply does
   * this as it claims its resources; one with nothing to do calls it directly.
   */
  async removeAbandoned(organizationId = this.options.organizationId): Promise<string[]> {
    const api = new BatchApi(this.client);
    const pending = await api.list(organizationId, "pending");
    const { abandoned } = classify({ ours: [], ownIds: new Set(), pending, record: recordLookup(this.ledger, this.client.baseUrl, organizationId), alive: (r) => runAlive(r) });
    const removed: string[] = [];
    for (const { id, record } of abandoned) if (await removeLeftDraft(api, organizationId, this.ledger, this.client.baseUrl, id, record)) removed.push(id);
    return removed;
  }

  /** Unconfirmed drafts in the organization that touch the plan's resources (not the plan's own staged ones). */
  async draftsTouching(plan: Plan): Promise<Holder[]> {
    const pending = await new BatchApi(this.client).list(plan.organizationId, "pending");
    const own = new Set(plan.batches.flatMap((b) => (b.stagedId ? [b.stagedId] : [])));
    const record = recordLookup(this.ledger, this.client.baseUrl, plan.organizationId);
    const c = classify({
      ours: plan.batches.map((b) => ({ index: b.index, actions: b.actions })),
      ownIds: own,
      pending,
      record,
      alive: (r) => runAlive(r),
    });
    const twins: Holder[] = [...c.adoptable.values()].map((b) => ({ id: b.id, state: "unconfirmed", objects: [], actions: b.actions.length, record: record(b) }));
    return [...c.drafts, ...c.abandoned, ...twins, ...c.conflicts];
  }

  /**
   * A saved plan's staged batches (plan --stage) as they are now. Confirmed ones (by `batches
   * confirm` or another apply) are final or waited for: they are not planned again.
   */
  async stagedState(plan: Plan, opts: { onWait?: (id: string) => void } = {}): Promise<StagedState> {
    const api = new BatchApi(this.client);
    const org = plan.organizationId;
    const settled: BatchResult[] = [];
    const notes: string[] = [];
    const defaults = submitDefaults(this.clock);
    for (const b of plan.batches) {
      if (!b.stagedId) continue;
      let found: ActionBatch;
      try {
        found = await api.get(org, b.stagedId);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        notes.push(`batch #${b.index + 1}: its staged batch ${b.stagedId} no longer exists (deleted, or expired after 7 days); it will be made again`);
        continue;
      }
      if (!sameActions(found.actions ?? [], fillSecrets(b.actions).actions)) {
        notes.push(`batch #${b.index + 1}: batch ${b.stagedId} does not carry this batch's actions; it is not used`);
        continue;
      }
      if (!found.confirmed) continue;
      const started = this.clock.now();
      let delay = defaults.pollInitialMs;
      while (!found.status.completed && !found.status.failed) {
        if (this.clock.now() - started > defaults.deadlineMs) break;
        opts.onWait?.(found.id);
        await this.clock.sleep(delay);
        delay = Math.min(Math.round(delay * 1.5), defaults.pollMaxMs);
        found = await api.get(org, found.id);
      }
      const state = found.status.completed ? "completed" : found.status.failed ? "failed" : "unknown";
      settled.push({ index: b.index, id: found.id, state, errors: state === "unknown" ? [`batch #${b.index + 1} (${found.id}) was already confirmed and has not finished; its outcome is not known`] : found.status.errors ?? [], createdResources: found.status.createdResources ?? [] });
      notes.push(`batch #${b.index + 1} (${found.id}) was already confirmed (by 'meraki-batch batches confirm' or another apply) and ${state === "unknown" ? "is still running" : state}; it is not sent again`);
    }
    return { settled, notes };
  }

  /**
   * Makes the plan again from its own desired resources and options against fresh live state and
   * compares. Changes of batches in `settled` (applied by someone already) are left out.
   */
  async checkSaved(plan: Plan, settled: BatchResult[] = []): Promise<SavedPlanCheck> {
    const applied = new Set(settled.flatMap((s) => plan.batches.find((b) => b.index === s.index)?.owners ?? []));
    // Ids a settled batch assigned are known now: the changes that wait for them are compared filled in.
    const ids = assignedIds(plan.batches, settled);
    const file = ids.size ? { ...plan, changes: plan.changes.map((c) => ({ ...c, fields: fillKnown(c.fields, ids), actions: fillAssigned(c.actions, ids).actions })) } : plan;
    let derived: Plan;
    try {
      derived = await this.plan(plan.resources, plan.deletes, new LiveCache(), plan.options);
    } catch (err) {
      if (MerakiBatchError.is(err) && err.code === "VALIDATION_FAILED") {
        return { state: "stale", differences: [`the plan's resources no longer validate against the live network: ${err.message}`] };
      }
      throw err;
    }
    const remaining = new Set(plan.changes.map((c) => c.key).filter((k) => !applied.has(k)));
    const now = new Map(derived.changes.map((c) => [c.key, c]));
    const moved: string[] = [];
    const movedChanges: Change[] = [];
    for (const c of plan.changes) {
      if (!remaining.has(c.key)) continue;
      const d = now.get(c.key);
      if (d && stableJson(c.live) !== stableJson(d.live)) {
        moved.push(`${c.description}: ${describeMove(c.live, d.live)}`);
        movedChanges.push(c);
      }
    }
    if (moved.length) return { state: "stale", differences: moved, derived, culprits: await this.culprits(plan, movedChanges, now) };
    const differences = diffDerived(file, derived, applied.size ? remaining : undefined);
    return { state: differences.length ? "altered" : "current", differences, derived };
  }

  /**
   * One staged batch of a plan against the live network now: the resources it changes whose live
   * fields moved since the plan was made (empty: confirming it does what the plan showed), and the
   * batches of other runs that moved them. What `batches confirm` checks before confirming.
   */
  async checkBatch(plan: Plan, index: number): Promise<{ moved: string[]; culprits: string[] }> {
    const batch = plan.batches.find((b) => b.index === index);
    if (!batch) throw new MerakiBatchError("PLAN_INVALID", `the plan has no batch #${index + 1}`);
    const keys = [...new Set(batch.owners)];
    const changes = keys.map((k) => plan.changes.find((c) => c.key === k)).filter((c): c is Change => c !== undefined);
    const specs = indexSpecs(plan);
    const movedBy = staleChanges(changes, await replanKeys(this.client, plan.organizationId, specs, keys, "as-planned"));
    if (!movedBy.size) return { moved: [], culprits: [] };
    const moved = changes.filter((c) => movedBy.has(c.key));
    const now = await replanKeys(this.client, plan.organizationId, specs, moved.map((c) => c.key), "ensure");
    const nowChanges = new Map([...now].flatMap(([k, r]) => (r.change ? [[k, r.change] as const] : [])));
    return { moved: moved.map((c) => `${c.description}: ${movedBy.get(c.key)}`), culprits: await this.culprits(plan, moved, nowChanges) };
  }

  /** "unconfirmed", "running", "completed", "failed", or undefined when the batch does not exist. */
  async batchState(id: string): Promise<"unconfirmed" | "running" | "completed" | "failed" | undefined> {
    try {
      const b = await new BatchApi(this.client).get(this.options.organizationId, id);
      return !b.confirmed ? "unconfirmed" : b.status.completed ? "completed" : b.status.failed ? "failed" : "running";
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

    /** Batches of other runs that made these moves (named in a stale refusal); none when that cannot be told. */
  private async culprits(plan: Plan, moved: Change[], now: Map<string, Change>): Promise<string[]> {
    try {
      const batches = await new BatchApi(this.client).list(plan.organizationId);
      const record = recordLookup(this.ledger, this.client.baseUrl, plan.organizationId);
      const { culprits } = explainMoves(moved.map((c) => ({ planned: c, now: now.get(c.key) })), batches, new Set(), record, (r) => runAlive(r));
      return culprits.map((c) => `${describeCulprit(c)} made ${c.keys.length === 1 ? "1 of these changes" : `${c.keys.length} of these changes`}`);
    } catch {
      return [];
    }
  }

  /**
   * Applies a plan. When the run had to wait for batches that carried its actions (a run that
   * was interrupted after confirming), or for another run (waitForOthers), the plan is made
   * again from its desired resources and, if `onReplan` agrees, applied.
   */
  async apply(plan: Plan, opts: ApplyOptions = {}): Promise<ApplyResult & { plan: Plan }> {
    let current = plan;
    for (let round = 0; ; round++) {
      const result = await executePlan(this.client, current, {
        clock: this.options.clock,
        maxBatchesInFlight: this.options.maxBatchesInFlight,
        ledger: this.ledger,
        ...opts,
        settled: round === 0 ? opts.settled : undefined,
      });
      this.options.cache?.invalidate();
      if (result.status !== "replan" || round >= 5) return { ...result, plan: current };
      const next = await this.plan(current.resources, current.deletes, new LiveCache(), current.options);
      if (next.summary.actions === 0) {
        // What was waited for did it all.
        return { ...result, ok: true, status: "done", resources: next.changes.map((c) => ({ key: c.key, name: c.name, description: c.description, outcome: { status: "unchanged" as const } })), batches: [], plan: next };
      }
      // A reviewed plan (apply --plan) is a contract: what others changed meanwhile makes it stale.
      if (opts.bound) return { ...result, ok: false, status: "stale", plan: current };
      if (opts.onReplan && !(await opts.onReplan(next, result.waitedFor, result.replanReason))) return { ...result, plan: next };
      current = next;
    }
  }
}
