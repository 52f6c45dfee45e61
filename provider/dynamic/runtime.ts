/**
 * The dynamic provider's implementation, loaded by package name at call time by the serialised
 * shim (shim.ts). One instance per process (on globalThis), shared by every resource type and
 * every provider text in state: it holds the settings, the Dashboard client, the live-state cache,
 * and the coalescer that turns the engine's concurrent calls into one plan and as few batches as
 * the limits allow.
 *
 * The engine hands a step to a worker only when one of its --parallel workers is free, so the
 * calls that arrive together are at most --parallel (docs/pulumi-engine.md): the number of Pulumi
 * resources decides how many batches a deployment takes, which is why a switch's ports can be one
 * resource (SwitchPorts).
 *
 * This file's path (meraki-batch/dist/provider/dynamic/runtime.js) is part of every stored
 * resource's provider text: keep it stable.
 */
import { realClock } from "../clock";
import { DashboardClient } from "../dashboard/client";
import { userAgent } from "../dashboard/user-agent";
import { soleOrganization } from "../dashboard/organizations";
import { Engine } from "../engine";
import { MerakiBatchError, ValidationError, ValidationIssue } from "../errors";
import { ResourceResult } from "../apply/execute";
import { LiveCache, readLive } from "../live/read";
import { Plan, liveNeeds, validate } from "../plan/plan";
import { Change } from "../resources/common";
import { KINDS } from "../resources";
import { portsText } from "../resources/switch-ports";
import { FileLedger, defaultStateDir } from "../apply/ledger";
import { assignedIds } from "../apply/fill";
import { PluginInterrupts } from "./interrupt";
import { currentUrn, onEngineCancel } from "./engine-hooks";
import { engineLog, engineLogAvailable } from "./engine-log";
import { FlushStats, batchLine, driftLine, parallelismWarning } from "./messages";
import { Coalescer, Flushable } from "./coalescer";
import {
  DynamicKind,
  IDENTITY,
  Op,
  Props,
  SINGLETON,
  applyOps,
  checkFailures,
  containsUnknown,
  deleteOps,
  extendBulkOriginal,
  extendOriginal,
  isUnknown,
  outputs,
  portIds,
  withId,
  portOfName,
  refreshedBulk,
  resourceId,
  resourceProps,
} from "./resources";
import { CONFIG_NAMESPACE, DYNAMIC_DEFAULTS, SETTINGS, SettingName, Settings, clientOptions, resolveSettings } from "./settings";

export { UNKNOWN_VALUES, isUnknown, resourceProps, resourceId } from "./resources";

/** One engine call (Create, Update or Delete): the operations of its resource's objects. */
interface Job {
  ops: Op[];
  /** The resource's URN, for diagnostics on it (engine-hooks.ts), when known. */
  urn?: string;
}

interface JobResult {
  /** Per operation key: the managed fields as they were before this change (the original of a singleton). */
  before: Map<string, Props | null>;
  /** Per operation key: the API's id of the object (an access policy's number…), assigned by its create or live. */
  ids: Map<string, string>;
}

/**
 * A call that failed for some of its objects: a SwitchPorts resource whose ports went into several
 * batches may have some applied. `applied` holds those, so the resource's state records them.
 */
export class CallFailed extends Error {
  constructor(
    message: string,
    readonly applied: Map<string, Props | null>,
  ) {
    super(message);
  }
}

/** The pieces made once per process by setup(). */
interface Setup {
  settings: Settings;
  client: DashboardClient;
  engine: Engine;
  cache: LiveCache;
}

export interface ConfigReader {
  get(key: string): string | undefined;
}

