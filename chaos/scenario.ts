/**
 * What one iteration does, decided up front from its seed (pure): the emulator's seed and batch
 * latency, the programs, and a few faulty steps, each one or two `apply` runs with faults; then one
 * clean run. What happens at run time (timing) varies; what is attempted does not.
 */
import { Random, random } from "./random";
import { ProgramSpec, SeedName, Universe, WORLDS, makeProgram, makeUniverse } from "./program";

/** When a fault strikes: after a delay from the run's start, or once the organization has seen n batches of this step made, confirmed or finished (then a short delay). */
export type Trigger = { on: "time"; ms: number } | { on: "created" | "confirmed" | "finished"; n: number; delayMs: number };

export type FaultKind =
  | "actionFailure"
  | "serverError"
  | "dropConnection:create"
  | "dropConnection:confirm"
  | "rateLimitWithoutRetryAfter"
  | "dropChange"
  | "cliKill"
  | "cliInterrupt"
  | "apiRestart"
  | "rerun"
  | "rerunAtOnce"
  | "twinRuns"
  | "pairRuns";

export const FAULT_KINDS: FaultKind[] = ["actionFailure", "serverError", "dropConnection:create", "dropConnection:confirm", "rateLimitWithoutRetryAfter", "dropChange", "cliKill", "cliInterrupt", "apiRestart", "rerun", "rerunAtOnce", "twinRuns", "pairRuns"];

export interface EmulatorFault {
  kind: FaultKind;
  /** The body of POST /_emulator/faults. */
  spec: Record<string, unknown>;
  /** Injected before the step's runs start, or at this moment. */
  at?: Trigger;
}

export interface RunPlan {
  /** "current": the iteration's current program; "first" and "partner": the two programs of a pair. */
  program: "current" | "first" | "partner";
  flags: string[];
  /** Started this long after the step starts, or after `afterRun` exited. */
  delayMs: number;
  afterRun?: number;
  signal?: { kind: "SIGKILL" | "SIGINT"; at: Trigger; /** A second SIGINT this long after the first. */ againMs?: number };
  env: Record<string, string>;
}

/**
 * rerunAtOnce (issue #21.4): the CLI killed right after its first confirmation, then run again at
 * once with nothing else going wrong: the re-run must converge (exit 0), whatever the killed run's
 * batches were doing when it planned and claimed.
 */
export type StepKind = "solo" | "killRerun" | "rerunAtOnce" | "twin" | "pair";

export interface StepPlan {
  kind: StepKind;
  runs: RunPlan[];
  faults: EmulatorFault[];
  apiRestart?: { at: Trigger; downMs: number };
}

export interface IterationPlan {
  seed: number;
  world: SeedName;
  batchLatencyMs: number;
  universe: Universe;
  /** programs[0] is the first current program; pairs bring a partner and a fresh program each. */
  programs: ProgramSpec[];
  /** A pair's two programs, and the fresh one that follows when both may have written. */
  steps: Array<StepPlan & { first?: number; partner?: number; fresh?: number }>;
  clean: RunPlan;
}

function batchFlags(rng: Random, p: ProgramSpec): string[] {
  const n = p.decls.length;
  const size = Math.max(2, Math.ceil(n / rng.between(2, 6)));
  return ["--max-batch-size", String(size), "--max-in-flight", String(rng.between(1, 5)), "--sync", rng.weighted([["auto", 5], ["never", 3], ["always", 2]] as const)];
}

function trigger(rng: Random, bias: "early" | "confirm" = "early"): Trigger {
  const on = rng.weighted([["time", bias === "early" ? 4 : 2], ["created", 2], ["confirmed", bias === "confirm" ? 5 : 2], ["finished", 1]] as const);
  if (on === "time") return { on, ms: rng.between(0, 2500) };
  return { on, n: rng.weighted([[1, 6], [2, 3], [3, 1]] as const), delayMs: rng.between(0, 80) };
}

function env(rng: Random): Record<string, string> {
  return { MERAKI_BATCH_UNREACHABLE_SECONDS: String(rng.between(2, 4)), MERAKI_BATCH_DRAIN_SECONDS: String(rng.between(2, 10)) };
}

function signal(rng: Random, p: number, bias: "early" | "confirm" = "early"): RunPlan["signal"] {
  if (!rng.chance(p)) return undefined;
  const kind = rng.weighted([["SIGKILL", 6], ["SIGINT", 4]] as const);
  return { kind, at: trigger(rng, bias), ...(kind === "SIGINT" && rng.chance(0.25) ? { againMs: rng.between(100, 2000) } : {}) };
}

