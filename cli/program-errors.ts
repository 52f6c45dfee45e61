/**
 * A program that does not compile or that throws, reported where the user can act on it: the
 * compiler's messages at file:line:column, or the line of the program (not of meraki-batch or
 * Pulumi) that threw. The whole stack is kept for MERAKI_BATCH_DEBUG.
 */
import * as fs from "fs";
import * as path from "path";
import { CliError } from "./errors";
import { TypeCheckFailed } from "./typecheck";

type Prepare = NonNullable<typeof Error.prepareStackTrace>;

/**
 * Captures call sites cheaply while a program runs (Pulumi reads a stack for every promise it
 * makes) and maps only a failure's through the source maps that were installed before (ts-node's).
 */
export class StackCapture {
  private readonly sites = new WeakMap<object, NodeJS.CallSite[]>();
  private readonly previous = { prepare: Error.prepareStackTrace, limit: Error.stackTraceLimit };

  /**
   * Node's usual 10 frames reach from a throw in meraki-batch or Pulumi back to the program. Each
   * frame costs on every promise Pulumi makes: at 10, loading 480 resources costs what it did with
   * no stacks at all and ts-node's source maps (measured side by side); at 20, about 9% more.
   */
  constructor(limit = 10) {
    Error.stackTraceLimit = limit;
    Error.prepareStackTrace = (err, sites) => {
      if (sites.length && err && typeof err === "object") this.sites.set(err, sites);
      return errorHead(err); // frames are formatted only for a failure (see mapped)
    };
  }

  /** The call sites of a thrown value, if it is an error with a stack. */
  sitesOf(err: unknown): NodeJS.CallSite[] | undefined {
    if (!(err instanceof Error)) return undefined;
    void err.stack; // V8 prepares the stack on first read
    return this.sites.get(err);
  }

  /** The whole stack of a thrown value, as the sources say; undefined when it has none. */
  stackOf(err: unknown): string | undefined {
    const sites = this.sitesOf(err);
    return sites ? this.mapped(err as Error, sites) : err instanceof Error ? err.stack : undefined;
  }

  /** The stack as the sources say (through ts-node's source maps for TypeScript). */
  mapped(err: Error, sites: NodeJS.CallSite[]): string {
    const prepare: Prepare | undefined = this.previous.prepare;
    try {
      return prepare ? String(prepare(err, sites)) : plainStack(err, sites);
    } catch {
      return plainStack(err, sites);
    }
  }

  restore(): void {
    Error.prepareStackTrace = this.previous.prepare;
    Error.stackTraceLimit = this.previous.limit;
  }
}

function errorHead(err: unknown): string {
  try {
    return Error.prototype.toString.call(err);
  } catch {
    return "Error";
  }
}

function plainStack(err: unknown, sites: NodeJS.CallSite[]): string {
  return errorHead(err) + sites.map((s) => `\n    at ${String(s)}`).join("");
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n").find((l) => l.trim()) ?? message;
}

const display = (file: string, cwd: string) => {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
};

/** The offending line and a caret under the column, as compilers print them. */
function codeFrame(text: string | undefined, line: number, column: number): string[] {
  if (text === undefined) return [];
  const gutter = String(line).length;
  return [`    ${String(line)} | ${text}`, `    ${" ".repeat(gutter)} | ${text.slice(0, column - 1).replace(/[^\t]/g, " ")}^`];
}

interface Diagnostic {
  code: number;
  messageText: string | MessageChain;
  file?: { fileName: string; text: string; getLineAndCharacterOfPosition(pos: number): { line: number; character: number } };
  start?: number;
}
interface MessageChain {
  messageText: string;
  next?: MessageChain[];
}

function flatten(m: string | MessageChain, indent = 0): string {
  if (typeof m === "string") return m;
  return [" ".repeat(indent) + m.messageText, ...(m.next ?? []).map((n) => flatten(n, indent + 2))].join("\n");
}

const MAX_SHOWN = 10;

/** TypeScript's diagnostics at file:line:column with the line, the first MAX_SHOWN of them. */
function diagnosticsError(diagnostics: readonly Diagnostic[], cwd: string, cause: unknown, debug: string): CliError {
  const lines: string[] = [];
  for (const d of diagnostics.slice(0, MAX_SHOWN)) {
    const message = flatten(d.messageText);
    if (d.file && d.start !== undefined) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      lines.push(`${display(d.file.fileName, cwd)}:${line + 1}:${character + 1} - error TS${d.code}: ${message}`, ...codeFrame(d.file.text.split(/\r?\n/)[line], line + 1, character + 1));
    } else {
      lines.push(`error TS${d.code}: ${message}`);
    }
  }
  const more = diagnostics.length - MAX_SHOWN;
  if (more > 0) lines.push(`… and ${more} more`);
  const n = diagnostics.length;
  return new CliError(`the program does not compile (${n} error${n === 1 ? "" : "s"}):\n  ${lines.join("\n  ")}`, "fix the program; nothing was sent", 1, { cause, debug });
}

