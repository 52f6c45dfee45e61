/**
 * The engine's front door: plan desired resources against the live network, stage a plan's
 * batches for review, and apply a plan (refusing a stale one unless told to re-plan).
 */
import { ExecuteOptions, ApplyResult, executePlan } from "./apply/execute";
import { stage, submitDefaults } from "./apply/submit";
import { BatchApi } from "./dashboard/batches";
import { DashboardClient } from "./dashboard/client";
import { MerakiBatchError, ValidationError } from "./errors";
import { LiveCache, readLive } from "./live/read";
import { Plan, PlanOptions, liveNeeds, makePlan, seal, validateAll } from "./plan/plan";
import { DeleteSpec, ResourceSpec } from "./resources/common";
import { Clock, realClock } from "./clock";

export interface EngineOptions extends PlanOptions {
  organizationId: string;
  maxBatchesInFlight?: number;
  clock?: Clock;
  /** Shared collection cache (the Pulumi provider keeps one per process); a fresh one per call otherwise. */
  cache?: LiveCache;
}

export interface StaleCheck {
  stale: boolean;
  /** What differs, one line per resource. */
  differences: string[];
  /** The plan as it would be made now. */
  current?: Plan;
  error?: string;
}

export class Engine {
  constructor(
    readonly client: DashboardClient,
    readonly options: EngineOptions,
  ) {
    if (!options.organizationId) throw new MerakiBatchError("CONFIG_INVALID", "no organization id was given");
    client.useOrganization(options.organizationId);
  }

  /**
   * Validates, reads live state once per collection, diffs and compiles. Every problem is
   * reported at once, before anything is written: the resources that pass their schema are
   * still checked against the live network (reads only) so that its problems are listed too.
   */
  async plan(resources: ResourceSpec[], deletes: DeleteSpec[] = [], cache = this.options.cache ?? new LiveCache()): Promise<Plan> {
    const { items, removals, issues } = validateAll(resources, deletes);
    if (issues.length && !items.length && !removals.length) throw new ValidationError(issues);
    const live = await readLive(this.client, this.options.organizationId, liveNeeds([...items, ...removals]), cache);
    try {
      const plan = makePlan(items, removals, live, this.options);
      if (issues.length) throw new ValidationError(issues);
      return seal({ ...plan, baseUrl: this.client.baseUrl });
    } catch (err) {
      if (issues.length && err instanceof ValidationError && err.issues !== issues) throw new ValidationError([...issues, ...err.issues]);
      throw err;
    }
  }

  /** Makes the plan again from its own desired resources, against fresh live state, and compares. */
  async checkStale(plan: Plan): Promise<StaleCheck> {
    let current: Plan;
    try {
      current = await this.plan(plan.resources, plan.deletes, new LiveCache());
    } catch (err) {
      if (MerakiBatchError.is(err) && err.code === "VALIDATION_FAILED") return { stale: true, differences: [err.message], error: err.message };
      throw err;
    }
    if (current.liveDigest === plan.liveDigest) return { stale: false, differences: [], current };
    const before = new Map(plan.changes.map((c) => [c.key, c]));
    const differences: string[] = [];
    for (const c of current.changes) {
      const old = before.get(c.key);
      if (old && JSON.stringify(old.live) !== JSON.stringify(c.live)) differences.push(`${c.description} changed since the plan was made`);
    }
    return { stale: true, differences, current };
  }

  /** Creates every batch of the plan unconfirmed, for review; returns the plan with their ids. */
  async stage(plan: Plan, clock: Clock = realClock): Promise<Plan> {
    const api = new BatchApi(this.client);
    const batches = [];
    for (const b of plan.batches) {
      const draft = await stage(api, plan.organizationId, b, submitDefaults(clock), () => undefined);
      batches.push({ ...b, stagedId: draft.id });
    }
    return { ...plan, batches };
  }

  /**
   * Applies a plan. A plan made earlier is checked against the live network first: when it has
   * drifted the apply is refused (PLAN_STALE), or re-planned when `replan` is set.
   */
  async apply(plan: Plan, opts: ExecuteOptions & { checkStale?: boolean; replan?: boolean } = {}): Promise<ApplyResult & { plan: Plan }> {
    let effective = plan;
    if (opts.checkStale) {
      const check = await this.checkStale(plan);
      if (check.stale) {
        if (!opts.replan || !check.current) {
          throw new MerakiBatchError("PLAN_STALE", `the live network changed since the plan was made:\n  ${check.differences.join("\n  ") || "the live state no longer matches"}`);
        }
        effective = check.current;
      }
    }
    if (plan.organizationId !== this.options.organizationId) {
      throw new MerakiBatchError("CONFIG_INVALID", `the plan is for organization ${plan.organizationId}, not ${this.options.organizationId}`);
    }
    const result = await executePlan(this.client, effective, {
      clock: this.options.clock,
      maxBatchesInFlight: this.options.maxBatchesInFlight,
      ...opts,
    });
    this.options.cache?.invalidate();
    return { ...result, plan: effective };
  }
}