/** Resource paths of a program's declarations, as batch actions name them (what faults match on). */
function paths(p: ProgramSpec): Array<{ resource: string; operation: string }> {
  return p.decls.map((d) => {
    if (d.kind === "switchPort") return { resource: `/devices/${d.ident.serial}/switch/ports/${d.ident.portId}`, operation: "update" };
    if (d.kind === "deviceTags" || d.kind === "device") return { resource: `/devices/${d.ident.serial}`, operation: "update" };
    if (d.kind === "switchAccessPolicy") return { resource: `/networks/${d.ident.networkId}/switch/accessPolicies`, operation: "create" };
    if (d.kind === "linkAggregation") return { resource: `/networks/${d.ident.networkId}/switch/linkAggregations`, operation: "create" };
    if (d.kind === "switchRoutingInterface") return { resource: `/devices/${d.ident.serial}/switch/routing/interfaces`, operation: "create" };
    if (d.kind === "switchStaticRoute") return { resource: `/devices/${d.ident.serial}/switch/routing/staticRoutes`, operation: "create" };
    return Number(d.ident.vlanId) === 1 ? { resource: `/networks/${d.ident.networkId}/appliance/vlans/1`, operation: "update" } : { resource: `/networks/${d.ident.networkId}/appliance/vlans`, operation: "create" };
  });
}

function emulatorFaults(rng: Random, programs: ProgramSpec[]): EmulatorFault[] {
  const targets = programs.flatMap(paths);
  const n = rng.weighted([[0, 3], [1, 4], [2, 2], [3, 1]] as const);
  const out: EmulatorFault[] = [];
  for (let i = 0; i < n; i++) {
    const kind = rng.weighted([["actionFailure", 2], ["serverError", 2], ["dropConnection:create", 2], ["dropConnection:confirm", 2], ["rateLimitWithoutRetryAfter", 1], ["dropChange", 2]] as const);
    const target = rng.pick(targets);
    let spec: Record<string, unknown>;
    switch (kind) {
      case "actionFailure":
        spec = { type: "actionFailure", operation: target.operation, resource: target.resource, message: "Chaos: injected action failure", ...(rng.chance(0.7) ? { times: rng.between(1, 2) } : {}) };
        break;
      case "serverError":
        spec = { type: "serverError", count: rng.between(1, 6), status: rng.pick([500, 502, 503]) };
        break;
      case "dropConnection:create":
        spec = { type: "dropConnection", after: "create", count: rng.weighted([[1, 5], [2, 2], [4, 2]] as const) };
        break;
      case "dropConnection:confirm":
        spec = { type: "dropConnection", after: "confirm", count: rng.weighted([[1, 5], [2, 2], [3, 1]] as const) };
        break;
      case "rateLimitWithoutRetryAfter":
        spec = { type: "rateLimitWithoutRetryAfter", count: rng.between(1, 3) };
        break;
      default:
        spec = { type: "dropChange", operation: target.operation, resource: target.resource, times: 1 };
    }
    out.push({ kind, spec, ...(rng.chance(0.35) ? { at: trigger(rng) } : {}) });
  }
  return out;
}

