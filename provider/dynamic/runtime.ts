/**
 * The dynamic provider's implementation, loaded by package name at call time by the serialised
 * shim (shim.ts). One instance per process (on globalThis), shared by every resource type and
 * every provider text in state: it holds the settings, the Dashboard client, the live-state cache,
 * the coalescer that turns concurrent calls into batches, and for lookahead the changes Check and
 * Diff announced (lookahead.ts) and the record of those applied ahead of their step (ahead-store.ts).
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
import { ApplyResult, ResourceResult } from "../apply/execute";
import { LiveCache, readLive } from "../live/read";
import { Plan, issueMessage, liveNeeds, validate } from "../plan/plan";
import { Change, DeleteSpec, Kind, ResourceSpec } from "../resources/common";
import { KINDS } from "../resources";
import { FileLedger, defaultStateDir } from "../apply/ledger";
import { assignedIds } from "../apply/fill";
import { AheadRecord, AheadStore, aheadFile } from "./ahead-store";
import { PluginInterrupts } from "./interrupt";
import { Coalescer, Flushable } from "./coalescer";
import { Announcement, LOOKAHEAD, Ledger, signature } from "./lookahead";
import { CONFIG_NAMESPACE, DYNAMIC_DEFAULTS, SETTINGS, SettingName, Settings, clientOptions, resolveSettings } from "./settings";

/** The sentinels the engine sends for values unknown during preview (sdk/go/common/resource/plugin/rpc.go). */
export const UNKNOWN_VALUES = new Set([
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** Inputs and outputs that belong to the provider, not to the Meraki resource. */
const PROVIDER_FIELDS = ["__provider", "original"];

type Props = Record<string, unknown>;

interface Job {
  op: { kind: "apply"; spec: ResourceSpec } | { kind: "delete"; spec: DeleteSpec };
}

interface JobResult {
  /** The managed fields before this change, as they truly were (even if applied ahead): the original of a singleton. */
  before: Props | null;
  /** The API's id of the object (an access policy's number…): assigned by its create, or the live one. */
  id?: string;
}

/** The pieces made once per process by setup(). */
interface Setup {
  settings: Settings;
  client: DashboardClient;
  engine: Engine;
  cache: LiveCache;
  store: AheadStore;
}

export interface ConfigReader {
  get(key: string): string | undefined;
}

export function isUnknown(v: unknown): boolean {
  return typeof v === "string" && UNKNOWN_VALUES.has(v);
}

function containsUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

/** The Meraki resource's properties from a resource's inputs or outputs (of a `kind`: without its id outputs). */
export function resourceProps(raw: Props, kind?: Kind): Props {
  const out: Props = {};
  const ids = kind ? Object.keys(KINDS[kind].outputs ?? {}) : [];
  for (const [k, v] of Object.entries(raw ?? {})) if (!PROVIDER_FIELDS.includes(k) && !ids.includes(k) && v !== undefined && v !== null) out[k] = v;
  // null is meaningful for a few port fields (vlan: null clears a trunk's native VLAN)
  for (const k of ["vlan", "voiceVlan", "name", "portScheduleId", "groupPolicyId", "adaptivePolicyGroupId", "dhcpBootNextServer", "dhcpBootFilename", "address", "notes"]) {
    if (raw && raw[k] === null) out[k] = null;
  }
  return out;
}

export function resourceId(kind: Kind, props: Props): string {
  switch (kind) {
    case "vlan":
      return `${String(props.networkId)}/${String(props.vlanId)}`;
    case "switchPort":
      return `${String(props.serial)}/${String(props.portId)}`;
    case "deviceTags":
      return String(props.serial);
    case "vlansSettings":
      return String(props.networkId);
    case "device":
      return String(props.serial);
    case "switchStaticRoute":
      return `${String(props.serial)}/${String(props.subnet)}`;
    case "switchAccessPolicy":
      return `${String(props.networkId)}/${String(props.name)}`;
    case "linkAggregation": {
      const parsed = KINDS.linkAggregation.schema.safeParse(props);
      return parsed.success ? KINDS.linkAggregation.key(parsed.data).replace(/^linkAggregation\//, "") : String(props.networkId);
    }
    case "switchRoutingInterface":
      return `${String(props.serial)}/${String(props.vlanId)}`;
  }
}

/** Outputs: the inputs plus what the provider remembers; never undefined (the plugin cannot marshal it). */
function outputs(props: Props, original: unknown): Props {
  const out: Props = JSON.parse(JSON.stringify(props));
  if (original !== undefined) out.original = original === null ? null : JSON.parse(JSON.stringify(original));
  return out;
}

/** The outputs with the id the API gave the object (accessPolicyNumber, interfaceId…), for kinds that have one. */
function withId(kind: Kind, outs: Props, id: string | undefined): Props {
  for (const [field, as] of Object.entries(KINDS[kind].outputs ?? {})) {
    if (id !== undefined) outs[field] = as === "number" ? Number(id) : id;
  }
  return outs;
}

/** Kinds that always exist: a "create" takes the object over and records its original (onDelete: "restore"). */
const SINGLETON: Record<Kind, boolean> = {
  vlan: false,
  switchPort: true,
  deviceTags: true,
  vlansSettings: true,
  device: true,
  switchAccessPolicy: false,
  linkAggregation: false,
  switchRoutingInterface: false,
  switchStaticRoute: false,
};

/** Fields whose change means a different Meraki object: replace rather than update. */
const IDENTITY: Record<Kind, string[]> = {
  vlan: ["networkId", "vlanId"],
  switchPort: ["serial", "portId"],
  deviceTags: ["serial"],
  vlansSettings: ["networkId"],
  device: ["serial"],
  switchAccessPolicy: ["networkId", "name"],
  linkAggregation: ["networkId"],
  switchRoutingInterface: ["serial", "vlanId"],
  switchStaticRoute: ["serial", "subnet"],
};

export class Runtime {
  private config: ConfigReader | undefined;
  private configured!: () => void;
  private readonly ready = new Promise<void>((resolve) => (this.configured = resolve));
  private state?: Promise<Setup>;
  private windowMs: number = DYNAMIC_DEFAULTS.batchWindowMs;
  private maxWaitMs: number = DYNAMIC_DEFAULTS.batchMaxWaitMs;
  /** Known once set up; until then no call is pending, so Check/Diff have no flush to extend. */
  private lookahead = false;
  private readonly interrupts = new PluginInterrupts();
  private readonly coalescer = new Coalescer<Job, JobResult>((items) => this.flush(items), () => this.windowMs, () => this.maxWaitMs);
  private readonly ledger = new Ledger();

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
        // Read even with lookahead off: records left by an earlier run with it on still tell the truth.
        const store = new AheadStore(aheadFile(settings.lookaheadDir, settings.baseUrl, organizationId), settings.baseUrl, organizationId);
        this.lookahead = settings.lookahead;
        return { settings, client, engine, cache, store };
      })();
      this.state.catch(() => (this.state = undefined));
    }
    return this.state;
  }

  /** check: the engine's validation as CheckFailures; values unknown during preview are not judged. */
  async check(kind: Kind, olds: Props, news: Props): Promise<{ inputs: Props; failures: Array<{ property: string; reason: string }> }> {
    const module = KINDS[kind];
    const props = resourceProps(news, kind);
    const parsed = module.schema.safeParse(props);
    const failures: Array<{ property: string; reason: string }> = [];
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map(String);
        if (issue.code === "unrecognized_keys") {
          failures.push({ property: "", reason: issueMessage(issue) });
          continue;
        }
        if (pathTouchesUnknown(props, path)) continue;
        failures.push({ property: path.join("."), reason: issueMessage(issue) });
      }
    } else if (LOOKAHEAD[kind].createFromCheck && !Object.keys(resourceProps(olds ?? {}, kind)).length) {
      // No olds: the engine is about to create this resource (step_generator.go calls Check without olds for a new one).
      this.announce(kind, module.key(parsed.data), props, "create");
    }
    return { inputs: news, failures };
  }

  /** diff: against the live object (through the per-collection cache), so preview shows drift made in the Dashboard. */
  async diff(kind: Kind, _id: string, olds: Props, news: Props): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
    const replaces = IDENTITY[kind].filter((f) => isUnknown(news[f]) || String(news[f]) !== String(olds[f]));
    if (replaces.length) return { changes: true, replaces, deleteBeforeReplace: kind === "vlan" };
    const props = resourceProps(news, kind);
    if (containsUnknown(props)) return { changes: true, replaces: [], deleteBeforeReplace: false };
    const inputsChanged = JSON.stringify(sorted(resourceProps(olds, kind))) !== JSON.stringify(sorted(props));
    let changes = inputsChanged;
    try {
      const live = await this.liveChange(kind, props);
      changes = inputsChanged || (live !== undefined && live.op !== "noop");
      // An update that replaces nothing: the engine's Update call will follow (in an update, not in a preview).
      if (changes && live && LOOKAHEAD[kind].updateFromDiff) this.announce(kind, live.key, props, "ensure");
    } catch (err) {
      // No live view (e.g. invalid props, which check reports): fall back to comparing inputs.
      if (!(err instanceof ValidationError)) process.stderr.write(`meraki-batch: diff of ${resourceId(kind, props)} could not read live state: ${(err as Error).message}\n`);
    }
    return { changes, replaces: [], deleteBeforeReplace: false };
  }

  /**
   * Remembers a fully known change that the engine announced, for the next flush. Nothing is
   * applied here: a flush needs a real Create/Update call (never made in a preview, never for a
   * resource outside --target, which gets no Check at all).
   */
  private announce(kind: Kind, key: string, props: Props, intent: Announcement["intent"]): void {
    if (containsUnknown(props)) return;
    this.ledger.announce({ key, kind, props, intent, signature: signature(kind, props) });
    // A flush that is waiting keeps waiting while the announcements stream in (bounded by batchMaxWaitMs).
    if (this.lookahead) this.coalescer.touch();
  }

  /** The change this resource would make now, planned alone against the cached live state. */
  private async liveChange(kind: Kind, props: Props): Promise<Change | undefined> {
    const { engine, cache } = await this.setup();
    const plan = await engine.plan([{ kind, name: resourceId(kind, props), props }], [], cache);
    return plan.changes[0];
  }

  async create(kind: Kind, inputs: Props): Promise<{ id: string; outs: Props }> {
    const props = resourceProps(inputs, kind);
    const { before, id } = await this.submit({ op: { kind: "apply", spec: { kind, name: resourceId(kind, props), props, intent: "create" } } });
    // Singletons remember what they took over, for onDelete: restore.
    const original = SINGLETON[kind] ? before : undefined;
    return { id: resourceId(kind, props), outs: withId(kind, outputs(inputs, original), id) };
  }

  async update(kind: Kind, _id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
    const props = resourceProps(news, kind);
    const { before, id } = await this.submit({ op: { kind: "apply", spec: { kind, name: resourceId(kind, props), props, intent: "ensure" } } });
    const original = SINGLETON[kind] ? extendOriginal(olds.original, before) : undefined;
    return { outs: withId(kind, outputs(news, original), id) };
  }

  async delete(kind: Kind, _id: string, props: Props): Promise<void> {
    const p = resourceProps(props, kind);
    const original = props.original && typeof props.original === "object" ? (props.original as Props) : null;
    await this.submit({ op: { kind: "delete", spec: { kind, name: resourceId(kind, p), props: p, onDelete: p.onDelete as DeleteSpec["onDelete"], original } } });
  }

  /** read (refresh): the live values of the managed fields; a VLAN that is gone reads as gone. */
  async read(kind: Kind, id: string, props: Props): Promise<{ id: string; props: Props }> {
    const p = resourceProps(props, kind);
    const { engine, cache } = await this.setup();
    const { items } = validate([{ kind, name: id, props: p }]);
    // Shared with the other reads of this refresh: one GET per collection, not per resource.
    const live = await readLive(engine.client, engine.options.organizationId, liveNeeds(items), cache);
    const module = KINDS[kind];
    const r = module.plan(items[0].props, { live, name: id, intent: "ensure" });
    if (!r.change) return { id: "", props: {} };
    // An object the API numbers (a VLAN, a policy, an interface…) that is gone reads as gone.
    if (!SINGLETON[kind] && r.change.op === "create") return { id: "", props: {} };
    const current = { ...props };
    for (const f of r.change.fields) {
      const top = f.path.split(".")[0];
      const liveValue = (r.change.live ?? {})[top];
      current[top] = liveValue === undefined ? null : liveValue;
    }
    return { id, props: withId(kind, outputs(current, undefined), r.change.id) };
  }

  /**
   * A real call. A change this process already applied ahead with identical inputs is answered
   * from its recorded outcome (no new action); anything else goes to the coalescer.
   */
  private async submit(job: Job): Promise<JobResult> {
    const { store } = await this.setup();
    if (job.op.kind === "apply") {
      const key = keyOf(job.op.spec);
      const ahead = key === undefined ? undefined : await this.ledger.claim(key);
      if (ahead && ahead.a.signature === signature(job.op.spec.kind, job.op.spec.props as Props)) {
        if (ahead.state === "failed") throw new Error(ahead.error);
        if (ahead.state === "applied") {
          // Claimed: its original is now in Pulumi's state.
          store.remove(key!);
          await store.save();
          return { before: ahead.before, id: ahead.change?.id };
        }
      }
      // Different inputs (a policy pack remediated them after Check): planned and applied normally.
    }
    return this.coalescer.submit(job);
  }

  /** A flush: the calls gathered, plus (lookahead) the changes announced and not yet applied. */
  private async flush(calls: Flushable<Job, JobResult>[]): Promise<void> {
    const setup = await this.setup();
    const busy = new Set(calls.map((c) => keyOf(c.item.op.spec)).filter((k): k is string => k !== undefined));
    const ahead = setup.settings.lookahead ? this.ledger.take(busy) : [];
    await this.applyJobs(setup, calls, ahead);
  }

  /**
   * Plans and applies a set of jobs as one: the real calls, and the changes anticipated with them.
   * Resolves or rejects every call; records what became of every anticipated change. Problems of
   * one resource reject only that resource's call; an anticipated change never makes a call fail
   * that would have succeeded without it (it is dropped, or the calls are applied again alone).
   */
  private async applyJobs(setup: Setup, calls: Flushable<Job, JobResult>[], ahead: Announcement[]): Promise<void> {
    const { engine, cache, store } = setup;
    let remaining = calls;
    let anticipated = ahead;
    const release = (list: Announcement[]) => list.forEach((a) => this.ledger.settle(a.key, { state: "released" }));
    try {
      while (remaining.length) {
        const specs = [...remaining.map((c) => c.item.op), ...anticipated.map((a) => ({ kind: "apply" as const, spec: aheadSpec(a) }))];
        const resources = specs.flatMap((o) => (o.kind === "apply" ? [o.spec] : []));
        const deletes = specs.flatMap((o) => (o.kind === "delete" ? [o.spec] : []));
        let plan: Plan;
        try {
          plan = await engine.plan(resources, deletes, cache);
        } catch (err) {
          const byName = new Map<string, ValidationIssue[]>();
          if (err instanceof ValidationError) for (const issue of err.issues) byName.set(issue.name ?? "", [...(byName.get(issue.name ?? "") ?? []), issue]);
          const rejected = remaining.filter((c) => byName.has(c.item.op.spec.name));
          const dropped = anticipated.filter((a) => byName.has(resourceId(a.kind, a.props)));
          if (!rejected.length && !dropped.length) {
            // Not attributable: plan the calls again without anything anticipated, else fail them.
            if (!anticipated.length) throw err;
            release(anticipated);
            anticipated = [];
            continue;
          }
          // An anticipated change with a problem is left to its own call, which reports it.
          release(dropped);
          anticipated = anticipated.filter((a) => !dropped.includes(a));
          for (const c of rejected) c.reject(new ValidationError(byName.get(c.item.op.spec.name)!));
          remaining = remaining.filter((c) => !rejected.includes(c));
          continue;
        }
        const aheadKeys = new Set(anticipated.map((a) => a.key));
        const prior = await this.writeAhead(store, plan, aheadKeys);
        let applied: ApplyResult;
        try {
          if (this.interrupts.signal.aborted) throw new MerakiBatchError("CONFIG_INVALID", "the deployment was interrupted: no more batches are sent");
          applied = await this.interrupts.around(() => engine.apply(plan, { signal: this.interrupts.signal, drainMs: DYNAMIC_DEFAULTS.drainMs }));
        } catch (err) {
          // Outcome unknown: the records written ahead stay; the calls plan afresh against live.
          release(anticipated);
          throw err;
        }
        const results = new Map(applied.resources.map((r) => [r.key, r]));
        const changes = new Map(plan.changes.map((c) => [c.key, c]));
        // Ids the creates were given (an access policy's number…), for the resources' outputs.
        const assigned = assignedIds(plan.batches, applied.batches);
        const failed = applied.resources.filter((r) => r.outcome.status === "failed");
        // Every failure is an anticipated change's: the calls rolled back with it are applied again, alone.
        const retryAlone = failed.length > 0 && failed.every((r) => aheadKeys.has(r.key));
        const retry: typeof remaining = [];
        for (const a of anticipated) {
          const r = results.get(a.key);
          const ok = r && (r.outcome.status === "applied" || r.outcome.status === "unchanged");
          if (ok) {
            this.ledger.settle(a.key, { state: "applied", change: changes.get(a.key), before: store.trueBefore(a.key, changes.get(a.key)?.live ?? null) });
            const rec = store.get(a.key);
            if (rec && rec.state === "sent") store.put(a.key, { ...rec, state: "applied", batchId: batchIdOf(r!) });
          } else {
            this.ledger.settle(a.key, r ? { state: "failed", error: failureMessage(r) } : { state: "released" });
            if (prior.has(a.key)) store.set(a.key, prior.get(a.key));
          }
        }
        const answers: Array<() => void> = [];
        for (const c of remaining) {
          const key = keyOf(c.item.op.spec);
          const r = key === undefined ? undefined : results.get(key);
          if (!r) answers.push(() => c.reject(new MerakiBatchError("API_ERROR", `no result for ${c.item.op.spec.name}`)));
          else if (r.outcome.status === "applied" || r.outcome.status === "unchanged") {
            const before = store.trueBefore(r.key, changes.get(r.key)?.live ?? null);
            // Claimed: its original goes to Pulumi's state with this answer.
            if (c.item.op.kind === "apply") store.remove(r.key);
            const id = assigned.get(r.key) ?? changes.get(r.key)?.id;
            answers.push(() => c.resolve({ before, id }));
          } else if (retryAlone && r.outcome.status === "notApplied") retry.push(c);
          else answers.push(() => c.reject(new Error(failureMessage(r))));
        }
        // On disk before anyone is answered: what was applied ahead, and what was claimed.
        await store.save();
        for (const answer of answers) answer();
        remaining = retry;
        anticipated = [];
      }
    } finally {
      // Whatever was not settled (an error was thrown) is left to its own call.
      release(anticipated);
    }
  }

  /**
   * Before a batch with anticipated changes is sent: records, for those of singletons, the managed
   * fields as they were and the values about to be set. Returns the records they replace.
   */
  private async writeAhead(store: AheadStore, plan: Plan, aheadKeys: Set<string>): Promise<Map<string, AheadRecord | undefined>> {
    const prior = new Map<string, AheadRecord | undefined>();
    for (const c of plan.changes) {
      if (!aheadKeys.has(c.key) || !SINGLETON[c.kind] || c.op === "noop" || !c.live) continue;
      prior.set(c.key, store.recordAhead(c.key, { kind: c.kind, description: c.description, live: c.live, after: valuesAfter(c) }));
    }
    if (prior.size) await store.save();
    return prior;
  }
}

