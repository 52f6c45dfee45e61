/**
 * The `pulumi up` path: N new SwitchPort resources at --parallel 8, through the real
 * dynamic-provider plugin with the SDK's provider texts, against the emulator with its real rate
 * limit, lookahead off ("before") and on ("after"). The engine is modelled by the test harness
 * (tests/helpers/engine-loop.ts, which names its sources), with both hand-offs: "engine", today's
 * engine, which makes no Check while all workers are busy; "queued", issue #15's model, where
 * Checks go on. Times are real seconds.
 */
import * as fs from "fs";
import * as path from "path";
import { CAMPUS_API_KEY, startEmulator } from "../emulator";
import { ProviderCalls, secret, sdkProviderTexts, startDynamicProvider } from "../tests/helpers/dynamic-provider";
import { Handoff } from "../tests/helpers/engine-loop";
import { ModelResource, up } from "../tests/helpers/engine-model";
import { BATCH_LATENCY_MS, ORG } from "./run";
import { serial } from "./scenarios";

/** The package's directory: the plugin's cwd must resolve require("meraki-batch/…"), as a program directory does. */
const ROOT = path.dirname(require.resolve("meraki-batch/package.json"));

export interface PulumiPathResult {
  ports: number;
  parallel: number;
  handoff: Handoff;
  lookahead: boolean;
  batches: number;
  requests: number;
  rateLimited: number;
  seconds: number;
  failed: number;
  /** The first failure, if any. */
  error?: string;
}

function program(n: number): ModelResource[] {
  return Array.from({ length: n }, (_, k) => ({
    name: `p-${k + 1}`,
    type: "SwitchPort" as const,
    inputs: { serial: serial(Math.floor(k / 48) + 1), portId: String((k % 48) + 1), name: `Desk ${k + 1}`, vlan: 100 + (k % 4) },
  }));
}

/** `config`: further provider settings (the bench uses the defaults; its smoke test widens the windows for a loaded machine). */
export async function runPulumiPath(ports: number, handoff: Handoff, lookahead: boolean, parallel = 8, config: Record<string, string> = {}): Promise<PulumiPathResult> {
  const emu = await startEmulator({ port: 0, seed: "campus", switches: Math.max(10, Math.ceil(ports / 48)), rateLimit: 10, batchLatencyMs: BATCH_LATENCY_MS });
  fs.mkdirSync(path.join(ROOT, "tmp"), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, "tmp", "bench-pulumi-"));
  const proc = await startDynamicProvider({ cwd: dir });
  try {
    const p = new ProviderCalls(proc, await sdkProviderTexts());
    await p.configure({
      "meraki-batch:apiKey": secret(CAMPUS_API_KEY),
      "meraki-batch:baseUrl": emu.url,
      "meraki-batch:organizationId": ORG,
      "meraki-batch:lookahead": String(lookahead),
      ...config,
    });
    const started = Date.now();
    const r = await up(p, program(ports), {}, { parallel, handoff });
    const seconds = (Date.now() - started) / 1000;
    const log = emu.log.all();
    return {
      ports,
      parallel,
      handoff,
      lookahead,
      batches: log.filter((q) => q.method === "POST" && /actionBatches$/.test(q.path) && q.status === 201).length,
      requests: log.length,
      rateLimited: log.filter((q) => q.status === 429).length,
      seconds,
      failed: Object.keys(r.failures).length,
      ...(r.error ? { error: r.error } : {}),
    };
  } finally {
    await proc.stop();
    await emu.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every combination for each size: hand-off × lookahead off/on. */
export async function pulumiPath(sizes: number[], log: (s: string) => void): Promise<PulumiPathResult[]> {
  const out: PulumiPathResult[] = [];
  for (const n of sizes) {
    for (const handoff of ["engine", "queued"] as const) {
      for (const lookahead of [false, true]) {
        log(`pulumi up path: ${n} ports, ${handoff} hand-off, lookahead ${lookahead ? "on" : "off"}…`);
        out.push(await runPulumiPath(n, handoff, lookahead));
      }
    }
  }
  return out;
}

export function pulumiPathMarkdown(rows: PulumiPathResult[]): string {
  const out: string[] = [];
  out.push(
    "`pulumi up` path: new SwitchPort resources at --parallel 8 through the dynamic-provider plugin, the engine modelled by the test harness; real seconds.",
    "\"engine\": today's engine, which makes no further Check while all workers are busy; \"queued\": Checks go on while they are (issue #15's model).",
    "",
  );
  out.push("| ports | hand-off | lookahead | batches | API requests | 429s | time (s) | failed |", "|---:|---|---|---:|---:|---:|---:|---:|");
  for (const r of rows) out.push(`| ${r.ports} | ${r.handoff} | ${r.lookahead ? "on" : "off"} | ${r.batches} | ${r.requests} | ${r.rateLimited} | ${r.seconds.toFixed(1)} | ${r.failed} |`);
  out.push("");
  return out.join("\n");
}