export function planIteration(seed: number): IterationPlan {
  const rng = random(seed);
  const world = rng.weighted([["demo", 3], ["campus", 1]] as const);
  const universe = makeUniverse(rng, WORLDS[world]);
  const programs: ProgramSpec[] = [makeProgram(rng, universe, 0)];
  const batchLatencyMs = rng.weighted([[0, 2], [150, 3], [600, 3], [1500, 2], [3000, 1]] as const);
  const steps: IterationPlan["steps"] = [];
  const count = rng.weighted([[1, 5], [2, 4], [3, 2]] as const);
  // The program the next steps' faults aim at; a pair may hand over to its partner or a fresh program at run time.
  let aim = programs[0];
  for (let s = 0; s < count; s++) {
    const kind = rng.weighted([["solo", 7], ["killRerun", 5], ["rerunAtOnce", 3], ["twin", 4], ["pair", 4]] as const);
    const run = (program: RunPlan["program"], extra: Partial<RunPlan> = {}): RunPlan => ({ program, flags: batchFlags(rng, aim), delayMs: 0, env: env(rng), ...extra });
    const step: IterationPlan["steps"][number] = { kind, runs: [], faults: emulatorFaults(rng, programs) };
    switch (kind) {
      case "solo":
        step.runs.push(run("current", { signal: signal(rng, 0.4) }));
        break;
      case "killRerun":
        step.runs.push(run("current", { signal: signal(rng, 1, "confirm") }));
        step.runs.push(run("current", { afterRun: 0, delayMs: rng.between(0, 200), signal: signal(rng, 0.15) }));
        break;
      case "rerunAtOnce":
        // No emulator fault, no restart: only the kill right after the first confirmation.
        step.faults = [];
        step.runs.push(run("current", { signal: { kind: "SIGKILL", at: { on: "confirmed", n: 1, delayMs: rng.between(0, 80) } } }));
        step.runs.push(run("current", { afterRun: 0, delayMs: 0 }));
        break;
      case "twin":
        step.runs.push(run("current", { signal: signal(rng, 0.15) }));
        step.runs.push(run("current", { delayMs: rng.between(0, 500), signal: signal(rng, 0.15) }));
        break;
      case "pair": {
        // Two programs never applied before: each is applied at most once in the step, whichever goes first.
        const first = makeProgram(rng, universe, programs.length, aim);
        programs.push(first);
        const partner = makeProgram(rng, universe, programs.length, first);
        programs.push(partner);
        const fresh = makeProgram(rng, universe, programs.length);
        programs.push(fresh);
        Object.assign(step, { first: first.index, partner: partner.index, fresh: fresh.index });
        const wait = () => (rng.chance(0.3) ? ["--wait"] : []);
        step.runs.push({ ...run("first", { signal: signal(rng, 0.15) }), flags: [...batchFlags(rng, first), ...wait()] });
        step.runs.push({ ...run("partner", { delayMs: rng.between(0, 500), signal: signal(rng, 0.15) }), flags: [...batchFlags(rng, partner), ...wait()] });
        aim = fresh;
        break;
      }
    }
    if (rng.chance(0.2) && kind !== "rerunAtOnce") step.apiRestart = { at: trigger(rng), downMs: rng.between(100, 4000) };
    steps.push(step);
  }
  return { seed, world, batchLatencyMs, universe, programs, steps, clean: { program: "current", flags: batchFlags(rng, aim), delayMs: 0, env: env(rng) } };
}

/** The faults a plan attempts, by kind (one step can hold several). */
export function plannedFaults(plan: IterationPlan): FaultKind[] {
  const out: FaultKind[] = [];
  for (const s of plan.steps) {
    out.push(...s.faults.map((f) => f.kind));
    for (const r of s.runs) if (r.signal) out.push(r.signal.kind === "SIGKILL" ? "cliKill" : "cliInterrupt");
    if (s.apiRestart) out.push("apiRestart");
    if (s.kind === "killRerun") out.push("rerun");
    if (s.kind === "rerunAtOnce") out.push("rerunAtOnce");
    if (s.kind === "twin") out.push("twinRuns");
    if (s.kind === "pair") out.push("pairRuns");
  }
  return out;
}

/** One line per step, for a violation report. */
export function describePlan(plan: IterationPlan): string[] {
  const trig = (t: Trigger) => (t.on === "time" ? `${t.ms} ms after start` : `after the step's ${t.n}${t.n === 1 ? "st" : t.n === 2 ? "nd" : "rd"} batch ${t.on} (+${t.delayMs} ms)`);
  const lines = [`emulator seed ${plan.world}, batch latency ${plan.batchLatencyMs} ms; programs ${plan.programs.map((p) => `${p.marker} (${p.decls.length} resources)`).join(", ")}`];
  plan.steps.forEach((s, i) => {
    const runs = s.runs.map((r, j) => `run ${j + 1} [${r.program === "first" ? `p${s.first}` : r.program === "partner" ? `p${s.partner}` : "current"} ${r.flags.join(" ")}${r.afterRun !== undefined ? `, after run ${r.afterRun + 1} exits` : ""}${r.delayMs ? ` +${r.delayMs} ms` : ""}${r.signal ? `, ${r.signal.kind} ${trig(r.signal.at)}${r.signal.againMs ? `, again ${r.signal.againMs} ms later` : ""}` : ""}]`);
    const faults = s.faults.map((f) => `${JSON.stringify(f.spec)}${f.at ? ` ${trig(f.at)}` : ""}`);
    lines.push(`step ${i + 1} ${s.kind}: ${runs.join("; ")}${faults.length ? `; faults ${faults.join(", ")}` : ""}${s.apiRestart ? `; API killed ${trig(s.apiRestart.at)}, back ${s.apiRestart.downMs} ms later` : ""}`);
  });
  lines.push(`clean run: ${plan.clean.flags.join(" ")}`);
  return lines;
}
