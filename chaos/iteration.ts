/**
 * One chaos iteration, run for real: an emulator in its own process on a --state file, the
 * iteration's programs written as Pulumi programs, its faulty steps (each one or two spawned
 * `meraki-batch apply … --yes --json` runs with faults), one clean run, and the checks.
 */
import * as fs from "fs";
import * as path from "path";
import { BatchView, EmulatorApi } from "./api";
import { ApplyJson, FaultMatch, IterationObservation, LedgerRecord, RunObservation, Snapshot, Violation, checkIteration, checkRun } from "./checks";
import { actionMarker } from "./objects";
import { EmulatorProcess, Proc } from "./processes";
import { ProgramSpec, WORLDS, renderProgram } from "./program";
import { FaultKind, IterationPlan, RunPlan, StepPlan, Trigger, describePlan, planIteration } from "./scenario";
import { StateWatcher } from "./watch";

export interface IterationResult {
  seed: number;
  plan: string[];
  violations: Violation[];
  /** Faults that struck, by kind (a planned signal whose run had already ended does not count). */
  faults: Partial<Record<FaultKind, number>>;
  runs: number;
  exitCodes: Record<string, number>;
  batches: { confirmed: number; completed: number; failed: number; drafts: number };
  durationMs: number;
  /** Where its programs, state and logs are (kept when it failed, or with --keep). */
  dir?: string;
  /** The runner itself failed (not a violation of the product): the message. */
  error?: string;
}

export interface IterationOptions {
  /** Holds node_modules/meraki-batch (a link to this package) so that programs can require it. */
  campaignDir: string;
  keep?: boolean;
  rateLimit?: number;
  /** A step's runs that have not ended after this long are killed and reported. */
  stepTimeoutMs?: number;
  log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const running = (b: BatchView) => b.confirmed && !b.status.completed && !b.status.failed;
const outputSize = (p: { stdout: string; stderr: string }) => ({ bytes: Buffer.byteLength(p.stdout) + Buffer.byteLength(p.stderr), lines: (p.stdout.match(/\n/g)?.length ?? 0) + (p.stderr.match(/\n/g)?.length ?? 0) });
const STACK = /\n\s+at .+:\d+:\d+\)?\n/;

/** A link to this package where programs can require it (done once per campaign). */
export function prepareCampaignDir(dir: string, root: string): void {
  const modules = path.join(dir, "node_modules");
  fs.mkdirSync(modules, { recursive: true });
  const link = path.join(modules, "meraki-batch");
  if (!fs.existsSync(link)) fs.symlinkSync(root, link, "dir");
}

