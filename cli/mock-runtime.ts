/**
 * Pulumi's runtime made lighter for the one thing the CLI runs it for: collecting a program's
 * resources under mocks. A program declares its resources synchronously, so all of them are in
 * flight at once, each with everything the runtime makes for it; at 50,000 resources that was
 * minutes and gigabytes. Two of the runtime's internal functions are replaced while the program
 * runs, each with what a program cannot tell apart from the original:
 *
 * - `runtime/debuggable.js` `debuggablePromise` records `new Error().stack` on every promise the
 *   runtime makes (several per property of every resource), for one use: the list of leaked
 *   promises it prints under PULUMI_DEBUG_PROMISE_LEAKS. Here it runs with
 *   Error.stackTraceLimit 0, so those stacks are empty; everything else it does is kept. Under
 *   PULUMI_DEBUG_PROMISE_LEAKS it is left alone.
 * - `runtime/rpc.js` `transferProperties` gives each input property of a resource an Output
 *   (four promises, each wrapped, and the Output's own) when the resource is made. Here each
 *   property gets the same Output, made by the original function, when the program first reads it;
 *   what the registration resolves before then is kept and handed to it. Most properties are never
 *   read.
 *
 * Each is replaced only if the runtime is laid out as expected (else it stays, and is only slower).
 */
import * as path from "path";

type Resolver = (...args: unknown[]) => void;
type Transfer = (onto: Record<string, unknown>, label: string, props: Record<string, unknown>) => Record<string, Resolver>;

/** Registrations in flight at once on the lean path (more only when all of them wait on later ones). */
const WINDOW = 64;

export interface LightRuntime {
  /** The position of a resource in the program's own order (when its constructor ran); undefined if unknown. */
  declared(type: string, name: string): number | undefined;
  /** The replacements in place (one that found the runtime laid out otherwise is missing). */
  replaced: string[];
  restore(): void;
}

/** What a replacement that found nothing to replace gives back. */
const UNCHANGED = () => {};

/** Replaces what can be replaced in the runtime at `pulumiDir` (the program's @pulumi/pulumi). */
export function lightenRuntime(pulumiDir: string, env: NodeJS.ProcessEnv, lean: (type: string) => boolean): LightRuntime {
  const order = new Map<string, number>();
  const undo: Array<[string, () => void]> = [
    ["promise stacks", withoutPromiseStacks(pulumiDir, env)],
    ["lazy properties", withLazyProperties(pulumiDir)],
    ["call sites", withoutCallsites(pulumiDir)],
    ["provider text", withoutProviderText(pulumiDir)],
    // Before recordingOrder: the order is recorded around it.
    ["lean registration", withLeanRegistration(pulumiDir, lean)],
    ["program order", recordingOrder(pulumiDir, order)],
  ];
  return {
    declared: (type, name) => order.get(`${type}::${name}`),
    replaced: undo.filter(([, u]) => u !== UNCHANGED).map(([name]) => name),
    // Last made, first undone: two of them replace the same function, each over the one before.
    restore: () => [...undo].reverse().forEach(([, u]) => u()),
  };
}

/** A module of the runtime (`runtime/FILE`), or undefined if this @pulumi/pulumi has none there. */
function runtimeModule(pulumiDir: string, file: string): Record<string, unknown> | undefined {
  return load(pulumiDir, path.join("runtime", file));
}

/** Sets `module[name]` to `make(original)` if it is a function; returns the undo. */
function replace<F extends (...args: any[]) => unknown>(module: Record<string, unknown> | undefined, name: string, make: (original: F) => F): () => void {
  const original = module?.[name];
  if (!module || typeof original !== "function") return UNCHANGED;
  module[name] = make(original as F);
  return () => {
    module[name] = original;
  };
}

function withoutPromiseStacks(pulumiDir: string, env: NodeJS.ProcessEnv): () => void {
  const debuggable = runtimeModule(pulumiDir, "debuggable.js");
  if (!debuggable || debuggable.debugPromiseLeaks || env.PULUMI_DEBUG_PROMISE_LEAKS) return UNCHANGED;
  return replace(debuggable, "debuggablePromise", (original) =>
    function debuggablePromise(this: unknown, ...args: unknown[]) {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        return original.apply(this, args);
      } finally {
        Error.stackTraceLimit = limit;
      }
    },
  );
}