export class Runtime {
  private config: ConfigReader | undefined;
  private configured!: () => void;
  private readonly ready = new Promise<void>((resolve) => (this.configured = resolve));
  private state?: Promise<Setup>;
  private windowMs: number = DYNAMIC_DEFAULTS.batchWindowMs;
  private maxWaitMs: number = DYNAMIC_DEFAULTS.batchMaxWaitMs;
  private readonly coalescer = new Coalescer<Job, JobResult>((items) => this.flush(items), () => this.windowMs, () => this.maxWaitMs);
  private readonly interrupts = new PluginInterrupts(() => this.coalescer.waiting() > 0);
  /**
   * Objects taken over by a Create or Update of this deployment, with the resource that took them
   * and the fields it manages. A resource deleted later in the same deployment leaves those fields
   * alone: moving ports between a SwitchPort and a SwitchPorts (or renaming) sends nothing.
   */
  private readonly claims = new Map<string, Set<string>>();
  /** What each flush did, for the warning when --parallel split the deployment. */
  private readonly flushes: FlushStats[] = [];
  private maxActionsPerBatch = 100;

  /** What went in which batch, per resource, told once the deployment's batches are all known. */
  private readonly placed: Array<{ urn: string; results: ResourceResult[]; offset: number }> = [];

  constructor() {
    // The engine also sends Cancel when a deployment ends (how a plugin acknowledges shutdown): with
    // nothing waiting, that is the end, when the deployment's batches can be judged as a whole.
    onEngineCancel(() => {
      if (!this.coalescer.waiting()) this.report();
    });
  }

  private reported = false;
  /** The end of the deployment: each resource's batch and its position, and the warning if --parallel split it. */
  private report(): void {
    if (this.reported) return;
    this.reported = true;
    const total = this.flushes.reduce((n, f) => n + f.batches, 0);
    for (const p of this.placed) {
      const line = batchLine(p.results, p.offset, total);
      if (line) void engineLog("info", line, p.urn);
    }
    const warning = parallelismWarning(this.flushes, this.maxActionsPerBatch);
    if (warning) void engineLog("warning", warning);
  }

  /** Called by every deserialised provider instance; the first configuration wins. */
  configure(config: ConfigReader | undefined): void {
    if (!this.config && config) this.config = config;
    this.configured();
  }

  private lookup(name: SettingName): string | undefined {
    try {
      return this.config?.get(`${CONFIG_NAMESPACE}:${name}`);
    } catch {
      return undefined;
    }
  }

  /** Settings, client and engine, made once. Waits briefly for configure (the plugin configures lazily). */
  private async setup(): Promise<Setup> {
    if (!this.state) {
      this.state = (async () => {
        await Promise.race([this.ready, new Promise((r) => setTimeout(r, 2000).unref())]);
        const settings = resolveSettings((n) => this.lookup(n));
        this.windowMs = settings.batchWindowMs;
        this.maxWaitMs = settings.batchMaxWaitMs;
        this.maxActionsPerBatch = settings.maxActionsPerBatch;
        const client = new DashboardClient({ apiKey: settings.apiKey, ...clientOptions(settings), userAgent: userAgent("Pulumi") });
        const organizationId = settings.organizationId ?? (await soleOrganization(client, `set ${CONFIG_NAMESPACE}:organizationId or ${SETTINGS.organizationId}`));
        const cache = new LiveCache(settings.liveCacheTtlMs);
        const engine = new Engine(client, {
          organizationId,
          maxBatchesInFlight: settings.maxBatchesInFlight,
          maxActionsPerBatch: settings.maxActionsPerBatch,
          synchronous: settings.synchronous,
          clock: realClock,
          cache,
          // Drafts are recorded, so that a later run on this machine deletes those a killed plugin left.
          ledger: new FileLedger(defaultStateDir()),
        });
        return { settings, client, engine, cache };
      })();
      this.state.catch(() => (this.state = undefined));
    }
    return this.state;
  }

  /** check: the engine's validation as CheckFailures; values unknown during preview are not judged. */
  async check(kind: DynamicKind, olds: Props, news: Props): Promise<{ inputs: Props; failures: Array<{ property: string; reason: string }> }> {
    this.coalescer.touch();
    const props = resourceProps(news, kind);
    const failures = checkFailures(kind, props);
    // A resource new to the stack (no olds) gets no Diff: what it would change in the live objects is shown here.
    // Not awaited: the engine makes one Check at a time, and a slow Check spreads the steps that follow over several flushes.
    if (!failures.length && !Object.keys(resourceProps(olds ?? {}, kind)).length) void this.showDrift(kind, props);
    return { inputs: news, failures };
  }

