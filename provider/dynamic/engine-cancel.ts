/**
 * The engine's Cancel, seen by the provider.
 *
 * At a Ctrl-C, `pulumi up` stops starting steps, sends `Cancel` to every provider plugin and waits
 * for the steps that are running (pkg/backend/cancellation_scope.go; deploy/deployment_executor.go
 * `SignalCancellation`). The terminal's SIGINT does not reach the plugins: the engine starts each
 * in a process group of its own (sdk/go/common/util/cmdutil/child_unix.go `RegisterProcessGroup`).
 * And the dynamic-provider plugin answers Cancel without telling the provider
 * (@pulumi/pulumi cmd/dynamic-provider `cancel(call, callback) { callback(undefined, new Empty()) }`).
 * So without this hook a provider waiting on its batches would go on confirming them after the
 * user pressed Ctrl-C.
 *
 * The hook wraps the handler that the plugin's gRPC server looks up for that method
 * (@grpc/grpc-js `Server.prototype._retrieveHandler`, 1.14). It is installed only inside the
 * dynamic-provider plugin, and only if that method exists: otherwise nothing changes, and the
 * provider finishes the batches of its current flush (what the README says happens then). The
 * real-engine test tests/pulumi-real/interrupt.test.ts proves it at our pinned versions.
 */
const CANCEL_PATH = "/pulumirpc.ResourceProvider/Cancel";
const INSTALLED = Symbol.for("meraki-batch.engine-cancel");

type Handler = { func: (call: unknown, callback: unknown) => unknown } & Record<string, unknown>;

/** Calls `onCancel` (before the plugin answers) each time the engine sends Cancel. Returns whether it could hook it. */
export function onEngineCancel(onCancel: () => void): boolean {
  const main = require.main;
  if (!main || !/[\\/]cmd[\\/]dynamic-provider[\\/]/.test(main.filename)) return false;
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
    if (path !== CANCEL_PATH || !handler) return handler;
    return {
      ...handler,
      func: (call: unknown, callback: unknown) => {
        try {
          onCancel();
        } catch {
          // The engine's Cancel is always answered.
        }
        return handler.func(call, callback);
      },
    };
  };
  return true;
}
