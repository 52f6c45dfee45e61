/**
 * Type checks a TypeScript program before it runs, as `pulumi up` does by default (Pulumi runs
 * TypeScript through ts-node with type checking): TypeScript's own messages at file:line:column,
 * each once, before anything is read from or sent to the network.
 *
 * The same switches turn it off as under Pulumi: the project's `runtime.options.typescript: false`
 * in Pulumi.yaml, `PULUMI_NODEJS_TRANSPILE_ONLY=true`, and `noCheck` in the program's
 * tsconfig.json; plus the CLI's `--no-type-check`. The compiler options are Pulumi's: its defaults
 * (@pulumi/pulumi cmd/run/run.ts) under the program's own tsconfig.json (or
 * PULUMI_NODEJS_TSCONFIG_PATH).
 *
 * A check costs seconds (the compiler reads @pulumi/pulumi's and Node's declarations), so a
 * program that passed is remembered: by the hash of every file the check read, where files of an
 * installed package count by its package.json. A repeat run with the same files hashes a few
 * dozen small files instead of checking.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as TS from "typescript";
import { CliError } from "./errors";

/** Bumped when what a cache entry means changes. */
const CACHE_VERSION = 1;

/** ts-node's default ignoreDiagnostics, which Pulumi inherits: (6059) rootDir, (18002, 18003) files/include in tsconfig. */
const IGNORED_CODES = new Set([6059, 18002, 18003]);

/** Pulumi's compiler options for TypeScript ≥ 4.7 (cmd/run/run.ts), under the program's tsconfig. */
const PULUMI_DEFAULTS = { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: true };

/** Whether to type check, and if not, why (for the debug line). */
export interface TypeCheckChoice {
  check: boolean;
  why: string;
}

export interface ChoiceInput {
  entry: string;
  /** Pulumi.yaml's runtime.options.typescript (undefined when not set). */
  typescriptOption: unknown;
  /** --no-type-check was given. */
  noTypeCheck: boolean;
  env: NodeJS.ProcessEnv;
  /** The program's compiler options' noCheck. */
  noCheck: boolean;
}

/** What decides: the flag, Pulumi.yaml, then Pulumi's own environment variable, then tsconfig (Pulumi's order). */
export function typeCheckChoice(i: ChoiceInput): TypeCheckChoice {
  if (!/\.[cm]?tsx?$/.test(i.entry)) return { check: false, why: "a JavaScript program (Pulumi checks only TypeScript)" };
  if (i.noTypeCheck) return { check: false, why: "--no-type-check" };
  if (i.typescriptOption === false) return { check: false, why: "Pulumi.yaml: runtime.options.typescript is false" };
  const env = i.env.PULUMI_NODEJS_TRANSPILE_ONLY;
  if (env) return env === "true" ? { check: false, why: "PULUMI_NODEJS_TRANSPILE_ONLY=true" } : { check: true, why: `PULUMI_NODEJS_TRANSPILE_ONLY=${env}` };
  if (i.noCheck) return { check: false, why: "tsconfig.json: noCheck" };
  return { check: true, why: "default" };
}

export interface ProgramConfig {
  /** The tsconfig.json in use, if any. */
  file?: string;
  options: TS.CompilerOptions;
  /** Problems of the config file itself. */
  diagnostics: readonly TS.Diagnostic[];
}

/** The program's tsconfig (PULUMI_NODEJS_TSCONFIG_PATH, else tsconfig.json in its directory) under Pulumi's defaults. */
export function programConfig(ts: typeof TS, dir: string, env: NodeJS.ProcessEnv): ProgramConfig {
  const asked = env.PULUMI_NODEJS_TSCONFIG_PATH;
  const file = path.resolve(dir, asked ?? "tsconfig.json");
  const exists = fs.existsSync(file);
  if (asked && !exists) throw new CliError(`PULUMI_NODEJS_TSCONFIG_PATH is ${asked}, but ${file} does not exist`, "point it at the program's tsconfig, or unset it");
  let raw: Record<string, unknown> = {};
  const diagnostics: TS.Diagnostic[] = [];
  if (exists) {
    const read = ts.readConfigFile(file, ts.sys.readFile);
    if (read.error) diagnostics.push(read.error);
    raw = (read.config ?? {}) as Record<string, unknown>;
  }
  // Pulumi hands ts-node its defaults under the file's own compilerOptions, and ts-node lets those
  // override the file (and what it extends): the same here.
  const compilerOptions = { ...PULUMI_DEFAULTS, ...((raw.compilerOptions ?? {}) as object) };
  // Only compiler options matter: like ts-node (and so Pulumi), the program is its entry point and what it imports.
  const parsed = ts.parseJsonConfigFileContent({ ...raw, compilerOptions, files: [], include: [] }, ts.sys, dir, undefined, exists ? file : undefined);
  diagnostics.push(...parsed.errors);
  const options: TS.CompilerOptions = { ...parsed.options, noEmit: true };
  // Emit-only options (as ts-node drops them), which would otherwise be refused next to noEmit.
  for (const k of ["incremental", "composite", "tsBuildInfoFile", "declaration", "declarationMap", "emitDeclarationOnly", "declarationDir", "outFile", "out"]) delete options[k];
  return { file: exists ? file : undefined, options, diagnostics: diagnostics.filter((d) => !IGNORED_CODES.has(d.code)) };
}