  /**
   * One line on the resource with each live field that differs from the program and both values
   * (so `pulumi preview` shows drift without a refresh). Objects to create have no live fields.
   */
  private async showDrift(kind: DynamicKind, props: Props, changes?: Change[]): Promise<void> {
    if (containsUnknown(props) || !engineLogAvailable()) return;
    const urn = currentUrn();
    try {
      const differing = (changes ?? (await this.liveChanges(kind, props))).filter((c) => c.op !== "create");
      const line = driftLine(differing);
      // The plugin's first call came before the hooks that know its URN: said on the deployment, naming the object.
      if (line) await engineLog("info", urn ? line : `${differing[0].description}${differing.length > 1 ? ` and ${differing.length - 1} more` : ""}: ${line}`, urn);
    } catch {
      // Problems of the resource are Check's and Create's to report.
    }
  }

  /** diff: against the live objects (through the per-collection cache), so preview shows drift made in the Dashboard. */
  async diff(kind: DynamicKind, _id: string, olds: Props, news: Props): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
    this.coalescer.touch();
    const replaces = IDENTITY[kind].filter((f) => isUnknown(news[f]) || String(news[f]) !== String(olds[f]));
    if (replaces.length) return { changes: true, replaces, deleteBeforeReplace: kind === "vlan" };
    const props = resourceProps(news, kind);
    if (containsUnknown(props)) return { changes: true, replaces: [], deleteBeforeReplace: false };
    const inputsChanged = JSON.stringify(sorted(resourceProps(olds, kind))) !== JSON.stringify(sorted(props));
    try {
      const changes = await this.liveChanges(kind, props);
      void this.showDrift(kind, props, changes);
      return { changes: inputsChanged || changes.some((c) => c.op !== "noop"), replaces: [], deleteBeforeReplace: false };
    } catch (err) {
      if (inputsChanged) return { changes: true, replaces: [], deleteBeforeReplace: false };
      // No live view (e.g. invalid props, which check reports): the inputs decide.
      if (!(err instanceof ValidationError)) process.stderr.write(`meraki-batch: diff of ${resourceId(kind, props)} could not read live state: ${(err as Error).message}\n`);
      return { changes: false, replaces: [], deleteBeforeReplace: false };
    }
  }

  /** The changes this resource would make now, planned alone against the cached live state. */
  private async liveChanges(kind: DynamicKind, props: Props): Promise<Change[]> {
    const { engine, cache } = await this.setup();
    const plan = await engine.plan([{ kind, name: resourceId(kind, props), props }], [], cache);
    return plan.changes;
  }

  async create(kind: DynamicKind, inputs: Props): Promise<{ id: string; outs: Props }> {
    const props = resourceProps(inputs, kind);
    const id = resourceId(kind, props);
    try {
      const { before, ids } = await this.submit(this.applyJob(kind, props, "create"));
      return { id, outs: withId(kind, outputs(inputs, this.originalAfter(kind, props, undefined, before)), onlyId(ids)) };
    } catch (err) {
      throw this.partial(err, id, kind, props, inputs, undefined);
    }
  }

  async update(kind: DynamicKind, id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
    const props = resourceProps(news, kind);
    const job = this.applyJob(kind, props, "ensure");
    // Ports that leave a SwitchPorts resource go back as its onDelete says.
    if (kind === "switchPorts") {
      const kept = new Set(portIds(props));
      const left = portIds(resourceProps(olds, kind)).filter((p) => !kept.has(p));
      if (left.length) job.ops.push(...this.unclaimed(deleteOps(kind, resourceProps(olds, kind), olds.original, left)));
    }
    try {
      const { before, ids } = await this.submit(job);
      return { outs: withId(kind, outputs(news, this.originalAfter(kind, props, olds.original, before)), onlyId(ids)) };
    } catch (err) {
      throw this.partial(err, id, kind, props, news, olds.original);
    }
  }

  async delete(kind: DynamicKind, _id: string, props: Props): Promise<void> {
    const p = resourceProps(props, kind);
    const ops = this.unclaimed(deleteOps(kind, p, props.original));
    if (ops.length) await this.submit({ ops, urn: currentUrn() });
  }

  /**
   * read (refresh): the live values of the managed fields; a VLAN that is gone reads as gone. The
   * live values are returned as the inputs too: the engine shows an update's diff between stored
   * and new inputs (a dynamic provider cannot return a detailed diff), so after a refresh
   * `preview --diff` names each drifted field with its live and its program value.
   */
  async read(kind: DynamicKind, id: string, props: Props): Promise<{ id: string; props: Props; inputs?: Props }> {
    const p = resourceProps(props, kind);
    const { engine, cache } = await this.setup();
    const { ops } = applyOps(kind, p, "ensure");
    const { items } = validate(ops.map((o) => o.spec));
    // Shared with the other reads of this refresh: one GET per collection, not per resource.
    const live = await readLive(engine.client, engine.options.organizationId, liveNeeds(items), cache);
    const liveByPort = new Map<string, Props>();
    let current: Props = { ...props };
    let apiId: string | undefined;
    for (const item of items) {
      const r = item.module.plan(item.props, { live, name: item.spec.name, intent: "ensure" });
      if (!r.change) return { id: "", props: {} };
      // An object the API numbers (a VLAN, a policy, an interface…) that is gone reads as gone.
      if (!SINGLETON[kind] && r.change.op === "create") return { id: "", props: {} };
      apiId = r.change.id;
      const drifted: Props = {};
      for (const f of r.change.fields) {
        const top = f.path.split(".")[0];
        const liveValue = (r.change.live ?? {})[top];
        drifted[top] = liveValue === undefined ? null : liveValue;
      }
      if (kind === "switchPorts") liveByPort.set(String(item.props.portId), drifted);
      else current = { ...current, ...drifted };
    }
    if (kind === "switchPorts") current = { ...refreshedBulk(p, liveByPort), original: props.original };
    return { id, props: withId(kind, outputs(current, undefined), apiId), inputs: resourceProps(current, kind) };
  }

  /** The job of a Create or Update, its objects claimed for this deployment. */
  private applyJob(kind: DynamicKind, props: Props, intent: "create" | "ensure"): Job {
    const urn = currentUrn();
    const { ops, issues } = applyOps(kind, props, intent);
    if (issues.length) throw new ValidationError(issues);
    for (const op of ops) {
      const key = keyOf(op.spec);
      const managed = Object.keys(op.spec.props as Props).filter((f) => !META_FIELDS.has(f));
      if (key) this.claims.set(key, new Set(managed));
    }
    return { ops, urn };
  }

  /**
   * Delete operations less what another resource of this deployment took over: its fields are
   * not restored (it keeps them), and an object left with nothing to restore is not touched. (A
   * resource never deletes an object it took over itself in the same deployment: a replacement
   * is for other objects, and the engine deletes removed resources after every create and update.)
   */
  private unclaimed(ops: Op[]): Op[] {
    const out: Op[] = [];
    for (const op of ops) {
      const key = keyOf(op.spec);
      const claimed = key ? this.claims.get(key) : undefined;
      // Only objects that always exist are taken over; a VLAN, policy or interface is created and deleted.
      if (!claimed || !SINGLETON[op.spec.kind]) {
        out.push(op);
        continue;
      }
      const keep = (f: string) => !claimed.has(f);
      const props = Object.fromEntries(Object.entries(op.spec.props as Props).filter(([f]) => keep(f)));
      const spec = op.spec as { original?: Props | null };
      const original = spec.original ? Object.fromEntries(Object.entries(spec.original).filter(([f]) => keep(f))) : spec.original;
      if (Object.keys(props).some((f) => !META_FIELDS.has(f))) out.push({ kind: "delete", spec: { ...op.spec, props, original } } as Op);
    }
    return out;
  }

  /** The original to record after a Create/Update: what each object was before it was first taken over. */
  private originalAfter(kind: DynamicKind, props: Props, previous: unknown, before: Map<string, Props | null>): unknown {
    if (!SINGLETON[kind]) return undefined;
    if (kind === "switchPorts") {
      const byPort = new Map<string, Props | null>();
      const prefix = `switchPort/${String(props.serial)}/`;
      for (const [key, b] of before) if (key.startsWith(prefix)) byPort.set(key.slice(prefix.length), b);
      return extendBulkOriginal(previous, byPort, portIds(props));
    }
    const only = [...before.values()][0] ?? null;
    return previous === undefined ? only : extendOriginal(previous, only);
  }

  /**
   * A failed Create/Update of a resource some of whose objects were applied (a SwitchPorts resource
   * whose ports went into several batches): the engine is told the resource exists with those
   * objects recorded (ErrorResourceInitFailed: an error with `id` and `properties`), so its state
   * matches the network and the next `pulumi up` applies the rest.
   */
  private partial(err: unknown, id: string, kind: DynamicKind, props: Props, inputs: Props, previous: unknown): unknown {
    if (!(err instanceof CallFailed) || !err.applied.size || kind !== "switchPorts") return err;
    const original = this.originalAfter(kind, props, previous, err.applied);
    return Object.assign(new Error(err.message), { id, properties: outputs(inputs, original), reasons: [err.message] });
  }

  /** Remembers which batches a resource's objects went in (told at the end: report). */
  private place(job: Job, results: Map<string, ResourceResult>, offset: number): void {
    if (!job.urn) return;
    const mine = job.ops.map((o) => results.get(keyOf(o.spec) ?? "")).filter((r): r is ResourceResult => r !== undefined);
    this.placed.push({ urn: job.urn, results: mine, offset });
  }

  /** A real call, gathered with the others that arrive together. */
  private async submit(job: Job): Promise<JobResult> {
    if (!job.ops.length) return { before: new Map(), ids: new Map() };
    return this.coalescer.submit(job);
  }

  /**
   * A flush: plans and applies the calls gathered as one. Resolves or rejects every call. Problems
   * of one resource reject only that resource's call; the others are planned again without it.
   */
  private async flush(calls: Flushable<Job, JobResult>[]): Promise<void> {
    const { engine, cache } = await this.setup();
    let remaining = calls;
    while (remaining.length) {
      const ops = remaining.flatMap((c) => c.item.ops);
      const resources = ops.flatMap((o) => (o.kind === "apply" ? [o.spec] : []));
      const deletes = ops.flatMap((o) => (o.kind === "delete" ? [o.spec] : []));
      let plan: Plan;
      try {
        plan = await engine.plan(resources, deletes, cache);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const rejected = remaining.filter((c) => issuesOf(err.issues, c.item).length);
        // Not attributable to a call: every call fails with it.
        if (!rejected.length) throw err;
        for (const c of rejected) c.reject(new ValidationError(issuesOf(err.issues, c.item)));
        remaining = remaining.filter((c) => !rejected.includes(c));
        continue;
      }
      if (this.interrupts.signal.aborted) throw new MerakiBatchError("CONFIG_INVALID", "the deployment was cancelled: no more batches are sent");
      const applied = await this.interrupts.around(() => engine.apply(plan, { signal: this.interrupts.signal, drainMs: DYNAMIC_DEFAULTS.drainMs }));
      const results = new Map(applied.resources.map((r) => [r.key, r]));
      const lives = new Map(plan.changes.map((c) => [c.key, c.live ?? null]));
      // Ids the creates were given (an access policy's number…), else the live objects', for the outputs.
      const assigned = assignedIds(plan.batches, applied.batches);
      for (const c of plan.changes) if (c.id !== undefined && !assigned.has(c.key)) assigned.set(c.key, c.id);
      const offset = this.flushes.reduce((n, f) => n + f.batches, 0);
      this.flushes.push({ calls: remaining.length, actions: plan.summary.actions, batches: plan.batches.length });
      for (const c of remaining) this.place(c.item, results, offset);
      for (const c of remaining) answer(c, results, lives, assigned);
      remaining = [];
    }
  }
}

