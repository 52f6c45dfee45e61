/**
 * The demo: against an emulator started in this process, on examples/branch-office: plan, apply
 * with progress, plan again (no changes), a change made out of band through the emulator's REST
 * API, a plan that shows exactly that drift, and an apply that puts it back.
 */
import * as path from "path";
import { startEmulator, DEMO_API_KEY } from "../../emulator";
import { DashboardClient, Engine, Plan } from "../../provider";
import { parse } from "../args";
import { CliError } from "../errors";
import { formatPlan } from "../format";
import { formatOutcome } from "../outcome";
import { Io, colours, processIo } from "../io";
import { loadProgram } from "../program";
import { progress } from "../progress";

export const help = `Usage: meraki-batch demo [--program DIR]

Runs the whole flow against an emulator started in this process, with nothing to set up:
plan → apply → plan again (no changes) → someone changes a port in the "Dashboard" →
plan (shows exactly that drift) → apply (puts it back).

Options:
  --program DIR            the Pulumi program to use (default: examples/branch-office)
  -h, --help               show this help
`;

const DEFAULT_PROGRAM = path.resolve(__dirname, "..", "..", "..", "examples", "branch-office");

export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const { values, positionals } = parse("demo", argv, { program: { type: "string" } });
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  if (positionals.length) throw new CliError(`unexpected argument '${positionals[0]}'`, "run 'meraki-batch demo --help'", 2);
  const c = colours(io);
  const say = (s = "") => io.stdout.write(`${s}\n`);
  const step = (n: number, title: string) => say(`\n${c.bold(c.cyan(`── ${n}. ${title} `.padEnd(78, "─")))}`);
  const started = Date.now();

  const emulator = await startEmulator({ port: 0, seed: "demo", rateLimit: 10, batchLatencyMs: 300 });
  const client = new DashboardClient({ apiKey: DEMO_API_KEY, baseUrl: emulator.url, userAgent: "meraki-batch-demo" });
  const engine = new Engine(client, { organizationId: "1234567" });
  try {
    say(c.bold("meraki-batch demo"));
    say(`Dashboard API emulator (demo seed) listening on ${emulator.url}`);
    const programDir = (values.program as string | undefined) ?? DEFAULT_PROGRAM;
    const program = await loadProgram(programDir);
    say(`Program ${path.relative(process.cwd(), program.dir) || "."}: ${program.resources.length} resources (${count(program.resources.map((r) => r.kind))})`);

    const planAndShow = async () => {
      const plan = await engine.plan(program.resources);
      io.stdout.write(formatPlan(plan, c, { actions: "summary", maxResources: 12 }));
      return plan;
    };
    const apply = async (plan: Plan) => {
      const bar = progress(plan, io);
      const result = await engine.apply(plan, { onEvent: (e) => bar.onEvent(e) });
      bar.done();
      io.stdout.write(formatSummary(result, c));
      if (!result.ok) {
        io.stdout.write(formatOutcome(result, c));
        throw new CliError("the demo's apply failed");
      }
    };

    step(1, "Plan: what the program wants, against the live network");
    const first = await planAndShow();
    step(2, "Apply: every change through atomic action batches");
    await apply(first);
    step(3, "Plan again: nothing left to do");
    await planAndShow();

    step(4, "Someone changes the network in the Dashboard (out of band)");
    const serial = "AAAA-BBBB-CCCC";
    const res = await outOfBand(`${emulator.url}/devices/${serial}/switch/ports/5`, { method: "PUT", body: JSON.stringify({ vlan: 30, name: "Temporary guest desk" }) });
    if (!res.ok) throw new CliError(`the emulator refused the out-of-band change: ${res.status}`);
    say(`PUT /devices/${serial}/switch/ports/5 {"vlan":30,"name":"Temporary guest desk"}  → ${res.status}`);

    step(5, "Plan: exactly that drift");
    const drift = await planAndShow();
    step(6, "Apply: put it back");
    await apply(drift);

    const listed = await outOfBand(`${emulator.url}/organizations/1234567/actionBatches`, { method: "GET" });
    if (!listed.ok) throw new CliError(`the emulator refused to list the action batches: ${listed.status}`);
    const batches = (await listed.json()) as unknown[];
    say(`\n${c.bold("Done")} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${client.stats.requests} API requests, ${batches.length} action batches, ${client.stats.rateLimited} answered 429 and retried.`);
    return 0;
  } finally {
    await client.close();
    await emulator.close();
  }
}

/**
 * A request from outside the engine (someone in the Dashboard, the demo's own look at the batches):
 * it shares the organization's rate limit with the engine's requests, so a 429 is waited out as the
 * API asks (Retry-After), a few times.
 */
export async function outOfBand(url: string, init: { method: string; body?: string }): Promise<Response> {
  const headers = { Authorization: `Bearer ${DEMO_API_KEY}`, "Content-Type": "application/json" };
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, { ...init, headers });
    if (res.status !== 429 || attempt === 5) return res;
    await res.arrayBuffer();
    const seconds = Number(res.headers.get("retry-after"));
    await new Promise((resolve) => setTimeout(resolve, (res.headers.has("retry-after") && Number.isFinite(seconds) && seconds >= 0 ? seconds : 1) * 1000));
  }
}

function count(kinds: string[]): string {
  const m = new Map<string, number>();
  for (const k of kinds) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m.entries()].map(([k, n]) => `${n} ${k}`).join(", ");
}

function formatSummary(result: Awaited<ReturnType<Engine["apply"]>>, c: ReturnType<typeof colours>): string {
  const applied = result.resources.filter((r) => r.outcome.status === "applied").length;
  return c.green(`Applied ${applied} resource${applied === 1 ? "" : "s"} in ${result.batches.length} batch${result.batches.length === 1 ? "" : "es"} (${result.batches.map((b) => b.id).join(", ")}).\n`);
}