export async function runIteration(seed: number, opts: IterationOptions): Promise<IterationResult> {
  const started = Date.now();
  const plan = planIteration(seed);
  const dir = path.join(opts.campaignDir, `iteration-${seed}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const it = new Iteration(plan, dir, opts);
  let violations: Violation[] = [];
  let error: string | undefined;
  try {
    const obs = await it.run();
    violations = [...obs.runs.flatMap(checkRun), ...checkIteration(obs)];
  } catch (err) {
    error = (err as Error).stack ?? String(err);
  } finally {
    await it.close();
  }
  const failed = violations.length > 0 || error !== undefined;
  fs.writeFileSync(path.join(dir, "iteration.log"), [...describePlan(plan), "", ...it.events, ...(error ? ["", `runner error: ${error}`] : [])].join("\n") + "\n");
  if (failed || opts.keep) fs.writeFileSync(path.join(dir, "violations.json"), JSON.stringify(violations, null, 2) + "\n");
  else fs.rmSync(dir, { recursive: true, force: true });
  return {
    seed,
    plan: describePlan(plan),
    violations,
    faults: it.faults,
    runs: it.runCount,
    exitCodes: it.exitCodes,
    batches: it.batchFigures,
    durationMs: Date.now() - started,
    ...(failed || opts.keep ? { dir } : {}),
    ...(error ? { error } : {}),
  };
}

class Iteration {
  readonly events: string[] = [];
  readonly faults: Partial<Record<FaultKind, number>> = {};
  readonly exitCodes: Record<string, number> = {};
  batchFigures = { confirmed: 0, completed: 0, failed: 0, drafts: 0 };
  runCount = 0;
  private readonly emu: EmulatorProcess;
  private readonly api: EmulatorApi;
  private readonly watcher: StateWatcher;
  private readonly stateDir: string;
  private readonly programDirs = new Map<number, string>();
  private readonly dropChanges: FaultMatch[] = [];
  private readonly runs: RunObservation[] = [];
  private readonly hangs: string[] = [];
  private readonly t0 = Date.now();
  private current: ProgramSpec;
  private restarting?: Promise<void>;

  constructor(
    private readonly plan: IterationPlan,
    private readonly dir: string,
    private readonly opts: IterationOptions,
  ) {
    const world = WORLDS[plan.world];
    const stateFile = path.join(dir, "world.json");
    this.emu = new EmulatorProcess({ seed: plan.world, stateFile, batchLatencyMs: plan.batchLatencyMs, rateLimit: opts.rateLimit ?? 10 });
    this.api = new EmulatorApi(this.emu, world);
    this.watcher = new StateWatcher(stateFile, world.organizationId);
    this.stateDir = path.join(dir, "state");
    this.current = plan.programs[0];
    for (const p of plan.programs) {
      const pd = path.join(dir, p.marker);
      fs.mkdirSync(pd, { recursive: true });
      for (const [f, text] of Object.entries(renderProgram(p, `iteration seed ${plan.seed}`))) fs.writeFileSync(path.join(pd, f), text);
      this.programDirs.set(p.index, pd);
    }
  }

  private note(line: string): void {
    this.events.push(`${String(Date.now() - this.t0).padStart(6)} ms  ${line}`);
    this.opts.log?.(`[${this.plan.seed}] ${line}`);
  }

  /** Keeps a run's output in the iteration's directory; its --json report, when it printed one. */
  private keepOutput(name: string, proc: { stdout: string; stderr: string }): ApplyJson | undefined {
    fs.writeFileSync(path.join(this.dir, `${name}.stdout`), proc.stdout);
    fs.writeFileSync(path.join(this.dir, `${name}.stderr`), proc.stderr);
    try {
      return proc.stdout.trim() ? (JSON.parse(proc.stdout) as ApplyJson) : undefined;
    } catch {
      return undefined;
    }
  }

  private count(kind: FaultKind): void {
    this.faults[kind] = (this.faults[kind] ?? 0) + 1;
  }

  async run(): Promise<IterationObservation> {
    await this.emu.start();
    this.note(`emulator ${this.plan.world} on ${this.emu.url}, batch latency ${this.plan.batchLatencyMs} ms`);
    this.watcher.start();
    for (let i = 0; i < this.plan.steps.length; i++) await this.step(i, this.plan.steps[i]);

    // The clean run: no faults, the API up, nothing else running.
    await this.restarting;
    if (!this.emu.up) await this.emu.start();
    await this.api.clearFaults();
    const settled = await this.api.settle(30_000);
    const stillRunning = settled.filter((b) => b.confirmed && !b.status.completed && !b.status.failed);
    if (stillRunning.length) this.hangs.push(`batches ${stillRunning.map((b) => b.id).join(", ")} were still running 30 s after the last faulty run`);
    const clean = await this.apply("clean run", this.plan.clean, this.current, settled, { solo: true });
    const cleanPlan = await this.planCheck(this.current, this.plan.clean);
    this.watcher.poll();
    const finalBatches = await this.api.batches();
    const finalLive = await this.api.live(this.switches());
    this.batchFigures = {
      confirmed: finalBatches.filter((b) => b.confirmed).length,
      completed: finalBatches.filter((b) => b.status.completed).length,
      failed: finalBatches.filter((b) => b.status.failed).length,
      drafts: finalBatches.filter((b) => !b.confirmed).length,
    };
    return {
      seed: this.plan.seed,
      runs: this.runs,
      clean,
      cleanPlan,
      finalBatches,
      finalLive,
      finalProgram: this.current,
      dropChanges: this.dropChanges,
      overlaps: this.watcher.overlaps,
      hangs: this.hangs,
    };
  }

  async close(): Promise<void> {
    this.watcher.stop();
    await this.restarting?.catch(() => undefined);
    await this.emu.stop();
  }

  private switches(): string[] {
    return [...new Set(this.plan.universe.ports.map((p) => p.serial))];
  }

  private env(r: RunPlan): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    // The user's own Meraki settings must not leak into the runs.
    for (const [k, v] of Object.entries(process.env)) if (!/^MERAKI_/.test(k)) env[k] = v;
    const world = WORLDS[this.plan.world];
    return { ...env, NO_COLOR: "1", MERAKI_DASHBOARD_API_KEY: world.apiKey, MERAKI_DASHBOARD_API_BASE_URL: this.emu.url, MERAKI_ORGANIZATION_ID: world.organizationId, MERAKI_BATCH_STATE_DIR: this.stateDir, ...r.env };
  }

  private ledger(): LedgerRecord[] {
    const dir = path.join(this.stateDir, "drafts");
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir).filter((n) => n.endsWith(".json"));
    } catch {
      return [];
    }
    return names.flatMap((n) => {
      try {
        return [JSON.parse(fs.readFileSync(path.join(dir, n), "utf8")) as LedgerRecord];
      } catch {
        return [];
      }
    });
  }

  private async snapshot(): Promise<Snapshot> {
    await this.restarting;
    const batches1 = await this.api.batches();
    const live = await this.api.live(this.switches());
    const batches2 = await this.api.batches();
    this.watcher.poll();
    return { at: Date.now(), batches1, live, batches2, ledger: this.ledger() };
  }

  /** Waits for a trigger; false when `cancelled` came first. */
  private async trigger(t: Trigger, startedAt: number, baseline: Set<string>, cancelled: Promise<unknown>): Promise<boolean> {
    let over = false;
    void cancelled.then(() => (over = true));
    if (t.on === "time") {
      const wait = startedAt + t.ms - Date.now();
      if (wait > 0) await Promise.race([sleep(wait), cancelled]);
      return !over;
    }
    const seen = this.watcher.seen[t.on];
    const ok = await this.watcher.when(() => [...seen].filter((id) => !baseline.has(id)).length >= t.n, cancelled);
    if (!ok) return false;
    if (t.delayMs) await Promise.race([sleep(t.delayMs), cancelled]);
    return !over;
  }

  private async step(index: number, step: IterationPlan["steps"][number]): Promise<void> {
    const label = `step ${index + 1} (${step.kind})`;
    if (step.kind === "killRerun") this.count("rerun");
    if (step.kind === "rerunAtOnce") this.count("rerunAtOnce");
    if (step.kind === "twin") this.count("twinRuns");
    if (step.kind === "pair") this.count("pairRuns");
    await this.restarting;
    if (!this.emu.up) await this.emu.start();
    const before = await this.api.batches();
    this.watcher.poll();
    const baseline = new Set(this.watcher.seen.created);
    // A run alone with nothing running: every running batch the request log sees during the step is its own.
    const alone = step.runs.length === 1 && !before.some(running);
    if (alone) await this.api.clearRequests();
    const programOf = (r: RunPlan) => (r.program === "partner" ? this.plan.programs[step.partner!] : r.program === "first" ? this.plan.programs[step.first!] : this.current);
    const stepDropChanges: FaultMatch[] = [];
    // Set once the step's runs have ended: a fault whose injection was still on its way (the API
    // restarting) is then cleared before anything else runs, and not counted.
    let over = false;
    const injecting: Array<Promise<unknown>> = [];
    const inject = async (f: StepPlan["faults"][number]) => {
      if (over) return;
      await this.api.fault(f.spec);
      if (over) return this.note(`${label}: fault ${JSON.stringify(f.spec)} landed after the runs ended (cleared)`);
      this.count(f.kind);
      if (f.spec.type === "dropChange") {
        const m = { operation: f.spec.operation as string | undefined, resource: f.spec.resource as string | undefined };
        stepDropChanges.push(m);
        this.dropChanges.push(m);
      }
      this.note(`${label}: fault ${JSON.stringify(f.spec)}`);
    };
    for (const f of step.faults) if (!f.at) await inject(f);

    const procs: Array<Proc | undefined> = [];
    const starters: Array<(p: Proc) => void> = [];
    const started: Array<Promise<Proc>> = step.runs.map((_, i) => new Promise<Proc>((resolve) => (starters[i] = resolve)));
    let allDone!: () => void;
    const finished = new Promise<void>((r) => (allDone = r));
    const alive = () => procs.some((p) => p?.alive) || procs.filter(Boolean).length < step.runs.length;
    const observations: Array<Promise<RunObservation>> = step.runs.map(async (r, i) => {
      if (r.afterRun !== undefined) await (await started[r.afterRun]).exited;
      if (r.delayMs) await sleep(r.delayMs);
      const program = programOf(r);
      const args = ["apply", this.programDirs.get(program.index)!, "--yes", "--json", ...r.flags];
      const proc = new Proc(args, this.env(r), this.dir);
      procs[i] = proc;
      starters[i](proc);
      this.runCount++;
      this.note(`${label} run ${i + 1}: started (pid ${proc.pid}) ${program.marker} ${r.flags.join(" ")}`);
      const signals: string[] = [];
      let cutShort = false;
      const exited = proc.exited;
      if (r.signal) {
        const s = r.signal;
        void (async () => {
          if (!(await this.trigger(s.at, proc.startedAt, baseline, exited))) return;
          if (!proc.signal(s.kind)) return;
          signals.push(s.kind);
          this.count(s.kind === "SIGKILL" ? "cliKill" : "cliInterrupt");
          if (s.kind === "SIGKILL") cutShort = true;
          this.note(`${label} run ${i + 1}: ${s.kind}`);
          if (s.againMs === undefined) return;
          await Promise.race([sleep(s.againMs), exited]);
          if (proc.signal("SIGINT")) {
            signals.push("SIGINT");
            cutShort = true;
            this.note(`${label} run ${i + 1}: SIGINT again`);
          }
        })();
      }
      const guard = setTimeout(() => {
        if (!proc.alive) return;
        this.hangs.push(`${label} run ${i + 1} (pid ${proc.pid}) had not ended after ${(this.opts.stepTimeoutMs ?? 240_000) / 1000} s; killed`);
        cutShort = true;
        proc.signal("SIGKILL");
      }, this.opts.stepTimeoutMs ?? 240_000);
      const exit = await exited;
      clearTimeout(guard);
      const code = exit.code === null ? `signal ${exit.signal}` : String(exit.code);
      this.exitCodes[code] = (this.exitCodes[code] ?? 0) + 1;
      this.note(`${label} run ${i + 1}: exited ${code}`);
      const json = this.keepOutput(`step${index + 1}-run${i + 1}`, proc);
      const after = await this.snapshot();
      const obs: RunObservation = {
        label: `${label} run ${i + 1}`,
        program,
        flags: r.flags,
        pid: proc.pid,
        code: exit.code,
        signal: exit.signal,
        signals,
        cutShort,
        json,
        stdout: proc.stdout.slice(-20_000),
        stderr: proc.stderr.slice(-20_000),
        before,
        after,
        solo: step.runs.length === 1,
        dropChanges: stepDropChanges,
        exitAt: exit.at,
        finishedAt: Object.fromEntries(this.watcher.finishedAt),
        mustConverge: step.kind === "rerunAtOnce" && i === 1,
        output: outputSize(proc),
        ...(alone && !this.restarting ? { inFlight: await this.inFlight(r.flags) } : {}),
      };
      // Exit 0 with nothing else able to change the network: a plan must be empty. (In a pair, the
      // other program may legitimately have changed what this run's plan left alone.)
      const quiet = step.kind !== "pair" && !alive() && !after.batches2.some((b) => b.confirmed && !b.status.completed && !b.status.failed) && !this.restarting;
      if (exit.code === 0 && !cutShort && quiet && step.runs.every((_, k) => k === i || procs[k] !== undefined)) obs.plan = await this.planCheck(program, r);
      return obs;
    });
    void Promise.all(observations.map((o) => o.catch(() => undefined))).then(() => allDone());

    const timed = step.faults.filter((f) => f.at);
    const firstStart = started[0].then((p) => p.startedAt);
    for (const f of timed) {
      injecting.push(
        (async () => {
          if (await this.trigger(f.at!, await firstStart, baseline, finished)) await inject(f).catch((err) => this.note(`${label}: fault not injected (${(err as Error).message})`));
        })(),
      );
    }
    if (step.apiRestart) {
      const a = step.apiRestart;
      void (async () => {
        if (!(await this.trigger(a.at, await firstStart, baseline, finished)) || !alive()) return;
        this.restarting = (async () => {
          await this.emu.kill();
          this.count("apiRestart");
          this.note(`${label}: API killed`);
          await sleep(a.downMs);
          // A failed restart is retried (and reported) by whoever needs the API next.
          await this.emu.start().then(
            () => this.note(`${label}: API back on ${this.emu.url}`),
            (err) => this.note(`${label}: API restart failed: ${(err as Error).message}`),
          );
        })();
        await this.restarting;
        this.restarting = undefined;
      })();
    }
    const obs = await Promise.all(observations);
    await finished;
    over = true;
    await Promise.allSettled(injecting);
    await this.restarting;
    if (!this.emu.up) await this.emu.start();
    await this.api.clearFaults();
    this.runs.push(...obs);

    if (step.kind === "pair") {
      // Whose batches may have written: a program is never applied again once another's batch may have overwritten its objects.
      const list = await this.api.batches();
      const wrote = (p: ProgramSpec) => list.some((b) => b.confirmed && !before.some((x) => x.id === b.id) && b.actions.some((a) => actionMarker(a) === p.marker));
      const [first, partner] = [this.plan.programs[step.first!], this.plan.programs[step.partner!]];
      const next = wrote(first) && wrote(partner) ? this.plan.programs[step.fresh!] : wrote(first) ? first : wrote(partner) ? partner : this.current;
      if (next !== this.current) this.note(`${label}: the current program is now ${next.marker}`);
      this.current = next;
    }
  }

  /** The most batches the request log saw running at once, and the run's --max-in-flight. */
  private async inFlight(flags: string[]): Promise<{ max: number; limit: number } | undefined> {
    const at = flags.indexOf("--max-in-flight");
    if (at < 0) return undefined;
    const log = await this.api.requests().catch(() => []);
    return { max: Math.max(0, ...log.map((q) => q.runningBatches)), limit: Number(flags[at + 1]) };
  }

  /** The clean run (or any single run outside a step). */
  private async apply(label: string, r: RunPlan, program: ProgramSpec, before: BatchView[], o: { solo: boolean }): Promise<RunObservation> {
    const alone = !before.some(running);
    if (alone) await this.api.clearRequests();
    const proc = new Proc(["apply", this.programDirs.get(program.index)!, "--yes", "--json", ...r.flags], this.env(r), this.dir);
    this.runCount++;
    this.note(`${label}: started (pid ${proc.pid}) ${program.marker} ${r.flags.join(" ")}`);
    let cutShort = false;
    const guard = setTimeout(() => {
      this.hangs.push(`${label} (pid ${proc.pid}) had not ended after ${(this.opts.stepTimeoutMs ?? 240_000) / 1000} s; killed`);
      cutShort = true;
      proc.signal("SIGKILL");
    }, this.opts.stepTimeoutMs ?? 240_000);
    const exit = await proc.exited;
    clearTimeout(guard);
    const code = exit.code === null ? `signal ${exit.signal}` : String(exit.code);
    this.exitCodes[code] = (this.exitCodes[code] ?? 0) + 1;
    this.note(`${label}: exited ${code}`);
    const json = this.keepOutput("clean", proc);
    const after = await this.snapshot();
    const obs: RunObservation = {
      label,
      program,
      flags: r.flags,
      pid: proc.pid,
      code: exit.code,
      signal: exit.signal,
      signals: [],
      cutShort,
      json,
      stdout: proc.stdout.slice(-20_000),
      stderr: proc.stderr.slice(-20_000),
      before,
      after,
      solo: o.solo,
      dropChanges: [],
      exitAt: exit.at,
      finishedAt: Object.fromEntries(this.watcher.finishedAt),
      output: outputSize(proc),
      ...(alone ? { inFlight: await this.inFlight(r.flags) } : {}),
    };
    this.runs.push(obs);
    return obs;
  }

  /** `plan --detailed-exitcode`: 0 when the program has converged. */
  private async planCheck(program: ProgramSpec, r: RunPlan): Promise<{ code: number | null; output: string }> {
    const proc = new Proc(["plan", this.programDirs.get(program.index)!, "--detailed-exitcode", ...r.flags.filter((f) => f !== "--wait")], this.env(r), this.dir);
    const exit = await proc.exited;
    this.note(`plan ${program.marker}: exited ${exit.code ?? exit.signal}`);
    if (STACK.test(proc.stderr)) this.note(`plan ${program.marker}: printed a stack trace`);
    return { code: exit.code, output: `${proc.stdout}\n${proc.stderr}` };
  }
}
