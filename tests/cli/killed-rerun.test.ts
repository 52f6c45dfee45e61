/**
 * Issue #21.4: `apply` killed right after its first confirmation, then run again at once. The
 * re-run plans while that batch is still running and claims its resources once it has completed
 * (the emulator's clock is frozen: the test decides when the batch runs, and holds the re-run's
 * first look at the pending batches until then). The batch did this plan's own changes:
 * - unbound (a program applied directly), the re-run says whose change it was, plans again
 *   (printed) and goes on: exit 0, every change live, nothing applied twice;
 * - bound (apply --plan), it stays a stale refusal that names the batch.
 * Either way the output stays proportional to the change (the issue saw 6 MB).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CAMPUS_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { ROOT, cli } from "../helpers/cli";
import { Proc, spawnCli } from "../helpers/processes";
import { Proxy, Verdict, faultyProxy } from "../helpers/proxy";

const CAMPUS = path.join(ROOT, "examples", "campus");
const ORG = "2930418";

let t: TestEmulator;
let proxy: Proxy | undefined;
let ticking: NodeJS.Timeout | undefined;
afterEach(async () => {
  if (ticking) clearInterval(ticking);
  ticking = undefined;
  await proxy?.close();
  proxy = undefined;
  await t?.close();
});

const batches = async () => (await t.api.withKey(CAMPUS_API_KEY).get(`/organizations/${ORG}/actionBatches`)).body as Array<{ id: string; confirmed: boolean; status: { completed: boolean; failed: boolean }; actions: unknown[] }>;
/** The emulator's time moves only when asked: batches confirmed meanwhile run then. */
const advance = (s: number) => t.control.advance(s);

async function killAfterFirstConfirm(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const killed: Proc = spawnCli(args, { env });
  const [, id] = (await killed.waitFor(/batch #1 \((\d+)\): confirmed\n/, 60_000)) as RegExpExecArray;
  killed.child.kill("SIGKILL");
  await killed.exited;
  return id;
}

test("unbound: the re-run finds the killed run's batch did part of its plan, plans again and converges (exit 0)", async () => {
  t = await testEmulator({ seed: "campus", frozenClock: true, rateLimit: 0, batchLatencyMs: 5000 });
  // Both runs go through the proxy (one base URL, as for a user); it holds the re-run's first look at
  // the pending batches (made after its plan) until batch #1 has run.
  let rerunning = false;
  let held = false;
  proxy = await faultyProxy(t.emu.url, async ({ method, path: p, query }): Promise<Verdict> => {
    if (rerunning && !held && method === "GET" && p.endsWith("/actionBatches") && /status=pending/.test(query)) {
      held = true;
      await advance(10);
      // From here on the clock moves, so the re-run's own batches run.
      ticking = setInterval(() => void advance(10).catch(() => undefined), 100);
    }
    return "forward";
  });
  const env = { MERAKI_DASHBOARD_API_KEY: CAMPUS_API_KEY, MERAKI_ORGANIZATION_ID: undefined };
  const args = ["apply", CAMPUS, "--yes", "--max-in-flight", "1", "--base-url", proxy.url];
  const id = await killAfterFirstConfirm(args, env);
  expect((await batches()).find((b) => b.id === id)?.confirmed).toBe(true);
  rerunning = true;
  const rerun = await cli(args, { env });
  expect(held).toBe(true);
  expect(rerun.stdout).toContain(`planning again: batch ${id} (completed; made by a meraki-batch run on this machine that has ended) made 99 changes of this plan since it was made`);
  expect(rerun.stdout).toContain("; planned again. The new plan:");
  expect(rerun.stdout).toMatch(/\nApplied: 384 applied, 0 failed, 0 not applied, 99 unchanged; 4 of 4 batches completed; read back: every applied field is live\.\n$/);
  expect(rerun.code).toBe(0);
  // Bounded: the plan twice (a few lines per group of ports) and the outcome, never the changes squared.
  expect(rerun.stdout.length + rerun.stderr.length).toBeLessThan(60_000);

  // Nothing applied twice: batch #1's actions are in no other completed batch, and the network has converged.
  const all = await batches();
  const first = all.find((b) => b.id === id)!;
  const again = all.filter((b) => b.id !== id && b.status.completed).flatMap((b) => b.actions.map((a) => JSON.stringify(a)));
  expect(first.actions.map((a) => JSON.stringify(a)).filter((a) => again.includes(a))).toEqual([]);
  expect(all.filter((b) => !b.confirmed)).toEqual([]);
  expect((await cli(["plan", CAMPUS, "--detailed-exitcode", "--base-url", t.emu.url], { env })).code).toBe(0);
}, 120_000);

test("bound (apply --plan): the same moves are a stale refusal naming the killed run's batch; bounded output", async () => {
  t = await testEmulator({ seed: "campus", frozenClock: true, rateLimit: 0, batchLatencyMs: 5000 });
  const env = { MERAKI_DASHBOARD_API_KEY: CAMPUS_API_KEY, MERAKI_ORGANIZATION_ID: undefined };
  const planFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-killed-plan-")), "plan.json");
  expect((await cli(["plan", CAMPUS, "--out", planFile, "--base-url", t.emu.url], { env })).code).toBe(0);
  const id = await killAfterFirstConfirm(["apply", "--plan", planFile, "--yes", "--max-in-flight", "1"], env);
  await advance(10);
  const rerun = await cli(["apply", "--plan", planFile, "--yes", "--max-in-flight", "1"], { env });
  expect(rerun.code).toBe(1);
  expect(rerun.stderr).toMatch(/^error: the live network changed since the plan was made:\n/);
  expect(rerun.stderr).toContain("… and 80 more resources (--json lists every one)");
  expect(rerun.stderr).toContain(`batch ${id} (completed; made by a meraki-batch run on this machine that has ended) made 99 of these changes`);
  expect(rerun.stderr.split("\n").length).toBeLessThan(30);
  // Nothing was confirmed by the re-run.
  expect((await batches()).filter((b) => b.confirmed).map((b) => b.id)).toEqual([id]);
}, 120_000);
