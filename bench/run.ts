/** One scenario in one mode, against a fresh emulator with the real rate limit. */
import { CAMPUS_API_KEY, startEmulator } from "../emulator";
import { DashboardClient, Engine } from "../provider";
import { scaledClock } from "./clock";
import { applyPerResource } from "./per-resource";
import { Minimum, RequestBreakdown, breakdown, minimumRequests } from "./requests";
import { Scenario } from "./scenarios";

export const ORG = "2930418";
/** Emulated time an asynchronous batch takes to run. */
export const BATCH_LATENCY_MS = 1000;

export interface ModeResult {
  mode: "per-resource" | "batched";
  /** Every request in the emulator's log, 429s included. */
  requests: number;
  rateLimited: number;
  /** The requests by kind (429s counted where they were aimed). */
  kinds: RequestBreakdown;
  batches: number;
  /** Emulated seconds (real seconds × time scale). */
  seconds: number;
  failed: number;
  /** Batched only: the fewest requests possible (bench/README.md). */
  minimum?: Minimum;
}

export async function runMode(s: Scenario, mode: ModeResult["mode"], scale: number): Promise<ModeResult> {
  const switches = Math.max(10, s.switches);
  const emu = await startEmulator({ port: 0, seed: "campus", switches, rateLimit: 10, batchLatencyMs: BATCH_LATENCY_MS, timeScale: scale });
  const clock = scaledClock(scale);
  // No retry budget: both modes retry 429s for as long as it takes, so neither aborts halfway.
  const client = new DashboardClient({ apiKey: CAMPUS_API_KEY, baseUrl: emu.url, clock, retryBudget: Infinity, userAgent: `meraki-batch-bench-${mode}` });
  try {
    const started = clock.now();
    let failed = 0;
    let minimum: Minimum | undefined;
    if (mode === "batched") {
      const engine = new Engine(client, { organizationId: ORG, clock });
      const plan = await engine.plan(s.resources);
      const result = await engine.apply(plan);
      failed = result.resources.filter((r) => r.outcome.status !== "applied" && r.outcome.status !== "unchanged").length;
      // The campus seed's devices: its switches and the core MX.
      minimum = minimumRequests(s.resources, plan, switches + 1);
    } else {
      failed = (await applyPerResource(client, ORG, s.resources)).failed;
    }
    const seconds = (clock.now() - started) / 1000;
    const log = emu.log.all();
    return {
      mode,
      requests: log.length,
      rateLimited: log.filter((r) => r.status === 429).length,
      kinds: breakdown(log),
      batches: log.filter((r) => r.method === "POST" && /actionBatches$/.test(r.path) && r.status === 201).length,
      seconds,
      failed,
      minimum,
    };
  } finally {
    await client.close();
    await emu.close();
  }
}
