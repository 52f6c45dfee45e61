/**
 * The dynamic provider's implementation, loaded by package name at call time by the serialised
 * shim (shim.ts). One instance per process (on globalThis), shared by every resource type and
 * every provider text in state: it holds the settings, the Dashboard client, the live-state cache
 * and the coalescer that turns concurrent calls into batches.
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
import { issueMessage, liveNeeds, validate } from "../plan/plan";
import { Change, DeleteSpec, Kind, ResourceSpec } from "../resources/common";
import { KINDS } from "../resources";
import { Coalescer, Flushable } from "./coalescer";
import { CONFIG_NAMESPACE, DYNAMIC_DEFAULTS, SETTINGS, SettingName, Settings, resolveSettings } from "./settings";

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
  result: ResourceResult;
  change?: Change;
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

/** The Meraki resource's properties from a resource's inputs or outputs. */
export function resourceProps(raw: Props): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(raw ?? {})) if (!PROVIDER_FIELDS.includes(k) && v !== undefined && v !== null) out[k] = v;
  // null is meaningful for a few port fields (vlan: null clears a trunk's native VLAN)
  for (const k of ["vlan", "voiceVlan", "name", "portScheduleId", "groupPolicyId", "adaptivePolicyGroupId", "dhcpBootNextServer", "dhcpBootFilename"]) {
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
  }
}

/** Outputs: the inputs plus what the provider remembers; never undefined (the plugin cannot marshal it). */
function outputs(props: Props, original: unknown): Props {
  const out: Props = JSON.parse(JSON.stringify(props));
  if (original !== undefined) out.original = original === null ? null : JSON.parse(JSON.stringify(original));
  return out;
}

/** Fields whose change means a different Meraki object: replace rather than update. */
const IDENTITY: Record<Kind, string[]> = {
  vlan: ["networkId", "vlanId"],
  switchPort: ["serial", "portId"],
  deviceTags: ["serial"],
  vlansSettings: ["networkId"],
};

export class Runtime {
  private config: ConfigReader | undefined;
  private configured!: () => void;
  private readonly ready = new Promise<void>((resolve) => (this.configured = resolve));
  private state?: Promise<{ settings: Settings; client: DashboardClient; engine: Engine; cache: LiveCache }>;
  private readonly coalescer = new Coalescer<Job, JobResult>((items) => this.flush(items), () => this.windowMs, DYNAMIC_DEFAULTS.batchMaxWaitMs);
  private windowMs: number = DYNAMIC_DEFAULTS.batchWindowMs;

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
  private async setup() {
    if (!this.state) {
      this.state = (async () => {
        await Promise.race([this.ready, new Promise((r) => setTimeout(r, 2000).unref())]);
        const settings = resolveSettings((n) => this.lookup(n));
        this.windowMs = settings.batchWindowMs;
        const client = new DashboardClient({ apiKey: settings.apiKey, baseUrl: settings.baseUrl, requestsPerSecond: settings.requestsPerSecond, userAgent: userAgent("Pulumi") });
        const organizationId = settings.organizationId ?? (await soleOrganization(client, `set ${CONFIG_NAMESPACE}:organizationId or ${SETTINGS.organizationId}`));
        const cache = new LiveCache(settings.liveCacheTtlMs);
        const engine = new Engine(client, {
          organizationId,
          maxBatchesInFlight: settings.maxBatchesInFlight,
          maxActionsPerBatch: settings.maxActionsPerBatch,
          synchronous: settings.synchronous,
          clock: realClock,
          cache,
        });
        return { settings, client, engine, cache };
      })();
      this.state.catch(() => (this.state = undefined));
    }
    return this.state;
  }