function withLazyProperties(pulumiDir: string): () => void {
  return replace<Transfer>(runtimeModule(pulumiDir, "rpc.js"), "transferProperties", (original) => (onto, label, props) => {
    const resolvers: Record<string, Resolver> = {};
    for (const k of Object.keys(props)) {
      // As the original: id and urn are the runtime's own; a property is made once.
      if (k === "id" || k === "urn") continue;
      if (Object.prototype.hasOwnProperty.call(onto, k)) throw new Error(`Property '${k}' is already initialized on target '${label}`);
      let settled: unknown[] | undefined;
      let resolve: Resolver | undefined;
      const own = (value: unknown) => Object.defineProperty(onto, k, { value, writable: true, enumerable: true, configurable: true });
      Object.defineProperty(onto, k, {
        enumerable: true,
        configurable: true,
        get() {
          delete onto[k];
          resolve = original(onto, label, { [k]: props[k] })[k];
          if (settled) resolve(...settled);
          return onto[k];
        },
        // A class that assigns its own value over the Output (the original allows it) just sets it.
        set: own,
      });
      resolvers[k] = (...args) => (resolve ? resolve(...args) : (settled = args));
    }
    return resolvers;
  });
}

/**
 * The order in which the program declares its resources. The mock sees them in the order the
 * runtime finishes preparing them, which depends on how deeply their inputs nest and on the
 * runtime's own steps; the program's order is the one a reader of it expects, and does not move
 * when the runtime changes.
 */
function recordingOrder(pulumiDir: string, order: Map<string, number>): () => void {
  const resource = runtimeModule(pulumiDir, "resource.js");
  const record = (name: "registerResource" | "readResource", typeAt: number) =>
    replace(resource, name, (original) =>
      function (this: unknown, ...args: unknown[]) {
        const key = `${String(args[typeAt])}::${String(args[typeAt + 1])}`;
        if (!order.has(key)) order.set(key, order.size);
        return original.apply(this, args);
      },
    );
  // registerResource(res, parent, t, name, …), readResource(res, parent, t, name, …)
  const undo = [record("registerResource", 2), record("readResource", 2)];
  if (undo.every((u) => u === UNCHANGED)) return UNCHANGED;
  return () => undo.forEach((u) => u());
}

/** A module of the program's @pulumi/pulumi, or undefined if it has none at `file`. */
function load(pulumiDir: string, file: string): any {
  try {
    return require(path.join(pulumiDir, file));
  } catch {
    return undefined;
  }
}

/**
 * `Resource.callsites` reads `new Error().stack` with no frame limit for every resource, for the
 * source position the engine shows. While the program runs, the CLI's stack capture
 * (program-errors.ts) formats every stack as its first line only, so it returns [] anyway: it
 * returns [] without taking the stack.
 */
function withoutCallsites(pulumiDir: string): () => void {
  const Resource = load(pulumiDir, "resource.js")?.Resource as Record<string, unknown> | undefined;
  return replace(Resource, "callsites", () => () => []);
}

/**
 * A dynamic resource's provider is serialised to JavaScript text (`__provider`), once per provider
 * object, by `runtime/closure/serializeClosure.js` `serializeFunction`, which first opens an
 * inspector session with the debugger enabled (150 ms, and every script parsed after it is
 * reported to it). The mock drops `__provider` (program.ts), so the text is never read: it is the
 * empty function's.
 */
function withoutProviderText(pulumiDir: string): () => void {
  return replace(runtimeModule(pulumiDir, "closure/serializeClosure.js"), "serializeFunction", () => async () => ({ text: "", exportName: "handler", containsSecrets: false }));
}

/** Options the lean path leaves to the runtime's own registration. */
const EXOTIC_OPTIONS = ["provider", "providers", "deletedWith", "replaceWith", "replacementTrigger", "transforms", "hooks", "stateMigrations", "import", "urn", "id", "envVarMappings"];

/**
 * The registration of the CLI's own resource types (custom, not remote, with plain options): what
 * the runtime's `registerResource` does that the mock can see, and no more. The inputs are
 * serialised and awaited by the runtime's own functions, sent to the mock monitor as a
 * RegisterResourceRequest, and the URN, id and outputs resolved from its answer as the runtime
 * does outside a preview (outputs the mock does not give come from the inputs). What only the
 * engine uses (dependency URNs, aliases, source positions, custom timeouts…) is not computed: the
 * mock ignores it. Registrations run a window at a time, in the program's order, so what one
 * registration makes is gone before the next ones start; the resource itself, its URN, id and
 * properties exist from its constructor on, as with the runtime.
 */