/** The resource's key, if its props pass the schema (otherwise planning reports why). */
function keyOf(spec: { kind: Kind; props: unknown }): string | undefined {
  const module = KINDS[spec.kind];
  const parsed = module?.schema.safeParse(spec.props);
  return parsed?.success ? module.key(parsed.data) : undefined;
}

function aheadSpec(a: Announcement): ResourceSpec {
  return { kind: a.kind, name: resourceId(a.kind, a.props), props: a.props, intent: a.intent };
}

/** "port 12 of switch …: <reason> (action batch 123)" */
function failureMessage(r: ResourceResult): string {
  const reason = (r.outcome as { reason?: string }).reason ?? r.outcome.status;
  return `${r.description}: ${STATUS_WORD[r.outcome.status] ?? ""}${reason}${batchRef(r)}`;
}

function batchIdOf(r: ResourceResult): string | undefined {
  return (r.outcome as { batchId?: string }).batchId;
}

/** The top-level managed fields a change sets, with their values once applied. */
function valuesAfter(c: Change): Props {
  const after: Props = {};
  for (const f of c.fields) {
    const [top, ...rest] = f.path.split(".");
    if (!rest.length) {
      after[top] = f.new;
      continue;
    }
    const base = (top in after ? after[top] : JSON.parse(JSON.stringify((c.live ?? {})[top] ?? {}))) as Props;
    let cur = base;
    for (const p of rest.slice(0, -1)) cur = (cur[p] && typeof cur[p] === "object" ? cur[p] : (cur[p] = {})) as Props;
    cur[rest[rest.length - 1]] = f.new;
    after[top] = base;
  }
  return after;
}

