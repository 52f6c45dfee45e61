/**
 * `pulumi up` under the real Pulumi engine (built by `npm run pulumi:install`), run as a user runs
 * it from a project directory, against the emulator with the Dashboard's real rate limit and batch
 * latency. One fresh emulator per run; what is measured comes from the emulator (batches, requests,
 * 429s) and the wall clock around the `pulumi up` process (its preview included, as a user waits
 * for it).
 */
import * as path from "path";
import { CAMPUS_API_KEY, DEMO_API_KEY, startEmulator } from "../emulator";
import { PulumiProject } from "../tools/pulumi/project";
import { findToolchain, Toolchain } from "../tools/pulumi/toolchain";
import { BATCH_LATENCY_MS } from "./run";

export interface RealUpCase {
  /** e.g. "branch-office, bulk" */
  label: string;
  program: string;
  seed: "demo" | "campus";
  organizationId: string;
  /** --parallel: a number, or "unbounded" (2147483647, the engine's infinite parallelism). */
  parallel: number | "unbounded";
  /** Further stack config. */
  config?: Record<string, string>;
  /** Replaces the project's index.ts (a per-resource or bulk form of the same program). */
  source?: string;
}

export interface RealUpResult {
  label: string;
  parallel: number | "unbounded";
  resources: number;
  actions: number;
  batches: number;
  requests: number;
  writesOutsideBatches: number;
  rateLimited: number;
  seconds: number;
  exitCode: number | null;
  error?: string;
}

export function toolchainOrReason(): Toolchain | string {
  const tc = findToolchain();
  return "missing" in tc ? tc.missing : tc;
}

export async function realUp(tc: Toolchain, c: RealUpCase): Promise<RealUpResult> {
  const emu = await startEmulator({ port: 0, seed: c.seed, rateLimit: 10, batchLatencyMs: BATCH_LATENCY_MS });
  const project = await PulumiProject.create(tc, {
    program: c.program,
    config: { "meraki-batch:baseUrl": emu.url, "meraki-batch:organizationId": c.organizationId, ...(c.config ?? {}) },
    // The base URL also in the environment, for the bench's per-resource provider (stack config comes first for meraki-batch).
    env: { MERAKI_DASHBOARD_API_KEY: c.seed === "campus" ? CAMPUS_API_KEY : DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: emu.url },
  });
  try {
    if (c.source) project.writeProgram(c.source);
    const t0 = Date.now();
    const parallel = c.parallel === "unbounded" ? "2147483647" : String(c.parallel);
    const r = await project.run(["up", "--yes", "--parallel", parallel], { timeoutMs: 1_800_000 });
    const seconds = (Date.now() - t0) / 1000;
    const log = emu.log.all();
    const batches = emu.batches.list(c.organizationId, null);
    const steps = r.events.filter((e) => e.resOutputsEvent?.metadata?.type?.startsWith("pulumi-nodejs:dynamic/"));
    return {
      label: c.label,
      parallel: c.parallel,
      resources: steps.length,
      actions: batches.filter((b) => b.confirmed).reduce((n, b) => n + b.actions.length, 0),
      batches: batches.filter((b) => b.confirmed).length,
      requests: log.length,
      writesOutsideBatches: log.filter((x) => x.method !== "GET" && !/actionBatches/.test(x.path)).length,
      rateLimited: log.filter((x) => x.status === 429).length,
      seconds,
      exitCode: r.code,
      error: r.code === 0 ? undefined : `${r.stdout.slice(-1500)}${r.stderr.slice(-500)}`,
    };
  } finally {
    await project.dispose();
    await emu.close();
  }
}

/** The examples, from bench/ or dist/bench/. */
export const EXAMPLES = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? "../.." : "..", "examples");
