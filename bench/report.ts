/** The benchmark's Markdown report: the two modes side by side, requests by kind, plan cost, the targets. */
import { PlanCost } from "./plan-cost";
import { ProgramCost } from "./program-cost";
import { PreviewCost } from "./program-preview";
import { ModeResult } from "./run";

export interface ScenarioResult {
  scenario: string;
  actions: number;
  /** Switches the scenario's changes are on. */
  switches: number;
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
  /** Big programs end to end through the CLI (bench/program-cost.ts). */
  programCost?: ProgramCost[];
  /** The same programs through the real `pulumi preview` (bench/program-preview.ts). */
  preview?: PreviewCost[];
  /** Why the real previews were not run (no toolchain). */
  previewSkipped?: string;
  /** Real previews left out on purpose (the per-port form at the largest sizes). */
  previewNotRun?: string[];
}

/** The targets of issue #12, checked against a report. */
export const TARGETS = {
  480: { fewerRequests: 40, lessTime: 20 },
  2400: { fewerRequests: 60 },
  /** Plan reads for 50 switches whose managed fields are all in bySwitch's subset. */
  readsFor50Switches: 3,
  /** Batched requests against the minimum. */
  overMinimum: 1.2,
  planCost: { ports: 50_000, cpuMs: 2000, peakRssMb: 400 },
} as const;

/** Issue #22: `meraki-batch plan` of a program of about 50,000 ports, as a process. */
export const PROGRAM_TARGETS = {
  ports: 50_000,
  bulk: { wallMs: 5_000, peakRssMb: 600 },
  "per-port": { wallMs: 20_000, peakRssMb: 1_500 },
} as const;

const times = (a: number, b: number) => (b === 0 ? Infinity : a / b);
const ratio = (a: number, b: number) => (b === 0 ? "∞" : `${(a / b).toFixed(1)}×`);
const secs = (s: number) => (s < 1 ? s.toFixed(2) : s < 10 ? s.toFixed(1) : s.toFixed(0));
const n = (v: number) => v.toLocaleString("en");
const check = (ok: boolean) => (ok ? "met" : "**not met**");

export interface TargetCheck {
  target: string;
  measured: string;
  ok: boolean;
}

/** Each target that this report has the figures for. */
export function checkTargets(r: BenchReport): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const s of r.scenarios) {
    const p = s.perResource;
    const b = s.batched;
    const t = TARGETS[s.actions as 480 | 2400] as { fewerRequests: number; lessTime?: number } | undefined;
    if (t) {
      out.push({ target: `${n(s.actions)}: ≥ ${t.fewerRequests}× fewer requests`, measured: ratio(p.requests, b.requests), ok: times(p.requests, b.requests) >= t.fewerRequests });
      if (t.lessTime) out.push({ target: `${n(s.actions)}: ≥ ${t.lessTime}× less time`, measured: ratio(p.seconds, b.seconds), ok: times(p.seconds, b.seconds) >= t.lessTime });
    }
    if (s.switches === 50) {
      out.push({ target: `plan reads for 50 switches ≤ ${TARGETS.readsFor50Switches}`, measured: String(b.kinds.planReads), ok: b.kinds.planReads <= TARGETS.readsFor50Switches });
    }
    if (b.minimum && (s.actions === 480 || s.actions === 2400)) {
      out.push({ target: `${n(s.actions)}: batched ≤ ${TARGETS.overMinimum}× the minimum`, measured: `${b.requests} ÷ ${b.minimum.total} = ${ratio(b.requests, b.minimum.total)}`, ok: b.requests <= TARGETS.overMinimum * b.minimum.total });
    }
  }
  const cost = r.planCost.find((c) => c.ports === TARGETS.planCost.ports);
  if (cost) {
    out.push({ target: `plan of ${n(cost.ports)} ports < ${n(TARGETS.planCost.cpuMs)} ms CPU`, measured: `${n(cost.cpuMs)} ms`, ok: cost.cpuMs < TARGETS.planCost.cpuMs });
    out.push({ target: `plan of ${n(cost.ports)} ports < ${TARGETS.planCost.peakRssMb} MB RSS`, measured: `${cost.peakRssMb} MB peak`, ok: cost.peakRssMb < TARGETS.planCost.peakRssMb });
  }
  return out;
}

/** The program-cost targets that this report has the figures for. */
export function checkProgramTargets(r: BenchReport): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const c of r.programCost ?? []) {
    if (c.ports < PROGRAM_TARGETS.ports || c.ports >= PROGRAM_TARGETS.ports + 48) continue;
    const t = PROGRAM_TARGETS[c.form];
    out.push({ target: `${c.form} form, ${n(c.ports)} ports: plan < ${t.wallMs / 1000} s wall`, measured: `${secs(c.wallMs / 1000)} s`, ok: c.wallMs < t.wallMs });
    out.push({ target: `${c.form} form, ${n(c.ports)} ports: plan < ${n(t.peakRssMb)} MB`, measured: `${n(c.peakRssMb)} MB peak`, ok: c.peakRssMb < t.peakRssMb });
  }
  return out;
}

