/**
 * A minimal stand-in for the Pulumi engine (reference §6): a gRPC ResourceMonitor and Engine that
 * a real program, run by @pulumi/pulumi/cmd/run, registers its resources with. Dynamic resources
 * are forwarded to the real dynamic-provider plugin as the engine does (engine-loop.ts names the
 * sources): one registration at a time in arrival order gets its Check, then Diff for resources in
 * the given state; the resulting Create or Update runs on one of `parallel` workers, and the next
 * Check waits for a free worker ("engine" hand-off) or not ("queued", issue #15's model).
 * It approximates the engine; it is not the engine.
 */
import { spawn } from "child_process";
import * as path from "path";
import { DynProc, grpc, provproto, secret, startDynamicProvider, toStruct } from "./dynamic-provider";
import { DeploymentLoop, Generated, Handoff } from "./engine-loop";

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const resrpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const resproto = require("@pulumi/pulumi/proto/resource_pb");
const engrpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const engproto = require("@pulumi/pulumi/proto/engine_pb");
const { Empty } = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [pulumiDir] }));

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export interface StateEntry {
  id: string;
  type: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

export interface RunResult {
  exitCode: number | null;
  state: Record<string, StateEntry>;
  steps: { create: number; update: number; same: number };
  stackOutputs: Record<string, unknown>;
  logs: string[];
  stderr: string;
  /** Most dynamic steps in flight at once. */
  maxConcurrentSteps: number;
  /** The dynamic resources' names, in the order the program registered them (the order of their Checks). */
  registrations: string[];
  /** Other resources the program registered (components, the stack), with their inputs. */
  others: Array<{ type: string; name: string; custom: boolean; inputs: Record<string, unknown> }>;
}

function stripSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripSecrets);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SECRET_SIG] !== undefined) return stripSecrets(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, stripSecrets(x)]));
  }
  return v;
}

