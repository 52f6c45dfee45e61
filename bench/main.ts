/**
 * npm run bench [-- --quick] [--json] [--scenarios 480,2400] [--plan-sizes 1000,10000,50000]
 *   [--program-sizes 2400,10000,50000] [--program-runs 3] [--preview-sizes 2400,10000,50000]
 *   [--pulumi branch-office,campus] [--pulumi-forms bulk,per-port,per-resource] [--pulumi-parallel 8,32,unbounded]
 * (an empty list, e.g. --scenarios=, skips that part)
 * Batched apply against the per-resource pattern, side by side against the same emulator, the
 * plan's cost as it grows, and a big program's cost end to end (`meraki-batch plan` as a process,
 * and the real `pulumi preview`). Not part of the test suite.
 */
import { execFileSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { PlanCost } from "./plan-cost";
import { ProgramCost, programCost } from "./program-cost";
import { realPreview } from "./program-preview";
import { PORTS_PER_SWITCH, ProgramForm, switchesFor } from "./programs";
import { toolchainOrReason } from "./pulumi-real";
import { BenchReport, markdown } from "./report";
import { runMode } from "./run";
import { Parallel, pulumiBench, pulumiBenchMarkdown } from "./pulumi-bench";
import { Form } from "./pulumi-forms";
import { FULL, QUICK, scenario } from "./scenarios";

const QUICK_SCALE = 10;
/** Fresh processes per plan size; each metric is reported as their median. */
const PLAN_COST_RUNS = 3;
/** The same for a program's size and form (--program-runs). */
const PROGRAM_RUNS = 3;
/** A real `pulumi preview` that takes longer is stopped and reported as such. */
const PREVIEW_TIMEOUT_MS = 1_800_000;
/**
 * The per-port form under the real `pulumi preview` only up to this many ports: the engine's cost
 * per resource grows with the stack (100 s at 2,400; 10,032 did not end within 30 minutes).
 */
export const PREVIEW_PER_PORT_MAX = 2_400;
const FORMS: ProgramForm[] = ["bulk", "per-port"];

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

/** Each numeric metric of the runs, as its median (the runs plan the same thing). */
export function medianCost(runs: PlanCost[]): PlanCost {
  const out = { ...runs[0] } as unknown as Record<string, number>;
  for (const key of Object.keys(out)) out[key] = median(runs.map((r) => (r as unknown as Record<string, number>)[key]));
  return out as unknown as PlanCost;
}

/** Each numeric metric of a program's runs, as its median. */
export function medianOf(runs: ProgramCost[]): ProgramCost {
  const out = { ...runs[0] } as unknown as Record<string, unknown>;
  for (const [key, v] of Object.entries(out)) if (typeof v === "number") out[key] = median(runs.map((r) => (r as unknown as Record<string, number>)[key]));
  return out as unknown as ProgramCost;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean" },
      json: { type: "boolean" },
      scenarios: { type: "string" },
      "plan-sizes": { type: "string" },
      "program-sizes": { type: "string" },
      "program-runs": { type: "string" },
      "preview-sizes": { type: "string" },
      pulumi: { type: "string" },
      "pulumi-forms": { type: "string" },
      "pulumi-parallel": { type: "string" },
    },
  });
  const quick = values.quick === true;
  const scale = quick ? QUICK_SCALE : 1;
  // An empty list ("--scenarios=") skips that part.
  const list = (v: string) => v.split(",").filter((x) => x.trim() !== "").map(Number);
  const sizes = values.scenarios !== undefined ? list(values.scenarios) : quick ? QUICK : FULL;
  const planSizes = values["plan-sizes"] !== undefined ? list(values["plan-sizes"]) : quick ? [1000, 10000] : [1000, 10000, 50000];
  const programSizes = values["program-sizes"] !== undefined ? list(values["program-sizes"]) : quick ? [2400] : [2400, 10000, 50000];
  const programRuns = values["program-runs"] !== undefined ? Number(values["program-runs"]) : PROGRAM_RUNS;
  const previewSizes = values["preview-sizes"] !== undefined ? list(values["preview-sizes"]) : quick ? [] : [2400, 10000, 50000];
  const log = (s: string) => process.stderr.write(`${s}\n`);

  const report: BenchReport = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    quick,
    timeScale: scale,
    scenarios: [],
    planCost: [],
    programCost: [],
    preview: [],
  };
  for (const n of sizes) {
    const s = scenario(n);
    log(`${s.name}: per-resource…`);
    const perResource = await runMode(s, "per-resource", scale);
    log(`${s.name}: batched…`);
    const batched = await runMode(s, "batched", scale);
    report.scenarios.push({ scenario: s.name, actions: n, switches: s.switches, perResource, batched });
  }
  for (const n of planSizes) {
    log(`plan cost: ${n} ports…`);
    const runs = Array.from({ length: PLAN_COST_RUNS }, () => JSON.parse(execFileSync(process.execPath, [path.join(__dirname, "plan-cost.js"), String(n)], { encoding: "utf8" })) as PlanCost);
    report.planCost.push(medianCost(runs));
  }
  for (const n of programSizes) {
    for (const form of FORMS) {
      log(`program cost: ${form}, ${n} ports…`);
      report.programCost!.push(medianOf(await programCost(form, n, programRuns)));
    }
  }
  const tc = previewSizes.length ? toolchainOrReason() : undefined;
  if (typeof tc === "string") report.previewSkipped = tc;
  else if (tc) {
    for (const n of previewSizes) {
      for (const form of FORMS) {
        if (form === "per-port" && switchesFor(n) * PORTS_PER_SWITCH > PREVIEW_PER_PORT_MAX) {
          report.previewNotRun = [...(report.previewNotRun ?? []), `per-port at ${switchesFor(n) * PORTS_PER_SWITCH} ports (beyond ${PREVIEW_PER_PORT_MAX}: see the smaller sizes for its rate)`];
          continue;
        }
        log(`real pulumi preview: ${form}, ${n} ports…`);
        report.preview!.push(await realPreview(tc, form, n, PREVIEW_TIMEOUT_MS));
      }
    }
  }
  // `pulumi up` under the real engine (skipped, saying why, without `npm run pulumi:install`).
  const examples = (values.pulumi ?? (quick ? "branch-office" : "branch-office,campus")).split(",").filter(Boolean) as Array<"branch-office" | "campus">;
  const forms = (values["pulumi-forms"] ?? "bulk,per-port,per-resource").split(",").filter(Boolean) as Form[];
  const parallels = (values["pulumi-parallel"] ?? (quick ? "8" : "8,32,unbounded")).split(",").filter(Boolean).map((p): Parallel => (p === "unbounded" ? p : Number(p)));
  const pulumi = examples.length ? await pulumiBench(examples, forms, parallels, log) : undefined;
  process.stdout.write(values.json ? JSON.stringify({ ...report, pulumi }, null, 2) + "\n" : markdown(report) + (pulumi ? pulumiBenchMarkdown(pulumi) : ""));
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`bench failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