/** Where passed checks are remembered: MERAKI_BATCH_CACHE_DIR, else $XDG_CACHE_HOME/meraki-batch, else ~/.cache/meraki-batch. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.MERAKI_BATCH_CACHE_DIR || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "meraki-batch");
  return path.join(base, "typecheck");
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

function hashFile(file: string): string | undefined {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return undefined;
  }
}

/** The package.json of the installed package a file belongs to, if it is inside node_modules. */
function packageJsonOf(file: string): string | undefined {
  const parts = file.split(path.sep);
  const i = parts.lastIndexOf("node_modules");
  if (i < 0 || i + 1 >= parts.length - 1) return undefined;
  const depth = parts[i + 1].startsWith("@") ? 3 : 2;
  return [...parts.slice(0, i + depth), "package.json"].join(path.sep);
}

/** What a check read: the program's own files, and each package by its package.json. */
function inputsOf(files: readonly string[]): string[] {
  const out = new Set<string>();
  for (const f of files) out.add(packageJsonOf(f) ?? f);
  return [...out].sort();
}

interface CacheEntry {
  version: number;
  inputs: Array<[string, string]>;
}

function stableOptions(options: TS.CompilerOptions): string {
  return JSON.stringify(Object.keys(options).sort().map((k) => [k, options[k]]));
}

export interface TypeCheckResult {
  /** "checked" now, or "cached": these files passed before. */
  outcome: "checked" | "cached";
  ms: number;
  /** Files the compiler read (checked) or hashed (cached). */
  files: number;
}

export interface TypeCheckOptions {
  entry: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The typescript module to check with (the CLI's own, pinned). */
  ts?: typeof TS;
  now?: () => number;
}

/**
 * Type checks the program at `entry`. Returns how (checked, or known to pass); throws the
 * diagnostics as `TypeCheckFailed` when there are any.
 */
export function typeCheck(o: TypeCheckOptions): TypeCheckResult {
  const ts = o.ts ?? (require("typescript") as typeof TS);
  const now = o.now ?? Date.now;
  const started = now();
  const config = programConfig(ts, o.dir, o.env);
  if (config.diagnostics.length) throw new TypeCheckFailed(config.diagnostics, ts);
  const entry = fs.realpathSync(o.entry);
  const host = ts.createCompilerHost(config.options);
  const key = sha256(JSON.stringify([CACHE_VERSION, ts.version, entry, stableOptions(config.options), ts.getAutomaticTypeDirectiveNames(config.options, host)]));
  const file = path.join(cacheDir(o.env), `${key.slice(0, 40)}.json`);
  const cached = readEntry(file);
  if (cached && cached.inputs.every(([f, h]) => hashFile(f) === h)) return { outcome: "cached", ms: now() - started, files: cached.inputs.length };

  const program = ts.createProgram({ rootNames: [entry], options: config.options, host });
  const own = program.getSourceFiles().filter((f) => !f.isDeclarationFile && !f.fileName.split(/[\\/]/).includes("node_modules"));
  let diagnostics: TS.Diagnostic[] = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  diagnostics.push(...own.flatMap((f) => program.getSyntacticDiagnostics(f)));
  // As tsc does: type errors only once the syntax is right (they would follow from the syntax errors).
  if (!diagnostics.length) diagnostics.push(...own.flatMap((f) => program.getSemanticDiagnostics(f)));
  diagnostics = diagnostics.filter((d) => !IGNORED_CODES.has(d.code));
  if (diagnostics.length) throw new TypeCheckFailed(diagnostics, ts);

  const inputs = inputsOf(program.getSourceFiles().map((f) => path.resolve(f.fileName)));
  writeEntry(file, { version: CACHE_VERSION, inputs: inputs.flatMap((f) => { const h = hashFile(f); return h ? [[f, h] as [string, string]] : []; }) });
  return { outcome: "checked", ms: now() - started, files: program.getSourceFiles().length };
}

function readEntry(file: string): CacheEntry | undefined {
  try {
    const e = JSON.parse(fs.readFileSync(file, "utf8")) as CacheEntry;
    return e.version === CACHE_VERSION && Array.isArray(e.inputs) && e.inputs.length ? e : undefined;
  } catch {
    return undefined;
  }
}

/** Best effort: a cache that cannot be written only means the next run checks again. */
function writeEntry(file: string, entry: CacheEntry): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(entry));
    fs.renameSync(tmp, file);
  } catch {
    // read-only or full: nothing to do
  }
}

/** The program has type errors (or its tsconfig has problems): TypeScript's diagnostics. */
export class TypeCheckFailed extends Error {
  constructor(
    readonly diagnostics: readonly TS.Diagnostic[],
    private readonly ts: typeof TS,
  ) {
    super(`${diagnostics.length} TypeScript error${diagnostics.length === 1 ? "" : "s"}`);
    this.name = "TypeCheckFailed";
  }

  /** The compiler's own text, as tsc prints it (paths as the user would type them from `cwd`). */
  compilerText(cwd: string): string {
    const ts = this.ts;
    return this.diagnostics
      .map((d) => {
        const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
        if (!d.file || d.start === undefined) return `error TS${d.code}: ${message}`;
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
        const rel = path.relative(cwd, d.file.fileName);
        const shown = rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : d.file.fileName;
        return `${shown}(${line + 1},${character + 1}): error TS${d.code}: ${message}`;
      })
      .join("\n");
  }
}
