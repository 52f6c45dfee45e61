/**
 * `pulumi up` under the real engine, side by side: examples/branch-office and examples/campus in
 * three forms (bench/pulumi-forms.ts) at --parallel 8 (the default on a 2-core machine), 32 and
 * unbounded, each on a fresh emulator with the Dashboard's rate limit and batch latency.
 */
import * as path from "path";
import { EXAMPLES, RealUpResult, realUp, toolchainOrReason } from "./pulumi-real";
import { Form, expandedResources, perPortSource, perResourceSource } from "./pulumi-forms";

export interface PulumiBenchRow extends RealUpResult {
  example: string;
  form: Form;
}

export interface PulumiBench {
  engine: string;
  rows: PulumiBenchRow[];
  skipped?: string;
}

const EXAMPLE_WORLDS = {
  "branch-office": { seed: "demo", organizationId: "1234567" },
  campus: { seed: "campus", organizationId: "2930418" },
} as const;

export type Parallel = number | "unbounded";

export async function pulumiBench(examples: Array<keyof typeof EXAMPLE_WORLDS>, forms: Form[], parallels: Parallel[], log: (s: string) => void): Promise<PulumiBench> {
  const tc = toolchainOrReason();
  if (typeof tc === "string") return { engine: "", rows: [], skipped: tc };
  const rows: PulumiBenchRow[] = [];
  for (const example of examples) {
    const program = path.join(EXAMPLES, example);
    const decls = await expandedResources(program);
    const sources: Record<Form, string | undefined> = { bulk: undefined, "per-port": perPortSource(decls), "per-resource": perResourceSource(decls) };
    for (const form of forms) {
      for (const parallel of parallels) {
        log(`pulumi up: ${example}, ${form}, --parallel ${parallel}…`);
        const world = EXAMPLE_WORLDS[example];
        const r = await realUp(tc, {
          label: `${example} ${form}`,
          program,
          seed: world.seed,
          organizationId: world.organizationId,
          parallel,
          source: sources[form],
        });
        if (r.exitCode !== 0) log(`  failed: ${r.error}`);
        rows.push({ ...r, example, form });
      }
    }
  }
  return { engine: `pulumi v${tc.version}`, rows };
}

const secs = (s: number) => (s < 10 ? s.toFixed(1) : s.toFixed(0));

export function pulumiBenchMarkdown(b: PulumiBench): string {
  if (b.skipped) return `\n\`pulumi up\` under the real engine: skipped (${b.skipped}).\n`;
  const lines = [
    "",
    `\`pulumi up\` under the real engine (${b.engine}, built by \`npm run pulumi:install\`), each run on a fresh emulator with the rate limit (10 requests/s) and 1 s asynchronous batches; wall time of the \`pulumi up\` process, its preview included:`,
    "",
    "| example | form | Pulumi resources | --parallel | batches | API requests | 429s | writes outside batches | time (s) |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of b.rows) {
    const failed = r.exitCode === 0 ? "" : " (failed)";
    lines.push(`| ${r.example} | ${r.form}${failed} | ${r.resources} | ${r.parallel} | ${r.form === "per-resource" ? "–" : r.batches} | ${r.requests} | ${r.rateLimited} | ${r.writesOutsideBatches} | ${secs(r.seconds)} |`);
  }
  return lines.join("\n") + "\n";
}