/** The type check's errors (cli/typecheck.ts), as the compiler words them. */
export function typeCheckError(err: TypeCheckFailed, programDir: string, cwd: string): CliError {
  const e = diagnosticsError(err.diagnostics as unknown as Diagnostic[], cwd, err, `Type checked as Pulumi does (--no-type-check, or runtime.options.typescript: false in Pulumi.yaml, turns it off). The compiler's text:\n${err.compilerText(cwd).trimEnd()}`);
  // TS2307: Cannot find module 'x' — most often a project whose dependencies are not installed.
  const missing = err.diagnostics.map((d) => (d.code === 2307 ? /'([^']+)'/.exec(flatten(d.messageText as string | MessageChain))?.[1] : undefined)).find((m) => m !== undefined);
  const install = missing ? installHint(programDir, missing, cwd) : undefined;
  return install ? new CliError(e.message, install, 1, { cause: err, debug: e.debug }) : e;
}

/**
 * For a package the program imports and cannot find: how to install it. Relative imports and
 * packages its package.json does not list get no hint (the message says enough).
 */
export function installHint(programDir: string, module: string, cwd: string): string | undefined {
  if (module.startsWith(".") || path.isAbsolute(module)) return undefined;
  const name = module.startsWith("@") ? module.split("/").slice(0, 2).join("/") : module.split("/")[0];
  let pkg: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(programDir, "package.json"), "utf8"));
  } catch {
    return undefined;
  }
  if (!pkg.dependencies?.[name] && !pkg.devDependencies?.[name]) return undefined;
  if (fs.existsSync(path.join(programDir, "node_modules", name))) return undefined;
  const shown = display(programDir, cwd) || ".";
  return `the program's dependencies are not installed (package.json lists ${name}): cd ${shown} && npm install`;
}

/** A program that does not compile (TypeScript through ts-node, or a JavaScript syntax error), else undefined. */
export function compileError(err: unknown, capture: StackCapture, cwd: string): CliError | undefined {
  const e = err as Error & { diagnostics?: Diagnostic[]; diagnosticText?: string };
  if (e?.name === "TSError" && Array.isArray(e.diagnostics) && e.diagnostics.length) {
    return diagnosticsError(e.diagnostics, cwd, err, `TypeScript is compiled by ts-node with transpileOnly: syntax errors stop the program; type errors are found by the type check before it runs.\n${capture.stackOf(err) ?? ""}`);
  }
  // Node puts "<file>:<line>", the line and a caret above a SyntaxError's stack.
  const stack = err instanceof SyntaxError ? err.stack : undefined;
  if (err instanceof SyntaxError && typeof stack === "string") {
    const m = /^(.+):(\d+)\n(.*)\n( *)\^/.exec(stack);
    if (m && fs.existsSync(m[1])) {
      const line = Number(m[2]);
      const column = m[4].length + 1;
      return new CliError(
        [`the program does not compile:`, `${display(m[1], cwd)}:${line}:${column} - SyntaxError: ${err.message}`, ...codeFrame(m[3], line, column)].join("\n  "),
        "fix the program; nothing was sent",
        1,
        { cause: err, debug: capture.stackOf(err) },
      );
    }
  }
  return undefined;
}

const inside = (dir: string, file: string) => {
  if (!path.isAbsolute(file)) return false; // node:internal/… frames
  const rel = path.relative(dir, file);
  return !!rel && !rel.startsWith("..") && !path.isAbsolute(rel) && !rel.split(path.sep).includes("node_modules");
};

/** The program threw (or rejected): its message, and the program's own line that threw. */
export function failure(err: unknown, capture: StackCapture, programDir: string, cwd: string): CliError {
  if (err instanceof CliError) return err;
  const missing = (err as { code?: unknown })?.code === "MODULE_NOT_FOUND" ? /^Cannot find module '([^']+)'/.exec(oneLine(err))?.[1] : undefined;
  const install = missing ? installHint(programDir, missing, cwd) : undefined;
  if (install) return new CliError(`the program failed: ${oneLine(err)}`, install, 1, { cause: err, debug: capture.stackOf(err) });
  const sites = capture.sitesOf(err);
  let location: string | undefined;
  if (sites && err instanceof Error) {
    const own = sites.find((s) => {
      const file = s.getFileName();
      return !!file && inside(programDir, file.replace(/^file:\/\//, ""));
    });
    if (own) {
      const frame = capture.mapped(err, [own]).split("\n").pop()!;
      const m = /\(([^()]+):(\d+):(\d+)\)$/.exec(frame) ?? /^\s*at (.+):(\d+):(\d+)$/.exec(frame);
      if (m) location = `${display(m[1], cwd)}:${m[2]}:${m[3]}`;
    }
  }
  return new CliError(
    `the program failed: ${oneLine(err)}`,
    location ? `thrown at ${location} (MERAKI_BATCH_DEBUG=1 shows the stack)` : "set MERAKI_BATCH_DEBUG=1 for the stack",
    1,
    { cause: err, debug: capture.stackOf(err) },
  );
}
