/**
 * A Pulumi project run with the real CLI (built by `npm run pulumi:install`), as a user runs it: in
 * a project directory, `pulumi up`, `preview`, `refresh`, `destroy`, `import`, with a file backend
 * and no network but the emulator. A project is a copy of a program directory in a temporary
 * directory whose node_modules links to this repository's (so `meraki-batch` and `@pulumi/pulumi`
 * resolve as in a user's project), with its own stack file. Test and bench tooling.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { offlineEnv, repoRoot, Toolchain } from "./toolchain";

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The engine's events (`--event-log`), one object per line. */
  events: EngineEvent[];
}

export type EngineEvent = Record<string, any>;

export interface StateEntry {
  name: string;
  type: string;
  id?: string;
  inputs: Record<string, any>;
  outputs: Record<string, any>;
}

export interface ProjectOptions {
  /** The program directory to copy (index.ts, Pulumi.yaml, …). */
  program: string;
  stack?: string;
  /** Stack config written to Pulumi.<stack>.yaml (plain values). */
  config: Record<string, string>;
  /** Environment added to every run (e.g. MERAKI_DASHBOARD_API_KEY). */
  env?: NodeJS.ProcessEnv;
}

export class PulumiProject {
  readonly dir: string;
  readonly home: string;
  readonly stack: string;
  private env: NodeJS.ProcessEnv;
  private running = new Set<ChildProcess>();

  private constructor(readonly tc: Toolchain, opts: ProjectOptions, base: string) {
    this.home = base;
    this.dir = path.join(base, "project");
    this.stack = opts.stack ?? "dev";
    this.env = { ...offlineEnv(tc, base), ...opts.env };
  }

