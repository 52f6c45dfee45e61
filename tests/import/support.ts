/**
 * Helpers for the import tests: directories for generated programs (inside the repository, in
 * the git-ignored tmp/, so `meraki-batch` and `@pulumi/pulumi` resolve from them as from an
 * installed project), a type check through the TypeScript compiler API, and emulator worlds.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { CliRun, ROOT, cli } from "../helpers/cli";
import { random } from "../../chaos/random";

export const WORK = path.join(ROOT, "tmp", "import-tests");
const made: string[] = [];
let counter = 0;

/** A fresh path for a generated program (not created). */
export function workDir(name: string): string {
  const dir = path.join(WORK, `${name}-${process.pid}-${++counter}`);
  made.push(dir);
  return dir;
}

export function removeWorkDirs(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export function readDir(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));
}

/** Runs the built CLI against an emulator, with only the given key in the environment. */
export function run(args: string[], key: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return cli(args, {
    env: {
      MERAKI_DASHBOARD_API_KEY: key,
      MERAKI_DASHBOARD_API_BASE_URL: undefined,
      MERAKI_ORGANIZATION_ID: undefined,
      SOURCE_DATE_EPOCH: undefined,
      ...env,
    },
  });
}

/**
 * Type errors of programs, compiled together with the options of a tsconfig.json (default: the
 * repository's). An empty list means they compile.
 */
export function typeErrors(files: string[], tsconfig = path.join(ROOT, "tsconfig.json")): string[] {
  const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(tsconfig));
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${path.relative(ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : "";
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

/** Compares `text` with a golden file; UPDATE_GOLDEN=1 rewrites the file instead. */
export function expectGolden(text: string, file: string): void {
  if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(file, text);
  expect(text).toBe(fs.readFileSync(file, "utf8"));
}

/** A small seeded PRNG (mulberry32, the chaos runner's): the same seed gives the same world. */
export function prng(seed: number) {
  const { next } = random(seed);
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)],
    sample: <T>(list: readonly T[], n: number): T[] => {
      const copy = [...list];
      const out: T[] = [];
      while (out.length < n && copy.length) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0]);
      return out;
    },
  };
}
export type Prng = ReturnType<typeof prng>;