/** Properties that identify an object or say how to manage it, rather than fields it has. */
const META_FIELDS = new Set(["serial", "portId", "networkId", "vlanId", "onDelete", "adopt", "mode"]);

/** Resolves a call when each of its objects was applied (or needed nothing), else rejects it with every reason. */
function answer(c: Flushable<Job, JobResult>, results: Map<string, ResourceResult>, lives: Map<string, Props | null>, assigned: Map<string, string>): void {
  const before = new Map<string, Props | null>();
  const ids = new Map<string, string>();
  const failed: ResourceResult[] = [];
  for (const op of c.item.ops) {
    const key = keyOf(op.spec);
    const r = key === undefined ? undefined : results.get(key);
    if (!r) return c.reject(new MerakiBatchError("API_ERROR", `no result for ${op.spec.name}`));
    if (r.outcome.status === "applied" || r.outcome.status === "unchanged") {
      before.set(r.key, lives.get(r.key) ?? null);
      if (assigned.has(r.key)) ids.set(r.key, assigned.get(r.key)!);
    } else failed.push(r);
  }
  if (!failed.length) return c.resolve({ before, ids });
  c.reject(new CallFailed(failureMessage(failed, c.item.ops.length), before));
}

/** The id of a call's only object, if it has one. */
function onlyId(ids: Map<string, string>): string | undefined {
  return ids.size === 1 ? [...ids.values()][0] : undefined;
}