  /** check: the engine's validation as CheckFailures; values unknown during preview are not judged. */
  async check(kind: Kind, _olds: Props, news: Props): Promise<{ inputs: Props; failures: Array<{ property: string; reason: string }> }> {
    const module = KINDS[kind];
    const props = resourceProps(news);
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
    }
    return { inputs: news, failures };
  }

  /** diff: against the live object (through the per-collection cache), so preview shows drift made in the Dashboard. */
  async diff(kind: Kind, _id: string, olds: Props, news: Props): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
    const replaces = IDENTITY[kind].filter((f) => isUnknown(news[f]) || String(news[f]) !== String(olds[f]));
    if (replaces.length) return { changes: true, replaces, deleteBeforeReplace: kind === "vlan" };
    const props = resourceProps(news);
    if (containsUnknown(props)) return { changes: true, replaces: [], deleteBeforeReplace: false };
    const inputsChanged = JSON.stringify(sorted(resourceProps(olds))) !== JSON.stringify(sorted(props));
    try {
      const live = await this.liveChange(kind, props);
      return { changes: inputsChanged || (live !== undefined && live.op !== "noop"), replaces: [], deleteBeforeReplace: false };
    } catch (err) {
      // No live view (e.g. invalid props, which check reports): fall back to comparing inputs.
      if (!(err instanceof ValidationError)) process.stderr.write(`meraki-batch: diff of ${resourceId(kind, props)} could not read live state: ${(err as Error).message}\n`);
      return { changes: inputsChanged, replaces: [], deleteBeforeReplace: false };
    }
  }

  /** The change this resource would make now, planned alone against the cached live state. */
  private async liveChange(kind: Kind, props: Props): Promise<Change | undefined> {
    const { engine, cache } = await this.setup();
    const plan = await engine.plan([{ kind, name: resourceId(kind, props), props }], [], cache);
    return plan.changes[0];
  }

  async create(kind: Kind, inputs: Props): Promise<{ id: string; outs: Props }> {
    const props = resourceProps(inputs);
    const { change } = await this.submit({ op: { kind: "apply", spec: { kind, name: resourceId(kind, props), props, intent: "create" } } });
    // Singletons remember what they took over, for onDelete: restore.
    const original = kind === "vlan" ? undefined : (change?.live ?? null);
    return { id: resourceId(kind, props), outs: outputs(inputs, original) };
  }

  async update(kind: Kind, _id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
    const props = resourceProps(news);
    const { change } = await this.submit({ op: { kind: "apply", spec: { kind, name: resourceId(kind, props), props, intent: "ensure" } } });
    const original = kind === "vlan" ? undefined : extendOriginal(olds.original, change?.live ?? null);
    return { outs: outputs(news, original) };
  }

  async delete(kind: Kind, _id: string, props: Props): Promise<void> {
    const p = resourceProps(props);
    const original = props.original && typeof props.original === "object" ? (props.original as Props) : null;
    await this.submit({ op: { kind: "delete", spec: { kind, name: resourceId(kind, p), props: p, onDelete: p.onDelete as DeleteSpec["onDelete"], original } } });
  }

  /** read (refresh): the live values of the managed fields; a VLAN that is gone reads as gone. */
  async read(kind: Kind, id: string, props: Props): Promise<{ id: string; props: Props }> {
    const p = resourceProps(props);
    const { engine, cache } = await this.setup();
    const { items } = validate([{ kind, name: id, props: p }]);
    // Shared with the other reads of this refresh: one GET per collection, not per resource.
    const live = await readLive(engine.client, engine.options.organizationId, liveNeeds(items), cache);
    const module = KINDS[kind];
    const r = module.plan(items[0].props, { live, name: id, intent: "ensure" });
    if (!r.change) return { id: "", props: {} };
    if (kind === "vlan" && r.change.op === "create") return { id: "", props: {} };
    const current = { ...props };
    for (const f of r.change.fields) {
      const top = f.path.split(".")[0];
      const liveValue = (r.change.live ?? {})[top];
      current[top] = liveValue === undefined ? null : liveValue;
    }
    return { id, props: outputs(current, undefined) };
  }

  private async submit(job: Job): Promise<JobResult> {
    await this.setup();
    return this.coalescer.submit(job);
  }

  /** One plan and apply for every call gathered; problems of one resource reject only that resource's call. */
  private async flush(items: Flushable<Job, JobResult>[]): Promise<void> {
    const { engine, cache } = await this.setup();
    let remaining = items;
    while (remaining.length) {
      const resources = remaining.flatMap((i) => (i.item.op.kind === "apply" ? [i.item.op.spec] : []));
      const deletes = remaining.flatMap((i) => (i.item.op.kind === "delete" ? [i.item.op.spec] : []));
      let plan;
      try {
        plan = await engine.plan(resources, deletes, cache);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const byName = new Map<string, ValidationIssue[]>();
        for (const issue of err.issues) byName.set(issue.name ?? "", [...(byName.get(issue.name ?? "") ?? []), issue]);
        const rejected = remaining.filter((i) => byName.has(i.item.op.spec.name));
        if (!rejected.length) throw err;
        for (const i of rejected) i.reject(new ValidationError(byName.get(i.item.op.spec.name)!));
        remaining = remaining.filter((i) => !rejected.includes(i));
        continue;
      }
      const applied = await engine.apply(plan);
      const changes = new Map(plan.changes.map((c) => [c.key, c]));
      for (const i of remaining) {
        const module = KINDS[i.item.op.spec.kind];
        const key = module.key(module.schema.parse(i.item.op.spec.props));
        const result = applied.resources.find((r) => r.key === key);
        if (!result) i.reject(new MerakiBatchError("API_ERROR", `no result for ${key}`));
        else if (result.outcome.status === "applied" || result.outcome.status === "unchanged") i.resolve({ result, change: changes.get(key) });
        else i.reject(new Error(`${result.description}: ${STATUS_WORD[result.outcome.status] ?? ""}${"reason" in result.outcome ? result.outcome.reason : ""}${batchRef(result)}`));
      }
      return;
    }
  }
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
