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

/** Replaces what can be replaced in the runtime at `pulumiDir` (the program's @pulumi/pulumi); returns the undo. */
export function lightenRuntime(pulumiDir: string, env: NodeJS.ProcessEnv): () => void {
  const undo = [withoutPromiseStacks(pulumiDir, env), withLazyProperties(pulumiDir)];
  return () => undo.forEach((u) => u());
}

function runtimeModule(pulumiDir: string, file: string): Record<string, unknown> | undefined {
  try {
    return require(path.join(pulumiDir, "runtime", file)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Sets `module[name]` to `make(original)` if it is a function; returns the undo. */
function replace<F extends (...args: any[]) => unknown>(module: Record<string, unknown> | undefined, name: string, make: (original: F) => F): () => void {
  const original = module?.[name];
  if (!module || typeof original !== "function") return () => {};
  module[name] = make(original as F);
  return () => {
    module[name] = original;
  };
}

function withoutPromiseStacks(pulumiDir: string, env: NodeJS.ProcessEnv): () => void {
  const debuggable = runtimeModule(pulumiDir, "debuggable.js");
  if (!debuggable || debuggable.debugPromiseLeaks || env.PULUMI_DEBUG_PROMISE_LEAKS) return () => {};
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
