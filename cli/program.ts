/**
 * Runs a Pulumi program under Pulumi's mock runtime, only to collect the meraki-batch resources it
 * declares: no engine, no backend, no provider calls. Stack config comes
 * from Pulumi.<stack>.yaml (encrypted secrets are skipped; secrets come from the environment).
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { DeclaredKind, KINDS, ResourceSpec } from "../provider";
import { resourceProps } from "../provider/dynamic/runtime";
import type { OwnershipSpec } from "../provider/plan/ownership";
import { CliError } from "./errors";
import { debugEnabled } from "./io";
import { lightenRuntime } from "./mock-runtime";
import { compileError, failure, StackCapture, typeCheckError } from "./program-errors";
import { TypeCheckFailed, TypeCheckResult, programConfig, typeCheck, typeCheckChoice } from "./typecheck";

const KIND_OF_TYPE: Record<string, DeclaredKind> = {
  "pulumi-nodejs:dynamic/meraki:Vlan": "vlan",
  "pulumi-nodejs:dynamic/meraki:DeviceTags": "deviceTags",
  "pulumi-nodejs:dynamic/meraki:SwitchPort": "switchPort",
  "pulumi-nodejs:dynamic/meraki:SwitchPorts": "switchPorts",
  "pulumi-nodejs:dynamic/meraki:VlansSettings": "vlansSettings",
  "pulumi-nodejs:dynamic/meraki:Device": "device",
  "pulumi-nodejs:dynamic/meraki:SwitchAccessPolicy": "switchAccessPolicy",
  "pulumi-nodejs:dynamic/meraki:LinkAggregation": "linkAggregation",
  "pulumi-nodejs:dynamic/meraki:SwitchRoutingInterface": "switchRoutingInterface",
  "pulumi-nodejs:dynamic/meraki:SwitchStaticRoute": "switchStaticRoute",
};

/**
 * The outputs whose values the API assigns (an access policy's number…): unknown until the plan is
 * applied, so the mock gives each a reference the engine resolves (provider/plan/refs.ts).
 */
function assignedOutputs(type: string, name: string): Record<string, unknown> {
  const kind = KIND_OF_TYPE[type];
  const outputs = kind && kind !== "switchPorts" ? KINDS[kind].outputs : undefined;
  return Object.fromEntries(Object.keys(outputs ?? {}).map((output) => [output, { $ref: name, kind, output }]));
}

export interface Program {
  dir: string;
  project: string;
  stack: string;
  /** Namespaced stack config (plain values only). */
  config: Record<string, string>;
  /** The stack file the config came from (relative to the working directory), if there is one. */
  stackFile?: string;
  resources: ResourceSpec[];
  /** Resources of other types, which the CLI does not manage. */
  ignored: string[];
  /** The scopes the program owns (VlanOwnership): what it does not declare there is deleted. */
  owned: OwnershipSpec[];
}

/** sdk/ownership.ts (a component resource: Pulumi records it and changes nothing). */
const OWNERSHIP_TYPE = "meraki-batch:index:VlanOwnership";

interface ProjectFile {
  name?: string;
  main?: string;
  runtime?: string | { name?: string; options?: { typescript?: unknown } };
}

/** The options of the commands that load a program (plan, apply). */
export const PROGRAM_OPTIONS = {
  "no-type-check": { type: "boolean" },
} as const;

export const PROGRAM_HELP = `  --no-type-check          run a TypeScript program without type checking it first (as
                           runtime.options.typescript: false in Pulumi.yaml does)`;