function programMarkdown(r: BenchReport): string[] {
  const out: string[] = [];
  if (r.programCost?.length) {
    out.push("", "Big programs end to end: `meraki-batch plan DIR` as a process against the campus seed with the rate limit, the type check's cache warm (bench/README.md); median of the runs:", "");
    out.push("| ports | form | Pulumi resources | wall (s) | CPU (s) | peak RSS (MB) | of which the program (s) | plan text (KB) | plan text (lines) |");
    out.push("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    for (const c of r.programCost) {
      out.push(`| ${n(c.ports)} | ${c.form} | ${n(c.resources)} | ${secs(c.wallMs / 1000)} | ${secs(c.cpuMs / 1000)} | ${n(c.peakRssMb)} | ${secs(c.programMs / 1000)} | ${n(Math.round(c.textBytes / 1024))} | ${n(c.textLines)} |`);
    }
    const targets = checkProgramTargets(r);
    if (targets.length) {
      out.push("", "Targets (issue #22):", "", "| target | measured | |", "|---|---|---|");
      for (const t of targets) out.push(`| ${t.target} | ${t.measured} | ${check(t.ok)} |`);
    }
  }
  if (r.preview?.length) {
    out.push("", "The same programs through the real `pulumi preview` (new stack; CPU and RSS of the whole process tree, sampled):", "");
    out.push("| ports | form | resources planned | wall (s) | CPU (s) | peak RSS (MB) | exit code |");
    out.push("|---:|---|---:|---:|---:|---:|---:|");
    for (const p of r.preview) {
      const opt = (v: number | undefined, f: (x: number) => string) => (v === undefined ? "–" : f(v));
      out.push(`| ${n(p.ports)} | ${p.form} | ${n(p.resources)} | ${secs(p.wallMs / 1000)} | ${opt(p.cpuMs, (v) => secs(v / 1000))} | ${opt(p.peakRssMb, n)} | ${p.exitCode ?? `none: ${p.error ?? "killed"}`} |`);
    }
    if (r.previewNotRun?.length) out.push("", `Not run: ${r.previewNotRun.join("; ")}.`);
  } else if (r.previewSkipped) out.push("", `The real \`pulumi preview\` was not run: ${r.previewSkipped}.`);
  return out;
}

export function markdown(r: BenchReport): string {
  const out: string[] = [];
  out.push(`Measured ${r.date} on ${r.machine}, Node ${r.node}${r.quick ? `, quick mode (emulated time ${r.timeScale}× faster than real)` : ""}.`, "");
  out.push("Apply against the emulator with its real rate limit (10 requests/s per organization); times are emulated seconds.", "");
  out.push("| actions | mode | API requests | 429s | batches | time (s) | per-resource ÷ batched | batched ÷ minimum |");
  out.push("|---|---|---:|---:|---:|---:|---|---|");
  for (const s of r.scenarios) {
    const p = s.perResource;
    const b = s.batched;
    const min = b.minimum ? `${b.requests} ÷ ${b.minimum.total} = ${ratio(b.requests, b.minimum.total)}` : "";
    out.push(`| ${s.scenario} | per-resource | ${p.requests} | ${p.rateLimited} | – | ${secs(p.seconds)} | | |`);
    out.push(`| | batched | ${b.requests} | ${b.rateLimited} | ${b.batches} | ${secs(b.seconds)} | requests ${ratio(p.requests, b.requests)}, time ${ratio(p.seconds, b.seconds)} | ${min} |`);
  }

  out.push("", "Requests by kind, from the emulator's request log (a 429 counts where it was aimed), and the minimum for the batched plan (bench/README.md):", "");
  out.push("| actions | run | plan reads | batch creates, confirms, deletes | batch polls and lists | reads after the first batch (verification) | writes outside batches | total |");
  out.push("|---|---|---:|---:|---:|---:|---:|---:|");
  for (const s of r.scenarios) {
    const row = (actions: string, run: string, k: ModeResult["kinds"], total: number) =>
      `| ${actions} | ${run} | ${k.planReads} | ${k.batchWrites} | ${k.batchReads} | ${k.verifyReads} | ${k.directWrites} | ${total} |`;
    out.push(row(n(s.actions), "per-resource", s.perResource.kinds, s.perResource.requests));
    out.push(row("", "batched", s.batched.kinds, s.batched.requests));
    const m = s.batched.minimum;
    if (m) out.push(`| | minimum | ${m.planReads} | ${m.batchWrites} | ${m.polls} | ${m.verifyReads} | 0 | ${m.total} |`);
  }

  out.push("", "Plan cost alone (validate, diff, compile and digest N port changes against live state in memory; median of three fresh processes):", "");
  out.push("| ports | CPU (ms) | of which validation | CPU per 1,000 ports (ms) | whole process CPU (ms) | peak RSS (MB) | RSS after planning (MB) | V8 heap (MB) | batches |");
  out.push("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const c of r.planCost) {
    out.push(`| ${n(c.ports)} | ${c.cpuMs} | ${c.validateCpuMs} | ${(c.cpuMs / (c.ports / 1000)).toFixed(0)} | ${c.processCpuMs} | ${c.peakRssMb} | ${c.rssMb} | ${c.heapUsedMb} | ${c.batches} |`);
  }

  const targets = checkTargets(r);
  if (targets.length) {
    out.push("", "Targets (issue #12):", "", "| target | measured | |", "|---|---|---|");
    for (const t of targets) out.push(`| ${t.target} | ${t.measured} | ${check(t.ok)} |`);
  }
  out.push(...programMarkdown(r));
  out.push("");
  return out.join("\n");
}
