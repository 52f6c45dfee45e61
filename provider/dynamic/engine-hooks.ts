/**
 * What the engine tells the plugin and the dynamic-provider plugin does not pass on: its Cancel,
 * and which resource (URN) each call is for.
 *
 * - Cancel. At a Ctrl-C, `pulumi up` stops starting steps, sends `Cancel` to every provider plugin
 *   and waits for the steps that are running (pkg/backend/cancellation_scope.go;
 *   deploy/deployment_executor.go `SignalCancellation`). The terminal's SIGINT does not reach the
 *   plugins (each runs in a process group of its own: sdk/go/common/util/cmdutil/child_unix.go
 *   `RegisterProcessGroup`), and the dynamic-provider plugin answers Cancel without telling the
 *   provider (@pulumi/pulumi cmd/dynamic-provider `cancel(call, callback) { callback(undefined, new
 *   Empty()) }`). Without this hook a provider waiting on its batches would go on confirming them.
 * - URN. The provider's methods get a resource's properties, not its URN, which diagnostics need
 *   to be shown on the resource (engine-log.ts). Each request carries it (`CheckRequest.urn`…): the
 *   call runs with it in an AsyncLocalStorage, for currentUrn().
 *
 * Both wrap the handler the plugin's gRPC server looks up for a method (@grpc/grpc-js
 * `Server.prototype._retrieveHandler`, 1.14). They are installed only inside the dynamic-provider
 * plugin, and only if that method exists: otherwise nothing changes (no URNs, so no diagnostics;
 * the current flush's batches are finished after a Ctrl-C). The real-engine tests
 * (tests/pulumi-real/interrupt.test.ts, diagnostics.test.ts) prove them at our pinned versions.
 */
import { AsyncLocalStorage } from "async_hooks";

const SERVICE = "/pulumirpc.ResourceProvider/";
/** The methods whose requests name a resource. */
const WITH_URN = new Set(["Check", "Diff", "Create", "Update", "Delete", "Read"]);
const INSTALLED = Symbol.for("meraki-batch.engine-hooks");

type Handler = { func: (call: { request?: { getUrn?: () => string } }, callback: unknown) => unknown } & Record<string, unknown>;

const context = new AsyncLocalStorage<{ urn: string }>();
const cancelListeners: Array<() => void> = [];

/** The URN of the resource the current call is for, when the hooks are installed. */
export function currentUrn(): string | undefined {
  return context.getStore()?.urn;
}

/** The plugin's entry module (@pulumi/pulumi/cmd/dynamic-provider), when this process is the plugin. */
export function pluginMain(): NodeJS.Module | undefined {
  const main = require.main;
  return main && /[\\/]cmd[\\/]dynamic-provider[\\/]/.test(main.filename) ? main : undefined;
}

/** Calls `onCancel` (before the plugin answers) each time the engine sends Cancel. Returns whether the hooks are in. */
export function onEngineCancel(onCancel: () => void): boolean {
  if (!install()) return false;
  cancelListeners.push(onCancel);
  return true;
}

/** Installs the hooks once; whether they are in. */
export function install(): boolean {
  const main = pluginMain();
  if (!main) return false;
  let grpc: { Server?: { prototype: Record<string | symbol, unknown> } };
  try {
    grpc = main.require("@grpc/grpc-js");
  } catch {
    return false;
  }
  const proto = grpc.Server?.prototype;
  const retrieve = proto?._retrieveHandler;
  if (!proto || typeof retrieve !== "function") return false;
  if (proto[INSTALLED]) return true;
  proto[INSTALLED] = true;
  proto._retrieveHandler = function (this: unknown, path: string) {
    const handler = (retrieve as (p: string) => Handler | null).call(this, path);
    if (!handler || !path.startsWith(SERVICE)) return handler;
    const method = path.slice(SERVICE.length);
    if (method === "Cancel") {
      return {
        ...handler,
        func: (call: never, callback: unknown) => {
          for (const listener of cancelListeners) {
            try {
              listener();
            } catch {
              // The engine's Cancel is always answered.
            }
          }
          return handler.func(call, callback);
        },
      };
    }
    if (!WITH_URN.has(method)) return handler;
    return {
      ...handler,
      func: (call: Parameters<Handler["func"]>[0], callback: unknown) => {
        const urn = call.request?.getUrn?.() ?? "";
        return urn ? context.run({ urn }, () => handler.func(call, callback)) : handler.func(call, callback);
      },
    };
  };
  return true;
}
