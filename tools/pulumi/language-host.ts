/**
 * A small Node language host for the real Pulumi CLI: TEST TOOLING, not what users run.
 *
 * `pulumi up` in a project directory (`runtime: nodejs`) launches `pulumi-language-nodejs`, a Go
 * program that the Go module proxy does not serve (its module has no version tags), so it cannot
 * be built here. This host stands in for it, installed beside the CLI by `npm run pulumi:install`.
 * It does what the real host's Run does (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs
 * main.go: `Run`, `execRuntime`, `constructArguments`, `constructConfig`): it runs
 * `@pulumi/pulumi/cmd/run`, resolved from the program's directory, with the engine's monitor and
 * engine addresses, the project, stack, parallelism and dry-run flag, the config with its keys
 * rewritten `ns:key` → `ns:config:key`, and `PULUMI_NODEJS_TYPESCRIPT` as the project's
 * `typescript` option says. Differences from the real host, none of which our programs use: no
 * monitor proxy (the program talks to the engine's monitor directly), no `--sync` pipes for
 * synchronous invokes, no dependency installation, code generation, packing or debugging.
 *
 * Protocol: the first line on stdout is the port it serves the LanguageRuntime service on.
 * Self-contained (copied into the toolchain cache): it loads gRPC and the Pulumi protos from the
 * `@pulumi/pulumi` installed where the engine runs it (the project directory).
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";

type Any = any; // the generated protobuf classes have no types here

/** Exit code with which @pulumi/pulumi/cmd/run says it already showed the user an actionable message. */
const BAIL_EXIT_CODE = 32;

/** The node_modules to load Pulumi's gRPC and protos from: the project's, else this file's. */
function pulumiRoot(dirs: string[]): string {
  for (const dir of dirs) {
    try {
      return path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [dir] }));
    } catch {
      // try the next
    }
  }
  throw new Error(`@pulumi/pulumi is not installed in ${dirs.join(" or ")}: run npm install in the project`);
}

const root = pulumiRoot([process.cwd(), __dirname]);
const fromPulumi = (m: string): Any => require(require.resolve(m, { paths: [root] }));
const grpc = fromPulumi("@grpc/grpc-js");
const langrpc = fromPulumi("@pulumi/pulumi/proto/language_grpc_pb");
const langproto = fromPulumi("@pulumi/pulumi/proto/language_pb");
const plugproto = fromPulumi("@pulumi/pulumi/proto/plugin_pb");
const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb");
const pulumiVersion: string = fromPulumi("@pulumi/pulumi/package.json").version;

/** Arguments: `[flags…] ENGINE_ADDRESS`; the engine address is the last non-flag argument. */
let engineAddress = process.argv.slice(2).filter((a) => !a.startsWith("-")).pop() ?? "";
const running = new Set<ChildProcess>();

function unimplemented(name: string) {
  return (_call: Any, callback: Any) => callback({ code: grpc.status.UNIMPLEMENTED, details: `${name} is not implemented by the test language host` });
}

/** `ns:key` → `ns:config:key`, as the real host does for the Node SDK (constructConfig). */
function configJson(req: Any): string {
  const out: Record<string, string> = {};
  for (const [k, v] of req.getConfigMap().entries() as Iterable<[string, string]>) {
    const i = k.indexOf(":");
    out[i < 0 ? k : `${k.slice(0, i)}:config:${k.slice(i + 1)}`] = v;
  }
  return JSON.stringify(out);
}

function run(call: Any, callback: Any): void {
  const req = call.request;
  const info = req.getInfo();
  const programDir: string = info?.getProgramDirectory() || req.getPwd();
  const options: Record<string, unknown> = info?.getOptions()?.toJavaScript() ?? {};
  const reply = (error: string, bail = false) => {
    const resp = new langproto.RunResponse();
    resp.setError(error);
    resp.setBail(bail);
    callback(null, resp);
  };
  let runPath: string;
  try {
    runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [programDir] });
  } catch {
    reply(`could not find @pulumi/pulumi/cmd/run from ${programDir}: run npm install in the project`);
    return;
  }
  const args = [runPath];
  const flag = (name: string, value: string | number | undefined) => {
    if (value !== undefined && value !== "") args.push(`--${name}`, String(value));
  };
  flag("monitor", req.getMonitorAddress());
  flag("engine", engineAddress);
  flag("organization", req.getOrganization());
  flag("project", req.getProject());
  flag("root-directory", info?.getRootDirectory());
  flag("stack", req.getStack());
  flag("pwd", programDir);
  if (req.getDryrun()) args.push("--dry-run");
  flag("parallel", req.getParallel());
  args.push(info?.getEntryPoint() || ".", ...req.getArgsList());

  const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_CONFIG: configJson(req), PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList() ?? []) };
  // The real host's default: TypeScript through ts-node unless the project says `typescript: false`.
  if (options.typescript !== false) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (typeof options.tsconfig === "string") env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
  const nodeargs = typeof options.nodeargs === "string" ? options.nodeargs.split(/\s+/).filter(Boolean) : [];

  const child = spawn(process.execPath, [...nodeargs, ...args], { cwd: programDir, env, stdio: ["ignore", "inherit", "inherit"] });
  running.add(child);
  child.on("error", (err) => {
    running.delete(child);
    reply(`Problem executing program (could not run language executor): ${err.message}`);
  });
  child.on("exit", (code, signal) => {
    running.delete(child);
    if (code === 0) reply("");
    else if (code === BAIL_EXIT_CODE) reply("", true);
    else reply(signal ? `Program exited with signal ${signal}` : `Program exited with non-zero exit code: ${code}`);
  });
}

function main(): void {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  const service: Record<string, unknown> = {};
  for (const name of Object.keys(langrpc.LanguageRuntimeService)) service[name] = unimplemented(name);
  Object.assign(service, {
    handshake(call: Any, callback: Any) {
      engineAddress = call.request.getEngineAddress() || engineAddress;
      callback(null, new langproto.LanguageHandshakeResponse());
    },
    getPluginInfo(_call: Any, callback: Any) {
      const info = new plugproto.PluginInfo();
      info.setVersion(pulumiVersion);
      callback(null, info);
    },
    getRequiredPlugins(_call: Any, callback: Any) {
      const resp = new langproto.GetRequiredPluginsResponse();
      resp.setPluginsList([]);
      callback(null, resp);
    },
    getRequiredPackages(_call: Any, callback: Any) {
      const resp = new langproto.GetRequiredPackagesResponse();
      resp.setPackagesList([]);
      callback(null, resp);
    },
    getProgramDependencies(_call: Any, callback: Any) {
      const resp = new langproto.GetProgramDependenciesResponse();
      resp.setDependenciesList([]);
      callback(null, resp);
    },
    run,
    cancel(_call: Any, callback: Any) {
      for (const child of running) child.kill("SIGINT");
      callback(null, new Empty());
    },
  });
  server.addService(langrpc.LanguageRuntimeService, service);
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err: Error | null, port: number) => {
    if (err) {
      process.stderr.write(`pulumi-language-nodejs (test host): ${err.message}\n`);
      process.exit(1);
    }
    process.stdout.write(`${port}\n`);
  });
  // The engine ends its plugins with SIGKILL or by closing; a program still running ends with us.
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => {
    for (const child of running) child.kill(sig);
    process.exit(0);
  });
}

main();
