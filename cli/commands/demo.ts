/**
 * The demo: against an emulator started in this process, on examples/branch-office: plan, apply
 * with progress, plan again (no changes), a change made out of band through the emulator's REST
 * API, a plan that shows exactly that drift, and an apply that puts it back.
 */
import { expandSwitchPorts } from "../../provider/resources/switch-ports";
import * as path from "path";
import { startEmulator, DEMO_API_KEY } from "../../emulator";
import { CAMPUS_API_KEY } from "../../emulator/seeds";
import { CONFIG_NAMESPACE } from "../../provider/dynamic/settings";
import { DashboardClient, Engine, Plan, ResourceSpec } from "../../provider";
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

  const programDir = (values.program as string | undefined) ?? DEFAULT_PROGRAM;
  const program = await loadProgram(programDir);
  // The emulator seed whose organization the program's stack names (issue #21.9: examples/campus needs the campus seed).
  const wanted = program.config[`${CONFIG_NAMESPACE}:organizationId`] ?? SEEDS[0].organizations[0];
  const seed = SEEDS.find((x) => x.organizations.includes(wanted));
  if (!seed) {
    throw new CliError(
      `the program's stack (${program.stackFile ?? "Pulumi.<stack>.yaml"}) names organization ${wanted}, which no seed of the demo's emulator has (${SEEDS.map((x) => `${x.seed}: ${x.organizations.join(", ")}`).join("; ")})`,
      "set meraki-batch:organizationId to one of those, or run your own emulator ('meraki-batch emulator --seed FILE') and use plan and apply",
      2,
    );
  }
  const emulator = await startEmulator({ port: 0, seed: seed.seed, rateLimit: 10, batchLatencyMs: 300 });
  const client = new DashboardClient({ apiKey: seed.key, baseUrl: emulator.url, userAgent: "meraki-batch-demo" });
  const engine = new Engine(client, { organizationId: wanted });
  try {
    say(c.bold("meraki-batch demo"));
    say(`Dashboard API emulator (${seed.seed} seed) listening on ${emulator.url}`);
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
    const outside = driftFor(program.resources);
    if (!outside) {
      say("The program names no switch port, so there is nothing to change by hand: the demo ends here.");
      return 0;
    }
    const res = await outOfBand(`${emulator.url}${outside.path}`, { method: "PUT", body: JSON.stringify(outside.body) }, seed.key);
    if (!res.ok) throw new CliError(`the emulator refused the out-of-band change: ${res.status}`);
    say(`PUT ${outside.path} ${JSON.stringify(outside.body)}  → ${res.status}`);

    step(5, "Plan: exactly that drift");
    const drift = await planAndShow();
    step(6, "Apply: put it back");
    await apply(drift);

    const listed = await outOfBand(`${emulator.url}/organizations/${wanted}/actionBatches`, { method: "GET" }, seed.key);
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
export async function outOfBand(url: string, init: { method: string; body?: string }, apiKey = DEMO_API_KEY): Promise<Response> {
  const headers = { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" };
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, { ...init, headers });
    if (res.status !== 429 || attempt === 5) return res;
    await res.arrayBuffer();
    const seconds = Number(res.headers.get("retry-after"));
    await new Promise((resolve) => setTimeout(resolve, (res.headers.has("retry-after") && Number.isFinite(seconds) && seconds >= 0 ? seconds : 1) * 1000));
  }
}

/** The emulator seeds the demo can start, by the organizations they hold. */
const SEEDS = [
  { seed: "demo" as const, organizations: ["1234567", "1234567890"], key: DEMO_API_KEY },
  { seed: "campus" as const, organizations: ["2930418"], key: CAMPUS_API_KEY },
];

/**
 * The change "someone in the Dashboard" makes: port 5 of AAAA-BBBB-CCCC moved to VLAN 30 for the
 * documentation's scenario; otherwise a port whose name the program declares, renamed.
 */
function driftFor(resources: ResourceSpec[]): { path: string; body: Record<string, unknown> } | undefined {
  // SwitchPorts declarations count port by port.
  const specs = resources.flatMap((r) => (r.kind === "switchPorts" ? expandSwitchPorts(r.name, r.props).specs : [r]));
  const ports = specs.filter((r) => r.kind === "switchPort").map((r) => r.props as { serial?: unknown; portId?: unknown; name?: unknown; vlan?: unknown });
  const doc = ports.find((p) => p.serial === "AAAA-BBBB-CCCC" && p.portId === "5" && typeof p.vlan === "number");
  if (doc) return { path: "/devices/AAAA-BBBB-CCCC/switch/ports/5", body: { vlan: 30, name: "Temporary guest desk" } };
  const named = ports.find((p) => typeof p.serial === "string" && typeof p.portId === "string" && typeof p.name === "string");
  return named ? { path: `/devices/${named.serial as string}/switch/ports/${named.portId as string}`, body: { name: "Temporary guest desk" } } : undefined;
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
