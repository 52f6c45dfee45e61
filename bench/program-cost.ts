/**
 * A big program's cost end to end, as a user feels it: `meraki-batch plan DIR` run as a process
 * (the program run under Pulumi's mock runtime, the reads, the plan, the printed text) against the
 * emulator's campus seed with the Dashboard's rate limit. Measured per process: wall time from
 * spawn to exit, CPU time (user + system, every thread) and peak RSS (reported by the process
 * itself at exit, bench/rusage.ts), the plan text's size, and the program's own share (the CLI's
 * `program:` debug line). The type check's cache is warmed first (the program's source is the same
 * at every size), so the figures are those of a repeat plan; a first plan adds the check once.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CAMPUS_API_KEY, startEmulator } from "../emulator";
import { CAMPUS_ORG, ProgramForm, switchesFor, writeProgram, writeStack } from "./programs";

export interface ProgramCost {
  form: ProgramForm;
  ports: number;
  /** Pulumi resources the program declares (VLANs included). */
  resources: number;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  /** Running the program under the mock runtime and collecting its resources (the CLI's debug line). */
  programMs: number;
  /** The printed plan. */
  textBytes: number;
  textLines: number;
}

/** The built files, from dist/bench/ or (under ts-jest) from bench/. */
const DIST = __dirname.split(path.sep).includes("dist") ? path.resolve(__dirname, "..") : path.resolve(__dirname, "..", "dist");
const CLI = path.join(DIST, "cli", "main.js");
const RUSAGE = path.join(DIST, "bench", "rusage.js");

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
}

/** `meraki-batch ARGS` as a process, with its own CPU time and peak RSS. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const usageFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-rusage-")), "usage.json");
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, ["--require", RUSAGE, CLI, ...args], { env: { ...env, MERAKI_BATCH_BENCH_RUSAGE: usageFile }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      let usage = { cpuMs: NaN, peakRssMb: NaN };
      try {
        usage = JSON.parse(fs.readFileSync(usageFile, "utf8"));
      } catch {
        // killed before its exit handler ran: the figures stay unknown
      }
      fs.rmSync(path.dirname(usageFile), { recursive: true, force: true });
      resolve({ code, stdout, stderr, wallMs: Math.round(wallMs), ...usage });
    });
  });
}

/** The CLI's environment: the campus key, nothing of the caller's connection or Pulumi settings, debug lines on. */
function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (/^(MERAKI_DASHBOARD_|MERAKI_ORGANIZATION_ID$|PULUMI_)/.test(k)) delete env[k];
  return { ...env, MERAKI_DASHBOARD_API_KEY: CAMPUS_API_KEY, MERAKI_BATCH_DEBUG: "1" };
}

/**
 * `runs` fresh `meraki-batch plan` processes of the program in `form` with at least `ports` ports
 * (whole 48-port switches), against one emulator with the Dashboard's rate limit.
 */
export async function programCost(form: ProgramForm, ports: number, runs: number): Promise<ProgramCost[]> {
  const switches = switchesFor(ports);
  const emu = await startEmulator({ port: 0, seed: "campus", switches, rateLimit: 10 });
  const config = (n: number) => ({ "meraki-batch:baseUrl": emu.url, "meraki-batch:organizationId": CAMPUS_ORG, "bench:switches": String(n) });
  const dir = writeProgram(form, config(1));
  const env = cliEnv();
  try {
    // Warms the type check's cache (the same source at every size), on a one-switch stack.
    const warm = await runCli(["plan", dir], env);
    if (warm.code !== 0) throw new Error(`meraki-batch plan (${form}, warm-up) exited ${warm.code}: ${warm.stderr.slice(-2000)}`);
    writeStack(dir, config(switches));
    const out: ProgramCost[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await runCli(["plan", dir], env);
      if (r.code !== 0) throw new Error(`meraki-batch plan (${form}, ${ports} ports) exited ${r.code}: ${r.stderr.slice(-2000)}`);
      if (!/type check: passed before/.test(r.stderr)) throw new Error(`the type check's cache was not used:\n${r.stderr.slice(0, 2000)}`);
      const program = /^debug: program: (\d+) resources? in (\d+) ms/m.exec(r.stderr);
      if (!program) throw new Error(`no 'program:' debug line in the CLI's output:\n${r.stderr.slice(0, 2000)}`);
      out.push({
        form,
        ports: switches * 48,
        resources: Number(program[1]),
        wallMs: r.wallMs,
        cpuMs: r.cpuMs,
        peakRssMb: r.peakRssMb,
        programMs: Number(program[2]),
        textBytes: Buffer.byteLength(r.stdout),
        textLines: r.stdout.split("\n").length - 1,
      });
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await emu.close();
  }
}
