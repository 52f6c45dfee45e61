/**
 * Runs a Pulumi program under Pulumi's mock runtime, only to collect the Vlan, DeviceTags and
 * SwitchPort resources it declares: no engine, no backend, no provider calls. Stack config comes
 * from Pulumi.<stack>.yaml (encrypted secrets are skipped; secrets come from the environment).
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { Kind, ResourceSpec } from "../provider";
import { resourceProps } from "../provider/dynamic/runtime";
import { CliError } from "./errors";

const KIND_OF_TYPE: Record<string, Kind> = {
  "pulumi-nodejs:dynamic/meraki:Vlan": "vlan",
  "pulumi-nodejs:dynamic/meraki:DeviceTags": "deviceTags",
  "pulumi-nodejs:dynamic/meraki:SwitchPort": "switchPort",
  "pulumi-nodejs:dynamic/meraki:VlansSettings": "vlansSettings",
};

export interface Program {
  dir: string;
  project: string;
  stack: string;
  /** Namespaced stack config (plain values only). */
  config: Record<string, string>;
  resources: ResourceSpec[];
  /** Resources of other types, which the CLI does not manage. */
  ignored: string[];
}

interface ProjectFile {
  name?: string;
  main?: string;
  runtime?: string | { name?: string };
}

function readYaml(file: string): unknown {
  try {
    return parseYaml(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message.split("\n")[0]}`);
  }
}

/** The stack: the one asked for, else the only Pulumi.<stack>.yaml, else "dev". */
function pickStack(dir: string, asked?: string): string {
  if (asked) return asked;
  const stacks = fs.readdirSync(dir).map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1]).filter((s): s is string => !!s);
  if (stacks.length === 1) return stacks[0];
  if (stacks.length > 1) throw new CliError(`${dir} has several stacks (${stacks.sort().join(", ")})`, "pick one with --stack NAME");
  return "dev";
}

function stackConfig(dir: string, project: string, stack: string): Record<string, string> {
  const file = ["yaml", "yml"].map((e) => path.join(dir, `Pulumi.${stack}.${e}`)).find((f) => fs.existsSync(f));
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

/** Loads the program under mocks and returns what it declares. */
export async function loadProgram(programDir: string, opts: { stack?: string } = {}): Promise<Program> {
  const dir = path.resolve(programDir);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new CliError(`no such program directory: ${programDir}`, "give the directory that holds Pulumi.yaml");
  const projectFile = path.join(dir, "Pulumi.yaml");
  if (!fs.existsSync(projectFile)) throw new CliError(`${programDir} is not a Pulumi program (no Pulumi.yaml)`, "give the directory that holds Pulumi.yaml, e.g. examples/branch-office");
  const project = (readYaml(projectFile) ?? {}) as ProjectFile;
  if (!project.name) throw new CliError(`${projectFile} has no project name`);
  const runtime = typeof project.runtime === "string" ? project.runtime : project.runtime?.name;
  if (runtime !== "nodejs") throw new CliError(`${projectFile}: runtime '${runtime}' is not supported (only nodejs programs)`);
  const stack = pickStack(dir, opts.stack);
  const config = stackConfig(dir, project.name, stack);
  const main = entryPoint(dir, project);
  if (/\.ts$/.test(main)) registerTypeScript();

  // The program's own @pulumi/pulumi, so that its resources see these mocks.
  let pulumi: typeof import("@pulumi/pulumi");
  try {
    pulumi = require(require.resolve("@pulumi/pulumi", { paths: [dir] }));
  } catch {
    pulumi = require("@pulumi/pulumi");
  }
  const seen: Array<{ type: string; name: string; inputs: Record<string, unknown> }> = [];
  pulumi.runtime.setAllConfig(config, []);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        seen.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}_id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    project.name,
    stack,
    false,
  );

  const cwd = process.cwd();
  // Pulumi records a stack trace for every promise it makes, which ts-node's source-map support
  // makes costly (seconds for a few hundred resources). Only error messages are shown, so none.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    process.chdir(dir);
    let exported: unknown;
    try {
      exported = require(main);
    } catch (err) {
      throw new CliError(`the program failed: ${oneLine(err)}`, `in ${path.relative(cwd, main) || main}`);
    }
    const fn = (exported as { default?: unknown })?.default ?? exported;
    if (typeof fn === "function") await (fn as () => unknown)();
    await pulumi.runtime.disconnect();
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`the program failed: ${oneLine(err)}`);
  } finally {
    process.chdir(cwd);
    Error.stackTraceLimit = stackTraceLimit;
  }

  const resources: ResourceSpec[] = [];
  const ignored: string[] = [];
  for (const r of seen) {
    const kind = KIND_OF_TYPE[r.type];
    if (kind) resources.push({ kind, name: r.name, props: resourceProps(r.inputs) });
    else if (r.type !== "pulumi:pulumi:Stack") ignored.push(`${r.type} ${r.name}`);
  }
  return { dir, project: project.name, stack, config, resources, ignored };
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n").find((l) => l.trim()) ?? message;
}