function readYaml(file: string): unknown {
  try {
    return parseYaml(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message.split("\n")[0]}`);
  }
}

/** The stack: the one asked for (its Pulumi.<stack>.yaml must exist), else the only one, else "dev" without config. */
function pickStack(dir: string, programDir: string, asked?: string): string {
  const stacks = fs.readdirSync(dir).map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1]).filter((s): s is string => !!s).sort();
  if (asked) {
    if (stacks.includes(asked)) return asked;
    throw new CliError(
      `no stack '${asked}' in ${programDir}: there is no Pulumi.${asked}.yaml (${stacks.length ? `its stacks: ${stacks.join(", ")}` : "it has no stack files"})`,
      stacks.length ? `pick one with --stack NAME, or create Pulumi.${asked}.yaml` : `create Pulumi.${asked}.yaml, or leave out --stack`,
    );
  }
  if (stacks.length === 1) return stacks[0];
  if (stacks.length > 1) throw new CliError(`${dir} has several stacks (${stacks.join(", ")})`, "pick one with --stack NAME");
  return "dev";
}

function stackFileOf(dir: string, stack: string): string | undefined {
  return ["yaml", "yml"].map((e) => path.join(dir, `Pulumi.${stack}.${e}`)).find((f) => fs.existsSync(f));
}

/** A path as the user would type it from here (absolute when it is outside the working directory). */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

function stackConfig(file: string | undefined, project: string): Record<string, string> {
  if (!file) return {};
  const doc = (readYaml(file) ?? {}) as { config?: Record<string, unknown> };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.config ?? {})) {
    const key = k.includes(":") ? k : `${project}:${k}`;
    if (v && typeof v === "object" && "secure" in (v as object)) continue; // encrypted: use the environment
    out[key] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

function entryPoint(dir: string, project: ProjectFile): string {
  const main = project.main ? path.resolve(dir, project.main) : dir;
  if (fs.existsSync(main) && fs.statSync(main).isFile()) return main;
  const pkgFile = path.join(main, "package.json");
  if (fs.existsSync(pkgFile)) {
    const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { main?: string };
    if (pkg.main && fs.existsSync(path.resolve(main, pkg.main))) return path.resolve(main, pkg.main);
  }
  for (const f of ["index.ts", "index.js"]) if (fs.existsSync(path.join(main, f))) return path.join(main, f);
  throw new CliError(`no program entry point in ${main} (index.ts, index.js or package.json "main")`);
}

function registerTypeScript(): void {
  const g = globalThis as { __merakiBatchTsNode?: boolean };
  if (g.__merakiBatchTsNode) return;
  require("ts-node").register({ transpileOnly: true, compilerOptions: { module: "commonjs" } });
  g.__merakiBatchTsNode = true;
}

/** Type checks a TypeScript program as Pulumi would before running it (see typecheck.ts). */
function checkTypes(entry: string, dir: string, project: ProjectFile, noTypeCheck: boolean, env: NodeJS.ProcessEnv, debug?: (line: string) => void): void {
  // JavaScript is not checked: the compiler is not even loaded.
  if (!/\.[cm]?tsx?$/.test(entry)) return;
  const options = typeof project.runtime === "object" ? project.runtime.options : undefined;
  const ts = require("typescript") as typeof import("typescript");
  const choice = typeCheckChoice({ entry, typescriptOption: options?.typescript, noTypeCheck, env, noCheck: programConfig(ts, dir, env).options.noCheck === true });
  if (!choice.check) {
    debug?.(`type check: off (${choice.why})`);
    return;
  }
  let result: TypeCheckResult;
  try {
    result = typeCheck({ entry, dir, env, ts });
  } catch (err) {
    if (err instanceof TypeCheckFailed) throw typeCheckError(err, dir, process.cwd());
    throw err;
  }
  debug?.(result.outcome === "cached" ? `type check: passed before with these files (${result.files} hashed, ${result.ms} ms)` : `type check: ${result.files} files checked in ${result.ms} ms`);
}

/** Loads the program under mocks and returns what it declares. */
export interface LoadOptions {
  stack?: string;
  noTypeCheck?: boolean;
  env?: NodeJS.ProcessEnv;
  /**
   * false: every resource registered through the runtime's own registerResource, none through the
   * lean path (mock-runtime.ts); for comparing the two.
   */
  leanRegistration?: boolean;
}

export async function loadProgram(programDir: string, opts: LoadOptions = {}): Promise<Program> {
  const env = opts.env ?? process.env;
  const dir = path.resolve(programDir);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new CliError(`no such program directory: ${programDir}`, "give the directory that holds Pulumi.yaml");
  const projectFile = path.join(dir, "Pulumi.yaml");
  if (!fs.existsSync(projectFile)) throw new CliError(`${programDir} is not a Pulumi program (no Pulumi.yaml)`, "give the directory that holds Pulumi.yaml, e.g. examples/branch-office");
  const project = (readYaml(projectFile) ?? {}) as ProjectFile;
  if (!project.name) throw new CliError(`${projectFile} has no project name`);
  const runtime = typeof project.runtime === "string" ? project.runtime : project.runtime?.name;
  if (runtime !== "nodejs") throw new CliError(`${projectFile}: runtime '${runtime}' is not supported (only nodejs programs)`);
  const stack = pickStack(dir, programDir, opts.stack);
  const file = stackFileOf(dir, stack);
  const config = stackConfig(file, project.name);
  const main = entryPoint(dir, project);
  const debug = debugEnabled(env) ? (line: string) => process.stderr.write(`debug: ${line}\n`) : undefined;
  checkTypes(main, dir, project, opts.noTypeCheck === true, env, debug);
  if (/\.ts$/.test(main)) registerTypeScript();

  // The program's own @pulumi/pulumi, so that its resources see these mocks.
  let pulumiMain: string;
  try {
    pulumiMain = require.resolve("@pulumi/pulumi", { paths: [dir] });
  } catch {
    pulumiMain = require.resolve("@pulumi/pulumi");
  }
  const pulumi: typeof import("@pulumi/pulumi") = require(pulumiMain);
  const seen: Array<{ type: string; name: string; inputs: Record<string, unknown> }> = [];
  pulumi.runtime.setAllConfig(config, []);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        // The dynamic provider's serialised text (`__provider`, the same in every resource) is not kept.
        const { __provider: _provider, ...inputs } = args.inputs as Record<string, unknown>;
        seen.push({ type: args.type, name: args.name, inputs });
        // Only what the API assigns: the runtime resolves every other output from the input of the
        // same name (this is not a preview), so the inputs need not make a round trip through the mock.
        return { id: `${args.name}_id`, state: assignedOutputs(args.type, args.name) };
      },
      call: (args) => args.inputs,
    },
    project.name,
    stack,
    false,
  );

  const cwd = process.cwd();
  const started = Date.now();
  // Pulumi records a stack trace for every promise it makes; formatting them through ts-node's
  // source maps costs seconds for a few hundred resources. While the program runs, stacks are
  // captured cheaply and only a failure's is mapped, to point at the program's own line.
  const capture = new StackCapture();
  const light = lightenRuntime(path.dirname(pulumiMain), env, (type) => opts.leanRegistration !== false && type in KIND_OF_TYPE);
  try {
    process.chdir(dir);
    try {
      const exported: unknown = require(main);
      const fn = (exported as { default?: unknown })?.default ?? exported;
      if (typeof fn === "function") await (fn as () => unknown)();
      await pulumi.runtime.disconnect();
    } catch (err) {
      throw compileError(err, capture, cwd) ?? failure(err, capture, dir, cwd);
    }
  } finally {
    process.chdir(cwd);
    capture.restore();
    light.restore();
  }

  // In the program's order (a stable sort: resources whose place is unknown keep the mock's order).
  const place = (r: { type: string; name: string }) => light.declared(r.type, r.name) ?? Number.MAX_SAFE_INTEGER;
  seen.sort((a, b) => place(a) - place(b));
  const resources: ResourceSpec[] = [];
  const ignored: string[] = [];
  // Pulumi refuses two resources of one type with the same name (their URNs would be equal).
  const names = new Set<string>();
  const twice = [...new Set(seen.filter((r) => names.size === names.add(`${r.type}::${r.name}`).size).map((r) => `${r.type.replace(/^pulumi-nodejs:dynamic\/meraki:/, "")} '${r.name}'`))];
  if (twice.length) throw new CliError(`the program declares ${twice.length > 1 ? "resources" : "a resource"} twice: ${twice.slice(0, 5).join(", ")}${twice.length > 5 ? ` and ${twice.length - 5} more` : ""}`, "give each resource of a type its own name (Pulumi refuses duplicate URNs)");
  const owned: OwnershipSpec[] = [];
  for (const r of seen) {
    const kind = KIND_OF_TYPE[r.type];
    if (kind) resources.push({ kind, name: r.name, props: resourceProps(r.inputs) });
    else if (r.type === OWNERSHIP_TYPE) owned.push({ name: r.name, networkId: r.inputs.networkId });
    else if (r.type !== "pulumi:pulumi:Stack") ignored.push(`${r.type} ${r.name}`);
  }
  debug?.(`program: ${resources.length} resources in ${Date.now() - started} ms (run under Pulumi's mock runtime, collected)`);
  return { dir, project: project.name, stack, config, stackFile: file && displayPath(file), resources, ignored, owned };
}