export async function runProgram(opts: {
  programDir: string;
  project: string;
  stack: string;
  /** Stack config as the engine sends it to the plugin: namespaced keys, string values. */
  config: Record<string, string>;
  secretKeys?: string[];
  parallel?: number;
  handoff?: Handoff;
  state?: Record<string, StateEntry>;
  env?: NodeJS.ProcessEnv;
}): Promise<RunResult> {
  const parallel = opts.parallel ?? 8;
  const loop = new DeploymentLoop({ parallel, handoff: opts.handoff });
  const state: Record<string, StateEntry> = {};
  const previous = opts.state ?? {};
  const counts = { create: 0, update: 0, same: 0 };
  const logs: string[] = [];
  const registrations: string[] = [];
  const others: RunResult["others"] = [];
  let stackOutputs: Record<string, unknown> = {};
  let root = "";

  let plugin: Promise<DynProc> | undefined;
  const getPlugin = () =>
    (plugin ??= (async () => {
      // The engine starts the plugin in the program's directory.
      const p = await startDynamicProvider({ project: opts.project, cwd: opts.programDir, env: opts.env });
      const cfg = new provproto.ConfigureRequest();
      const args: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(opts.config)) args[k] = opts.secretKeys?.includes(k) ? secret(v) : v;
      cfg.setArgs(toStruct(args));
      cfg.setAcceptsecrets(true);
      await p.call("configure", cfg);
      return p;
    })());

  /** The step generator's part for one registration: Check, Diff for a resource in the state, and the step. */
  const generate = (urn: string, type: string, news: Record<string, unknown>) => async (): Promise<Generated<StateEntry>> => {
    const p = await getPlugin();
    const old = previous[urn];
    const chk = new provproto.CheckRequest();
    chk.setUrn(urn);
    chk.setOlds(toStruct(old?.inputs ?? {}));
    chk.setNews(toStruct(news));
    const checked = await p.call("check", chk);
    const failures = checked.getFailuresList().map((f: any) => `${f.getProperty()}: ${f.getReason()}`);
    if (failures.length) throw new Error(`check failed for ${urn}: ${failures.join("; ")}`);
    const inputs = checked.getInputs().toJavaScript();
    if (old) {
      const diff = new provproto.DiffRequest();
      diff.setId(old.id);
      diff.setUrn(urn);
      diff.setOlds(toStruct(old.outputs));
      diff.setNews(toStruct(inputs));
      const d = await p.call("diff", diff);
      if (d.getChanges() !== 2) {
        counts.same++;
        state[urn] = { ...old, inputs };
        return { result: state[urn] };
      }
      return {
        step: async () => {
          const up = new provproto.UpdateRequest();
          up.setId(old.id);
          up.setUrn(urn);
          up.setOlds(toStruct(old.outputs));
          up.setNews(toStruct(inputs));
          const updated = await p.call("update", up);
          counts.update++;
          state[urn] = { id: old.id, type, inputs, outputs: updated.getProperties().toJavaScript() };
          return state[urn];
        },
      };
    }
    return {
      step: async () => {
        const create = new provproto.CreateRequest();
        create.setUrn(urn);
        create.setProperties(toStruct(inputs));
        const created = await p.call("create", create);
        counts.create++;
        state[urn] = { id: created.getId(), type, inputs, outputs: created.getProperties().toJavaScript() };
        return state[urn];
      },
    };
  };

  const monitor = {
    supportsFeature: (_c: any, cb: any) => cb(null, new resproto.SupportsFeatureResponse().setHassupport(false)),
    async registerResource(call: any, cb: any) {
      try {
        const req = call.request;
        const type: string = req.getType();
        const urn = `urn:pulumi:${opts.stack}::${opts.project}::${type}::${req.getName()}`;
        const resp = new resproto.RegisterResourceResponse().setUrn(urn);
        if (req.getCustom() && type.startsWith("pulumi-nodejs:dynamic")) {
          const news = stripSecrets(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
          registrations.push(req.getName());
          const entry = await loop.register(generate(urn, type, news));
          resp.setId(entry.id).setObject(toStruct(entry.outputs));
        } else {
          others.push({ type, name: req.getName(), custom: req.getCustom(), inputs: stripSecrets(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown> });
          resp.setObject(toStruct({}));
        }
        cb(null, resp);
      } catch (err) {
        cb({ code: grpc.status.UNKNOWN, details: (err as any).details ?? (err as Error).message });
      }
    },
    registerResourceOutputs: (c: any, cb: any) => {
      stackOutputs = (c.request.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
      cb(null, new Empty());
    },
    signalAndWaitForShutdown: (_c: any, cb: any) => cb(null, new Empty()),
  };
  const engine = {
    log: (c: any, cb: any) => {
      // Severity 0 is DEBUG; keep the rest.
      if (c.request.getSeverity() > 0) logs.push(c.request.getMessage());
      cb(null, new Empty());
    },
    getRootResource: (_c: any, cb: any) => cb(null, new engproto.GetRootResourceResponse().setUrn(root)),
    setRootResource: (c: any, cb: any) => {
      root = c.request.getUrn();
      cb(null, new engproto.SetRootResourceResponse());
    },
  };
  const server = new grpc.Server();
  server.addService(resrpc.ResourceMonitorService, monitor);
  server.addService(engrpc.EngineService, engine);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const addr = `127.0.0.1:${port}`;
  let stderr = "";
  try {
    const exitCode = await new Promise<number | null>((resolve) => {
      const child = spawn(
        process.execPath,
        [path.join(pulumiDir, "cmd", "run"), `--monitor=${addr}`, `--engine=${addr}`, `--project=${opts.project}`, `--stack=${opts.stack}`, `--parallel=${parallel}`, `--pwd=${opts.programDir}`, "."],
        {
          cwd: opts.programDir,
          env: {
            ...process.env,
            ...opts.env,
            PULUMI_NODEJS_TYPESCRIPT: "true",
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            PULUMI_CONFIG: JSON.stringify(opts.config),
            PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(opts.secretKeys ?? []),
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      child.stdout.on("data", (d) => logs.push(String(d)));
      child.stderr.on("data", (d) => (stderr += d));
      child.once("exit", (code) => resolve(code));
    });
    return { exitCode, state, steps: counts, stackOutputs, logs, stderr, maxConcurrentSteps: loop.maxRunning, registrations, others };
  } finally {
    if (plugin) await (await plugin).stop();
    server.forceShutdown();
  }
}