/** The validation issues that belong to a call's objects. */
function issuesOf(issues: ValidationIssue[], job: Job): ValidationIssue[] {
  const names = new Set(job.ops.map((o) => o.spec.name));
  const bulk = new Set([...names].map((n) => n.replace(/\[[^\]]+\]$/, "")));
  return issues.filter((i) => names.has(i.name ?? "") || bulk.has(i.name ?? ""));
}

/** The resource's key, if its props pass the schema (otherwise planning reports why). */
function keyOf(spec: { kind: string; props: unknown }): string | undefined {
  const module = KINDS[spec.kind as keyof typeof KINDS];
  const parsed = module?.schema.safeParse(spec.props);
  return parsed?.success ? module.key(parsed.data) : undefined;
}

/**
 * "port 12 of switch …: <reason> (action batch 123)"; for the ports of one SwitchPorts resource,
 * one line per distinct reason with the ports it applies to.
 */
function failureMessage(failed: ResourceResult[], total: number): string {
  const ports = failed.map((r) => portOfName(r.name));
  if (total === 1 || ports.some((p) => p === undefined)) return failed.map(oneFailure).join("; ");
  const byReason = new Map<string, string[]>();
  // The ports that failed first, then those whose outcome is unknown, then those not applied because of them.
  const rank: Record<string, number> = { failed: 0, mismatch: 1, unknown: 2, notApplied: 3 };
  for (const r of [...failed].sort((a, b) => (rank[a.outcome.status] ?? 9) - (rank[b.outcome.status] ?? 9))) {
    const text = `${STATUS_WORD[r.outcome.status] ?? ""}${(r.outcome as { reason?: string }).reason ?? r.outcome.status}${batchRef(r)}`;
    byReason.set(text, [...(byReason.get(text) ?? []), portOfName(r.name)!]);
  }
  const lines = [...byReason].map(([text, ids]) => `${portsText(ids)}: ${text}`);
  return `${failed.length} of ${total} ports not applied: ${lines.join("; ")}`;
}

function oneFailure(r: ResourceResult): string {
  const reason = (r.outcome as { reason?: string }).reason ?? r.outcome.status;
  return `${r.description}: ${STATUS_WORD[r.outcome.status] ?? ""}${reason}${batchRef(r)}`;
}

/** The outcome's word before its reason, as the CLI prints it ("not applied: batch #1 … rolled back …"). */
const STATUS_WORD: Record<string, string> = { notApplied: "not applied: ", unknown: "outcome unknown: ", mismatch: "not live as sent: " };

function batchRef(r: ResourceResult): string {
  const o = r.outcome as { batchId?: string };
  return o.batchId && !(r.outcome as { reason: string }).reason?.includes(o.batchId) ? ` (action batch ${o.batchId})` : "";
}

function sorted(o: Props): Props {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

const GLOBAL_KEY = Symbol.for("meraki-batch.dynamic-runtime");

/** The process-wide runtime. */
export function runtime(): Runtime {
  const g = globalThis as unknown as Record<symbol, Runtime | undefined>;
  if (!g[GLOBAL_KEY]) g[GLOBAL_KEY] = new Runtime();
  return g[GLOBAL_KEY]!;
}
