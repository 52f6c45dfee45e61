/** One scenario in one mode, against a fresh emulator with the real rate limit. */
import { CAMPUS_API_KEY, startEmulator } from "../emulator";
import { DashboardClient, Engine, liveNeeds, validate } from "../provider";
import { scaledClock } from "./clock";
import { applyPerResource } from "./per-resource";
import { Scenario } from "./scenarios";

export const ORG = "2930418";
/** Emulated time an asynchronous batch takes to run. */
export const BATCH_LATENCY_MS = 1000;

export interface ModeResult {
  mode: "per-resource" | "batched";
  requests: number;
  rateLimited: number;
  batches: number;
  /** Emulated seconds (real seconds × time scale). */
  seconds: number;
  failed: number;
  /** Batched only: the fewest requests possible (one read per collection, a create and confirm per batch, a poll per asynchronous batch). */
  minimumRequests?: number;
}

export async function runMode(s: Scenario, mode: ModeResult["mode"], scale: number): Promise<ModeResult> {
  const emu = await startEmulator({ port: 0, seed: "campus", switches: Math.max(10, s.switches), rateLimit: 10, batchLatencyMs: BATCH_LATENCY_MS, timeScale: scale });
  const clock = scaledClock(scale);
  // No retry budget: both modes retry 429s for as long as it takes, so neither aborts halfway.
  const client = new DashboardClient({ apiKey: CAMPUS_API_KEY, baseUrl: emu.url, clock, retryBudget: Infinity, userAgent: `meraki-batch-bench-${mode}` });
  try {
    const started = clock.now();
    let failed = 0;
    let minimumRequests: number | undefined;
    if (mode === "batched") {
      const engine = new Engine(client, { organizationId: ORG, clock });
      const plan = await engine.plan(s.resources);
      const result = await engine.apply(plan);
      failed = result.resources.filter((r) => r.outcome.status === "failed" || r.outcome.status === "notApplied").length;
      const needs = liveNeeds(validate(s.resources).items);
      const reads = Number(needs.networks) + Number(needs.devices) + needs.vlanNetworks.size + needs.portSerials.size;
      minimumRequests = reads + 2 * plan.batches.length + plan.batches.filter((b) => !b.synchronous).length;
    } else {
      failed = (await applyPerResource(client, ORG, s.resources)).failed;
    }
    const seconds = (clock.now() - started) / 1000;
    const log = emu.log.all();
    return {
      mode,
      requests: log.length,
      rateLimited: log.filter((r) => r.status === 429).length,
      batches: log.filter((r) => r.method === "POST" && /actionBatches$/.test(r.path) && r.status === 201).length,
      seconds,
      failed,
      minimumRequests,
    };
  } finally {
    await client.close();
    await emu.close();
  }
}
