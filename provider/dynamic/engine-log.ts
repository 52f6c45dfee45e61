/**
 * Diagnostics on a resource, through the engine's `Log` service: what `pulumi preview` and `pulumi
 * up` show under the resource. The engine gives the plugin its address as the last argument
 * (@pulumi/pulumi cmd/dynamic-provider `main(args)`; sdk/go/common/resource/plugin/plugin.go
 * `buildPluginArguments`). Messages are fire-and-forget: a diagnostic that cannot be delivered
 * changes nothing else. They never carry the API key (only Dashboard values and batch ids).
 */
import { pluginMain } from "./engine-hooks";

export type Severity = "info" | "warning";

type Client = { log(req: unknown, callback: (err: Error | null) => void): void; close(): void };

let client: Client | null | undefined;
let makeRequest: ((severity: Severity, message: string, urn: string) => unknown) | undefined;

/** The engine's Log client, when this process is the plugin and the engine gave an address. */
function engine(): Client | null {
  if (client !== undefined) return client;
  client = null;
  const main = pluginMain();
  const address = process.argv[process.argv.length - 1];
  if (!main || !/^[\w.-]+:\d+$/.test(address ?? "")) return null;
  try {
    const grpc = main.require("@grpc/grpc-js");
    const rpc = main.require("@pulumi/pulumi/proto/engine_grpc_pb");
    const proto = main.require("@pulumi/pulumi/proto/engine_pb");
    const EngineClient = grpc.makeClientConstructor(rpc.EngineService, "Engine");
    client = new EngineClient(address, grpc.credentials.createInsecure()) as Client;
    const level = { info: proto.LogSeverity.INFO, warning: proto.LogSeverity.WARNING };
    makeRequest = (severity, message, urn) => {
      const req = new proto.LogRequest();
      req.setSeverity(level[severity]);
      req.setMessage(message);
      req.setUrn(urn);
      return req;
    };
  } catch {
    client = null;
  }
  return client;
}

/** Shows `message` on the resource `urn` (or on the deployment when there is none). Resolves once sent, or not. */
export function engineLog(severity: Severity, message: string, urn?: string): Promise<void> {
  const c = engine();
  if (!c || !makeRequest) return Promise.resolve();
  return new Promise((resolve) => c.log(makeRequest!(severity, message, urn ?? ""), () => resolve()));
}

/** Whether diagnostics reach the engine here (the plugin, with the engine's address). */
export function engineLogAvailable(): boolean {
  return engine() !== null;
}
