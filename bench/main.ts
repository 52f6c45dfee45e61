/**
 * npm run bench [-- --quick] [--json] [--scenarios 20,100] [--plan-sizes 1000,10000] [--pulumi-path 96,480]
 * Batched apply against the per-resource pattern, side by side against the same emulator, and
 * the plan's cost as it grows. Not part of the test suite.
 */
import { execFileSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { PlanCost } from "./plan-cost";
import { pulumiPath, pulumiPathMarkdown } from "./pulumi-path";
import { BenchReport, markdown } from "./report";
import { runMode } from "./run";
import { FULL, QUICK, scenario } from "./scenarios";

const QUICK_SCALE = 10;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: "boolean" }, json: { type: "boolean" }, scenarios: { type: "string" }, "plan-sizes": { type: "string" }, "pulumi-path": { type: "string" } },
  });
  const quick = values.quick === true;
  const scale = quick ? QUICK_SCALE : 1;
  const sizes = values.scenarios ? values.scenarios.split(",").map(Number) : quick ? QUICK : FULL;
  const planSizes = values["plan-sizes"] ? values["plan-sizes"].split(",").map(Number) : quick ? [1000, 10000] : [1000, 10000, 50000];
  const log = (s: string) => process.stderr.write(`${s}\n`);

  const report: BenchReport = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    quick,
    timeScale: scale,
    scenarios: [],
    planCost: [],
  };
  for (const n of sizes) {
    const s = scenario(n);
    log(`${s.name}: per-resource…`);
    const perResource = await runMode(s, "per-resource", scale);
    log(`${s.name}: batched…`);
    const batched = await runMode(s, "batched", scale);
    report.scenarios.push({ scenario: s.name, actions: n, perResource, batched });
  }
  for (const n of planSizes) {
    log(`plan cost: ${n} ports…`);
    // Three fresh processes; the median CPU time (CPU time counts V8's GC and compiler threads too, which vary).
    const runs = Array.from({ length: 3 }, () => JSON.parse(execFileSync(process.execPath, [path.join(__dirname, "plan-cost.js"), String(n)], { encoding: "utf8" })) as PlanCost);
    runs.sort((a, b) => a.cpuMs - b.cpuMs);
    report.planCost.push(runs[1]);
  }
  const pulumiRows = await pulumiPath((values["pulumi-path"] ?? (quick ? "96" : "96,480")).split(",").filter(Boolean).map(Number), log);
  process.stdout.write(values.json ? JSON.stringify({ ...report, pulumiPath: pulumiRows }, null, 2) + "\n" : markdown(report) + (pulumiRows.length ? "\n" + pulumiPathMarkdown(pulumiRows) : ""));
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).message}\n`);
  process.exit(1);
});
