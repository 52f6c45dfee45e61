/**
 * A campaign: N iterations (seeds S, S+1, …), a few at a time, each with its own emulator, and
 * the figures over all of them. Every violation names its iteration's seed and the command that
 * runs that iteration alone.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Violation } from "./checks";
import { IterationResult, prepareCampaignDir, runIteration } from "./iteration";
import { ROOT } from "./processes";
import { iterationSeed } from "./random";
import { FAULT_KINDS, FaultKind } from "./scenario";

export interface CampaignOptions {
  iterations: number;
  seed: number;
  /** Iterations run at the same time. */
  jobs?: number;
  keep?: boolean;
  stepTimeoutMs?: number;
  /** Progress, one line per iteration (and per event with `verbose`). */
  progress?: (line: string) => void;
  verbose?: boolean;
}

export interface CampaignResult {
  seed: number;
  iterations: number;
  completed: number;
  runs: number;
  faults: Record<FaultKind, number>;
  exitCodes: Record<string, number>;
  batches: { confirmed: number; completed: number; failed: number; draftsLeft: number };
  violations: Array<Violation & { seed: number; reproduce: string; dir?: string; plan: string[] }>;
  runnerErrors: Array<{ seed: number; error: string; reproduce: string }>;
  durationMs: number;
  campaignDir: string;
}

export const reproduce = (seed: number) => `npm run chaos -- --iterations 1 --seed ${seed}`;

export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const started = Date.now();
  const campaignDir = fs.mkdtempSync(path.join(os.tmpdir(), "meraki-batch-chaos-"));
  prepareCampaignDir(campaignDir, ROOT);
  const result: CampaignResult = {
    seed: o.seed,
    iterations: o.iterations,
    completed: 0,
    runs: 0,
    faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
    exitCodes: {},
    batches: { confirmed: 0, completed: 0, failed: 0, draftsLeft: 0 },
    violations: [],
    runnerErrors: [],
    durationMs: 0,
    campaignDir,
  };
  let next = 0;
  let kept = false;
  const add = (r: IterationResult) => {
    result.completed++;
    result.runs += r.runs;
    for (const [k, n] of Object.entries(r.faults)) result.faults[k as FaultKind] += n ?? 0;
    for (const [k, n] of Object.entries(r.exitCodes)) result.exitCodes[k] = (result.exitCodes[k] ?? 0) + n;
    result.batches.confirmed += r.batches.confirmed;
    result.batches.completed += r.batches.completed;
    result.batches.failed += r.batches.failed;
    result.batches.draftsLeft += r.batches.drafts;
    for (const v of r.violations) result.violations.push({ ...v, seed: r.seed, reproduce: reproduce(r.seed), dir: r.dir, plan: r.plan });
    if (r.error) result.runnerErrors.push({ seed: r.seed, error: r.error, reproduce: reproduce(r.seed) });
    if (r.dir) kept = true;
    const verdict = r.error ? `RUNNER ERROR: ${r.error.split("\n")[0]}` : r.violations.length ? `${r.violations.length} VIOLATION(S): ${[...new Set(r.violations.map((v) => v.invariant))].join(", ")}` : "ok";
    o.progress?.(`iteration ${result.completed}/${o.iterations} seed ${r.seed}: ${r.runs} runs, ${(r.durationMs / 1000).toFixed(1)} s, ${verdict}`);
  };
  const worker = async () => {
    while (next < o.iterations) {
      const seed = iterationSeed(o.seed, next++);
      add(await runIteration(seed, { campaignDir, keep: o.keep, stepTimeoutMs: o.stepTimeoutMs, log: o.verbose ? o.progress : undefined }));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs ?? 1, o.iterations)) }, worker));
  if (!kept) fs.rmSync(campaignDir, { recursive: true, force: true });
  result.durationMs = Date.now() - started;
  return result;
}

const n = (x: number) => x.toLocaleString("en-US");

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** The figures as a table, then every violation with its evidence and how to run its iteration alone. */
export function formatCampaign(r: CampaignResult): string {
  const lines: string[] = [];
  lines.push(`Chaos campaign: seed ${r.seed}, ${r.completed} of ${r.iterations} iterations, ${duration(r.durationMs)}`);
  lines.push("");
  const codes = Object.entries(r.exitCodes).sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true })).map(([k, c]) => `${k}: ${n(c)}`).join(", ");
  const rows: Array<[string, string]> = [
    ["iterations", n(r.completed)],
    ["apply runs", `${n(r.runs)} (exit ${codes || "–"})`],
    ["batches", `${n(r.batches.confirmed)} confirmed, ${n(r.batches.completed)} completed, ${n(r.batches.failed)} failed`],
    ...FAULT_KINDS.map((k): [string, string] => [`faults: ${k}`, n(r.faults[k])]),
    ["faults in all", n(Object.values(r.faults).reduce((a, b) => a + b, 0))],
    ["violations", n(r.violations.length)],
    ["runner errors", n(r.runnerErrors.length)],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) lines.push(`  ${k.padEnd(w)}  ${v}`);
  for (const v of r.violations) {
    lines.push("", `VIOLATION [${v.invariant}] iteration seed ${v.seed}${v.run ? `, ${v.run}` : ""}: ${v.message}`);
    for (const e of v.evidence) lines.push(...e.split("\n").map((l) => `    ${l}`));
    lines.push("  the iteration:", ...v.plan.map((l) => `    ${l}`));
    if (v.dir) lines.push(`  its programs, emulator state and every run's output: ${v.dir}`);
    lines.push(`  reproduce: ${v.reproduce}`);
  }
  for (const e of r.runnerErrors) lines.push("", `RUNNER ERROR iteration seed ${e.seed}: ${e.error}`, `  reproduce: ${e.reproduce}`);
  if (r.violations.length || r.runnerErrors.length) {
    const seeds = [...new Set([...r.violations.map((v) => v.seed), ...r.runnerErrors.map((e) => e.seed)])];
    lines.push("", `Failing seeds: ${seeds.join(", ")} (each: npm run chaos -- --iterations 1 --seed SEED)`);
  }
  return lines.join("\n") + "\n";
}