  static async create(tc: Toolchain, opts: ProjectOptions): Promise<PulumiProject> {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), "mb-real-pulumi-"));
    const p = new PulumiProject(tc, opts, base);
    fs.mkdirSync(path.join(base, "state"), { recursive: true });
    fs.cpSync(opts.program, p.dir, { recursive: true, filter: (src) => !/(^|\/)(node_modules|\.meraki-batch|Pulumi\.[^/]*\.yaml)$/.test(path.relative(opts.program, src)) });
    fs.symlinkSync(path.join(repoRoot(), "node_modules"), path.join(p.dir, "node_modules"), "dir");
    p.writeConfig(opts.config);
    const init = await p.run(["stack", "init", p.stack]);
    if (init.code !== 0) throw new Error(`pulumi stack init failed: ${init.stderr}${init.stdout}`);
    return p;
  }

  /** Rewrites the stack file's config (plain values; secrets go through `pulumi config set --secret`). */
  writeConfig(config: Record<string, string>): void {
    const lines = Object.entries(config).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`);
    const file = path.join(this.dir, `Pulumi.${this.stack}.yaml`);
    const kept = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter((l) => l.startsWith("encryptionsalt:")) : [];
    fs.writeFileSync(file, [...kept, "config:", ...lines, ""].join("\n"));
  }

  /** Replaces the program's entry point (index.ts) with `source`. */
  writeProgram(source: string, file = "index.ts"): void {
    fs.writeFileSync(path.join(this.dir, file), source);
  }

  /**
   * Runs `pulumi ARGS` in the project directory (asynchronously: the emulator runs in this
   * process). `onOutput` sees stdout as it comes, to act at a moment of the run (a signal).
   */
  run(args: string[], opts: { env?: NodeJS.ProcessEnv; onOutput?: (stdout: string, child: ChildProcess) => void; timeoutMs?: number } = {}): Promise<RunResult> {
    const eventLog = path.join(this.home, `events-${Date.now()}-${Math.random().toString(36).slice(2)}.jsonl`);
    const withLog = ["up", "preview", "refresh", "destroy", "import"].includes(args[0]) ? [...args, "--event-log", eventLog, "--non-interactive"] : args;
    // --event-log is registered only with PULUMI_DEBUG_COMMANDS (as the Automation API sets it).
    const child = spawn(this.tc.pulumi, withLog, { cwd: this.dir, env: { ...this.env, PULUMI_DEBUG_COMMANDS: "true", ...opts.env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    this.running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => {
      stdout += d;
      opts.onOutput?.(stdout, child);
    });
    child.stderr!.on("data", (d) => (stderr += d));
    const limit = opts.timeoutMs ?? 240_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        killTree(child.pid!);
        reject(new Error(`pulumi ${args.join(" ")} did not end within ${limit / 1000} s\n${stdout}\n${stderr}`));
      }, limit);
      child.on("error", reject);
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        this.running.delete(child);
        resolve({ code, signal, stdout, stderr, events: readEvents(eventLog) });
      });
    });
  }

  /**
   * A signal to the running CLI's process group, as a terminal's Ctrl-C sends it. The engine starts
   * its plugins (language host, providers) in process groups of their own, so it reaches the CLI
   * only, as at a terminal.
   */
  signalRun(signal: NodeJS.Signals): void {
    for (const c of this.running) this.killGroup(c, signal);
  }

  /** A signal to a process group. */
  killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  }

  /** The stack's state: its dynamic resources by name (`pulumi stack export`); see stateList for names two types share. */
  async state(): Promise<Record<string, StateEntry>> {
    return Object.fromEntries((await this.stateList()).map((r) => [r.name, r]));
  }

  /** The stack's dynamic resources, in state order. */
  async stateList(): Promise<StateEntry[]> {
    const r = await this.run(["stack", "export", "--show-secrets"]);
    if (r.code !== 0) throw new Error(`pulumi stack export failed: ${r.stderr}`);
    const deployment = JSON.parse(r.stdout).deployment;
    return (deployment.resources ?? [])
      .filter((res: any) => String(res.type).startsWith("pulumi-nodejs:dynamic/"))
      .map((res: any) => ({ name: String(res.urn).split("::").pop()!, type: res.type, id: res.id, inputs: res.inputs ?? {}, outputs: res.outputs ?? {} }));
  }

  /** The raw exported stack (for checks such as "no secret in state"). */
  async exportText(): Promise<string> {
    const r = await this.run(["stack", "export"]);
    return r.stdout;
  }

  async dispose(): Promise<void> {
    for (const c of this.running) killTree(c.pid!);
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}

/** Per process (Linux /proc; empty elsewhere): its parent, CPU ticks (user + system) and resident pages. */
export function procStats(): Map<number, { ppid: number; ticks: number; rssPages: number }> {
  const stats = new Map<number, { ppid: number; ticks: number; rssPages: number }>();
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return stats;
  }
  for (const e of entries) {
    try {
      // "pid (comm) state ppid … utime(14) stime(15) … rss(24)": comm may hold spaces and parentheses, so read after the last ")".
      const text = fs.readFileSync(`/proc/${e}/stat`, "utf8");
      const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(e), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), rssPages: Number(f[21]) });
    } catch {
      // gone meanwhile
    }
  }
  return stats;
}

/**
 * The processes below `pid`, children first-level and beyond. The engine starts its plugins in
 * process groups of their own: a SIGKILL of the CLI's group leaves the language host, the program
 * and the providers running, re-parented and holding their ports.
 */
export function descendants(pid: number, stats = procStats()): number[] {
  const children = new Map<number, number[]>();
  for (const [p, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), p]);
  const out: number[] = [];
  const visit = (p: number) => (children.get(p) ?? []).forEach((c) => (out.push(c), visit(c)));
  visit(pid);
  return out;
}

/** SIGKILL to a process's group and to every process below it (taken before the kill: orphans are re-parented). */
export function killTree(pid: number): void {
  const below = descendants(pid);
  for (const target of [-pid, ...below]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

function readEvents(file: string): EngineEvent[] {
  if (!fs.existsSync(file)) return [];
  const events = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  fs.rmSync(file, { force: true });
  return events;
}

/** Steps of an engine event log: `[op, name]` for each resource step that ended (resOutputsEvent). */
export function stepsOf(events: EngineEvent[]): Array<{ op: string; name: string; type: string }> {
  return events
    .filter((e) => e.resOutputsEvent?.metadata)
    .map((e) => ({ op: e.resOutputsEvent.metadata.op, name: String(e.resOutputsEvent.metadata.urn).split("::").pop()!, type: e.resOutputsEvent.metadata.type }))
    .filter((s) => s.type.startsWith("pulumi-nodejs:dynamic/"));
}

/** Planned steps of a preview (resourcePreEvent), by name. */
export function plannedOf(events: EngineEvent[]): Array<{ op: string; name: string; type: string; diffs?: string[]; detailedDiff?: Record<string, any> }> {
  return events
    .filter((e) => e.resourcePreEvent?.metadata)
    .map((e) => {
      const m = e.resourcePreEvent.metadata;
      return { op: m.op, name: String(m.urn).split("::").pop()!, type: m.type, diffs: m.diffs, detailedDiff: m.detailedDiff };
    })
    .filter((s) => s.type.startsWith("pulumi-nodejs:dynamic/"));
}

/** Diagnostics the engine showed (diagnosticEvent), with the resource they are attached to. */
export function diagnosticsOf(events: EngineEvent[]): Array<{ severity: string; message: string; name?: string }> {
  return events
    .filter((e) => e.diagnosticEvent)
    .map((e) => ({ severity: e.diagnosticEvent.severity, message: String(e.diagnosticEvent.message), name: e.diagnosticEvent.urn ? String(e.diagnosticEvent.urn).split("::").pop() : undefined }));
}

/** Fails with what the CLI printed when a run did not exit 0. */
export function expectOk(r: RunResult): RunResult {
  if (r.code !== 0) throw new Error(`pulumi exited ${r.code ?? r.signal}\n--- stdout\n${r.stdout.slice(-6000)}\n--- stderr\n${r.stderr.slice(-4000)}`);
  return r;
}