/** The outcome's word before its reason, as the CLI prints it ("not applied: batch #1 … rolled back …"). */
const STATUS_WORD: Record<string, string> = { notApplied: "not applied: ", unknown: "outcome unknown: ", mismatch: "not live as sent: " };

function batchRef(r: ResourceResult): string {
  const o = r.outcome as { batchId?: string };
  return o.batchId && !(r.outcome as { reason: string }).reason.includes(o.batchId) ? ` (action batch ${o.batchId})` : "";
}

/**
 * The original keeps what was captured when each field was first taken over: a field the
 * resource starts managing in an update is captured as it was just before that update.
 */
function extendOriginal(original: unknown, before: Props | null): Props | null {
  const old = original && typeof original === "object" ? (original as Props) : null;
  if (!before) return old;
  return { ...before, ...(old ?? {}) };
}

function sorted(o: Props): Props {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function pathTouchesUnknown(props: Props, path: string[]): boolean {
  let cur: unknown = props;
  for (const p of path) {
    if (isUnknown(cur)) return true;
    if (cur === null || typeof cur !== "object") return false;
    cur = (cur as Props)[p];
  }
  return containsUnknown(cur);
}

const GLOBAL_KEY = Symbol.for("meraki-batch.dynamic-runtime");

/** The process-wide runtime. */
export function runtime(): Runtime {
  const g = globalThis as unknown as Record<symbol, Runtime | undefined>;
  if (!g[GLOBAL_KEY]) g[GLOBAL_KEY] = new Runtime();
  return g[GLOBAL_KEY]!;
}
