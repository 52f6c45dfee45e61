/** The benchmark's Markdown table. */
import { ModeResult } from "./run";
import { PlanCost } from "./plan-cost";

export interface ScenarioResult {
  scenario: string;
  actions: number;
  perResource: ModeResult;
  batched: ModeResult;
}

export interface BenchReport {
  date: string;
  machine: string;
  node: string;
  quick: boolean;
  timeScale: number;
  scenarios: ScenarioResult[];
  planCost: PlanCost[];
}

const ratio = (a: number, b: number) => (b === 0 ? "∞" : `${(a / b).toFixed(1)}×`);
const secs = (s: number) => (s < 1 ? s.toFixed(2) : s < 10 ? s.toFixed(1) : s.toFixed(0));

export function markdown(r: BenchReport): string {
  const out: string[] = [];
  out.push(`Measured ${r.date} on ${r.machine}, Node ${r.node}${r.quick ? `, quick mode (emulated time ${r.timeScale}× faster than real)` : ""}.`, "");
  out.push("Apply against the emulator with its real rate limit (10 requests/s per organization); times are emulated seconds.", "");
  out.push("| actions | mode | API requests | 429s | batches | time (s) | per-resource ÷ batched | batched ÷ minimum |");
  out.push("|---|---|---:|---:|---:|---:|---|---|");
  for (const s of r.scenarios) {
    const p = s.perResource;
    const b = s.batched;
    out.push(`| ${s.scenario} | per-resource | ${p.requests} | ${p.rateLimited} | – | ${secs(p.seconds)} | | |`);
    out.push(`| | batched | ${b.requests} | ${b.rateLimited} | ${b.batches} | ${secs(b.seconds)} | requests ${ratio(p.requests, b.requests)}, time ${ratio(p.seconds, b.seconds)} | ${b.requests} ÷ ${b.minimumRequests} = ${ratio(b.requests, b.minimumRequests ?? b.requests)} |`);
  }
  out.push("", "Plan cost alone (validate, diff and compile N port changes against live state in memory; process CPU time, median of three fresh processes):", "");
  out.push("| ports | CPU (ms) | CPU per 1,000 ports (ms) | peak RSS (MB) | batches |", "|---:|---:|---:|---:|---:|");
  for (const c of r.planCost) out.push(`| ${c.ports.toLocaleString("en")} | ${c.cpuMs} | ${(c.cpuMs / (c.ports / 1000)).toFixed(0)} | ${c.peakRssMb} | ${c.batches} |`);
  out.push("");
  return out.join("\n");
}