function withLeanRegistration(pulumiDir: string, lean: (type: string) => boolean): () => void {
  const resourceRt = load(pulumiDir, "runtime/resource.js");
  const rpc = load(pulumiDir, "runtime/rpc.js");
  const settings = load(pulumiDir, "runtime/settings.js");
  const dependsOn = load(pulumiDir, "runtime/dependsOn.js");
  const errors = load(pulumiDir, "errors.js");
  const output = load(pulumiDir, "output.js");
  const resproto = load(pulumiDir, "proto/resource_pb.js");
  const needed = [
    rpc?.serializeProperty,
    rpc?.deserializeProperties,
    rpc?.deserializeProperty,
    rpc?.resolveProperties,
    rpc?.transferProperties,
    settings?.rpcKeepAlive,
    settings?.getMonitor,
    settings?.isDryRun,
    dependsOn?.gatherExplicitDependencies,
    dependsOn?.getAllTransitivelyReferencedResourceURNs,
    errors?.isGrpcError,
    output?.Output,
    resproto?.RegisterResourceRequest,
  ];
  if (needed.some((f) => typeof f !== "function")) return UNCHANGED;

  const queue: Array<(() => Promise<void>) | undefined> = [];
  let head = 0;
  let window = WINDOW;
  let running = 0;
  let finished = 0;
  let watching = false;
  const next = () => {
    while (running < window && head < queue.length) {
      running++;
      const start = queue[head]!;
      queue[head++] = undefined;
      if (head === queue.length) queue.length = head = 0;
      void start().finally(() => {
        running--;
        finished++;
        next();
      });
    }
    watch();
  };
  // Registrations that all wait on later ones (an input from a resource declared after them) would
  // hold the window forever: when a turn of the event loop ends with none finished, one more starts.
  const watch = () => {
    if (watching || head >= queue.length) return;
    watching = true;
    const seen = finished;
    setImmediate(() => {
      watching = false;
      if (finished === seen && head < queue.length) window++;
      next();
    });
  };

  /**
   * The runtime's serializeResourceProperties: each input but id and urn serialised, undefined
   * left out, with the resources each depends on; plain data (most inputs) here, without a
   * promise per value.
   */
  const serializeInputs = async (label: string, props: Record<string, unknown>): Promise<[Record<string, unknown>, Map<string, Set<unknown>>]> => {
    const result: Record<string, unknown> = {};
    const byProperty = new Map<string, Set<unknown>>();
    for (const k of Object.keys(props)) {
      if (k === "id" || k === "urn") continue;
      const deps = new Set<unknown>();
      let v = plainSerialized(props[k]);
      if (v === NOT_PLAIN) {
        try {
          v = await rpc.serializeProperty(`${label}.${k}`, props[k], deps, { keepOutputValues: false });
        } catch (err) {
          // As the runtime words it (the same error, its message extended).
          if (err instanceof Error) {
            err.message = `error serializing property "${k}": ${err.message}`;
            throw err;
          }
          throw new Error(`error serializing property "${k}": ${String(err)}`);
        }
      }
      if (v !== undefined) {
        result[k] = v;
        byProperty.set(k, deps);
      }
    }
    return [result, byProperty];
  };

  /** An Output over a value that the registration resolves (as the runtime's urn and id). */
  const deferred = (res: unknown) => {
    let resolve!: (v: unknown, known: boolean) => void;
    let reject!: (err: unknown) => void;
    const value = new Promise((ok, no) => {
      resolve = (v, known) => {
        ok(v);
        knownOk(known);
      };
      reject = (err) => {
        no(err);
        knownNo(err);
      };
    });
    let knownOk!: (v: boolean) => void;
    let knownNo!: (err: unknown) => void;
    const known = new Promise<boolean>((ok, no) => ((knownOk = ok), (knownNo = no)));
    return { out: new output.Output(res, value, known, Promise.resolve(false), Promise.resolve(res)), resolve, reject };
  };

  return replace(resourceRt, "registerResource", (original) =>
    function registerResource(this: unknown, ...args: any[]) {
      const [res, parent, t, name, custom, remote, , props, opts] = args;
      const monitor = settings.getMonitor();
      if (!custom || remote || !lean(t) || settings.isDryRun() || !monitor?.registerResource || EXOTIC_OPTIONS.some((o) => opts?.[o] !== undefined && !(Array.isArray(opts[o]) && !opts[o].length))) {
        return original.apply(this, args);
      }
      const label = `resource:${name}[${t}]`;
      const done = settings.rpcKeepAlive();
      const urn = deferred(res);
      const id = deferred(res);
      res.urn = urn.out;
      res.id = id.out;
      const resolvers: Record<string, (...a: unknown[]) => void> = rpc.transferProperties(res, label, props);
      const fail = (err: unknown) => {
        // As the runtime: an RPC error (the monitor going away) leaves the outputs unresolved.
        if (!errors.isGrpcError(err)) {
          urn.reject(err);
          id.reject(err);
        }
        for (const k of Object.keys(resolvers)) resolvers[k](undefined, true, false, [], err);
      };
      queue.push(async () => {
        try {
          const explicit = new Set(opts.dependsOn === undefined ? [] : await dependsOn.gatherExplicitDependencies(opts.dependsOn));
          const [serialized, byProperty] = await serializeInputs(label, props);
          const parentURN = parent ? await parent.urn.promise() : undefined;
          // As the runtime, the registration waits for every resource it depends on.
          for (const deps of (byProperty as Map<string, Set<unknown>>).values()) for (const d of deps) explicit.add(d);
          if (explicit.size) await dependsOn.getAllTransitivelyReferencedResourceURNs(explicit, new Set([res]));
          const req = new resproto.RegisterResourceRequest();
          req.setType(t);
          req.setName(name);
          req.setParent(parentURN || "");
          req.setCustom(true);
          // What the protobuf Struct would give back, without making it (the mock reads nothing else of it).
          req.getObject = () => ({ toJavaScript: () => structRoundTrip(serialized) });
          req.setAcceptsecrets(true);
          req.setAcceptresources(true);
          req.setSupportspartialvalues(true);
          const resp: any = await new Promise((ok, no) => monitor.registerResource(req, (err: unknown, r: unknown) => (err ? no(err) : ok(r))));
          urn.resolve(resp.getUrn(), true);
          const resourceId = resp.getId() || undefined;
          id.resolve(resourceId, resourceId !== undefined);
          const outputs: Record<string, unknown> = rpc.deserializeProperties(resp.getObject(), true);
          for (const k of Object.keys(props)) {
            if (!Object.prototype.hasOwnProperty.call(outputs, k) && serialized[k] !== undefined) outputs[k] = rpc.deserializeProperty(serialized[k], false);
          }
          rpc.resolveProperties(res, resolvers, t, name, outputs, {}, undefined, false);
        } catch (err) {
          fail(err);
          throw err;
        } finally {
          done();
        }
      });
      next();
    },
  );
}

const NOT_PLAIN = Symbol("not plain");

/**
 * What the runtime's serializeProperty makes of plain data, synchronously: primitives as they are,
 * functions and undefined left out of objects and null in arrays, arrays and plain objects copied.
 * NOT_PLAIN for anything else (Outputs, promises, resources, assets, class instances, and objects
 * with the runtime's own `__pulumi…` markers), which the runtime serialises itself.
 */
export function plainSerialized(v: unknown): unknown {
  if (v === null || v === undefined || typeof v === "boolean" || typeof v === "number" || typeof v === "string") return v;
  if (typeof v === "function") return undefined;
  if (typeof v !== "object") return NOT_PLAIN;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return NOT_PLAIN;
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      const e = plainSerialized(v[i]);
      if (e === NOT_PLAIN) return NOT_PLAIN;
      out.push(e === undefined ? null : e);
    }
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    if (k.startsWith("__pulumi")) return NOT_PLAIN;
    const e = plainSerialized((v as Record<string, unknown>)[k]);
    if (e === NOT_PLAIN) return NOT_PLAIN;
    if (e !== undefined) out[k] = e;
  }
  return out;
}

/**
 * `Struct.fromJavaScript(v).toJavaScript()` for serialised inputs (JSON-like values): object keys in
 * sorted order (the protobuf map's), the rest copied.
 */
export function structRoundTrip(v: unknown): unknown {
  if (v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  // As Value.fromJavaScript (serialised inputs never hold these).
  if (typeof v !== "object") throw new Error("Unexpected struct type.");
  if (Array.isArray(v)) return v.map(structRoundTrip);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = structRoundTrip((v as Record<string, unknown>)[k]);
  return out;
}
