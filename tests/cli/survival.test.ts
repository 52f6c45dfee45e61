/**
 * `apply` when interrupted, contended or cut off from the API (issue #10), driven as a user would:
 * signals to the real process, a separate emulator process killed and restarted on its state file.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { FileLedger, defaultStateDir } from "../../provider";
import { TestEmulator, testEmulator } from "../helpers/api";
import { cli, PROGRAMS } from "../helpers/cli";
import { emulatorProcess, spawnCli } from "../helpers/processes";

const small = path.join(PROGRAMS, "small");
const SMALL_BATCHES = ["--sync", "never", "--max-batch-size", "2", "--max-in-flight", "1"];

describe("against an emulator in this process", () => {
  let t: TestEmulator;
  let env: NodeJS.ProcessEnv;
  afterEach(() => t.close());
  const setup = async (batchLatencyMs: number) => {
    t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs });
    env = { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: t.emu.url, MERAKI_ORGANIZATION_ID: undefined };
  };
  const batches = async () => (await t.api.get("/organizations/1234567/actionBatches")).body as any[];

  test("Ctrl-C while batches run: no more are confirmed, the run's drafts are deleted, the confirmed one is waited for, the report printed, exit 130", async () => {
    await setup(1500);
    const p = spawnCli(["apply", small, "--yes", ...SMALL_BATCHES], { env });
    await p.waitFor(/batch #1 \(\d+\): confirmed\n/);
    p.child.kill("SIGINT");
    expect(await p.exited).toBe(130);
    expect(p.out()).toContain("Interrupted: confirming no more batches, deleting this run's drafts, waiting for the confirmed ones (Ctrl-C again to exit now).");
    expect(p.out()).toMatch(/deleted \d unconfirmed drafts? of this run/);
    expect(p.out()).toMatch(/\nInterrupted: \d+ applied, 0 failed, \d+ not applied, 0 unchanged; 1 of \d batches completed/);
    expect(p.out()).toContain("not applied: the run was interrupted before batch #2");
    const all = await batches();
    expect(all.filter((b) => !b.confirmed)).toEqual([]);
    expect(all.filter((b) => b.confirmed)).toHaveLength(1);
  });

  test("killed (SIGKILL) right after confirming, then run again at once: the re-run waits for that batch, confirms nothing, exits 0", async () => {
    await setup(2500);
    const killed = spawnCli(["apply", small, "--yes", "--sync", "never"], { env });
    const [, id] = (await killed.waitFor(/batch #1 \((\d+)\): confirmed\n/)) as RegExpExecArray;
    killed.child.kill("SIGKILL");
    await killed.exited;
    const rerun = await cli(["apply", small, "--yes", "--sync", "never"], { env });
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain(`waiting for 1 batch (${id}): they carry actions of this plan`);
    expect(rerun.stdout).toContain(`Waited for 1 batch (${id}) that already carried this plan's actions, then planned again.`);
    const all = await batches();
    expect(all.map((b) => [b.id, b.confirmed, b.status.completed])).toEqual([[id, true, true]]);
    expect((await cli(["plan", small, "--detailed-exitcode"], { env })).code).toBe(0);
  });

  test("a second Ctrl-C exits at once, naming the batches still running", async () => {
    await setup(60_000);
    const p = spawnCli(["apply", small, "--yes", ...SMALL_BATCHES], { env });
    const [, id] = (await p.waitFor(/batch #1 \((\d+)\): confirmed\n/)) as RegExpExecArray;
    p.child.kill("SIGINT");
    await p.waitFor(/Interrupted: confirming no more batches/);
    await p.waitFor(/waiting \d+ s for 1 confirmed batch to finish/);
    p.child.kill("SIGINT");
    expect(await p.exited).toBe(130);
    expect(p.out()).toContain(`Exiting now. Batches still running: ${id}; see 'meraki-batch batches list --status pending'.`);
  });

  test("another run's batch holds the plan's resources: nothing is confirmed, it is named, exit 4", async () => {
    await setup(60_000);
    const other = await t.api.post("/organizations/1234567/actionBatches", { confirmed: true, actions: [{ resource: "/devices/AAAA-BBBB-CCCC/switch/ports/1", operation: "update", body: { vlan: 42 } }] });
    expect(other.status).toBe(201);
    const r = await cli(["apply", small, "--yes"], { env });
    expect(r.code).toBe(4);
    expect(r.stdout).toContain("Nothing was confirmed: other batches hold resources of this plan:");
    expect(r.stdout).toContain(`  running batch ${other.body.id} (1 action; not made by meraki-batch on this machine: another machine, the Dashboard or another tool; touches port 1 of switch AAAA-BBBB-CCCC)`);
    expect(r.stdout).toMatch(/\nNot applied: 0 applied, 0 failed, 6 not applied, 0 unchanged; 0 of 1 batch completed\.\n$/);
    const all = await batches();
    expect(all.map((b) => b.id)).toEqual([other.body.id]);
  });

  test("batches prune deletes the drafts meraki-batch made and no run needs, and keeps the others", async () => {
    await setup(0);
    const post = async (actions: object[]) => (await t.api.post("/organizations/1234567/actionBatches", { confirmed: false, actions })).body.id as string;
    const ledger = new FileLedger(defaultStateDir());
    const record = (id: string, pid: number, purpose: "run" | "review") =>
      ledger.record({ id, organizationId: "1234567", baseUrl: t.emu.url, purpose, runId: `r${pid}`, pid, host: os.hostname(), createdAt: Date.now() - 5 * 60_000, actions: 1 });
    const dead = await post([{ resource: "/devices/AAAA-BBBB-CCCC/switch/ports/3", operation: "update", body: { vlan: 3 } }]);
    record(dead, 4194305, "run");
    const live = await post([{ resource: "/devices/AAAA-BBBB-CCCC/switch/ports/4", operation: "update", body: { vlan: 4 } }]);
    record(live, process.pid, "run");
    const elsewhere = await post([{ resource: "/devices/DDDD-EEEE-FFFF", operation: "update", body: { tags: ["x"] } }]);
    const foreign = await post([{ resource: "/devices/DDDD-EEEE-FFFF", operation: "update", body: { notes: "hand-made" } }]);

    const dry = await cli(["batches", "prune", "--dry-run", "--org", "1234567"], { env });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(
      [
        "Would delete 2 unconfirmed drafts:",
        `  ${dead}  1 action: 1 port update (made by meraki-batch on this machine 5 min ago, its run has ended)`,
        `  ${elsewhere}  1 action: 1 device update (made elsewhere; every action is one meraki-batch writes)`,
        "Keeping:",
        `  ${live}  1 action: 1 port update (its run is still going)`,
        `  ${foreign}  1 action: 1 device update (not made by meraki-batch)`,
        "",
      ].join("\n"),
    );
    expect((await batches()).length).toBe(4);
    const refused = await cli(["batches", "prune", "--org", "1234567"], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("refusing to delete the drafts without --yes");
    const pruned = await cli(["batches", "prune", "--yes", "--org", "1234567"], { env });
    expect(pruned.stdout).toContain("Deleted 2 drafts.\n");
    expect((await batches()).map((b) => b.id).sort()).toEqual([live, foreign].sort());
    expect(ledger.get(dead, t.emu.url)).toBeUndefined();
  });
});

test("the API killed right after a confirm: the outcome is unknown, exit 3, and after a restart a plan shows the truth", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-killed-"));
  const state = path.join(dir, "world.json");
  let emu = await emulatorProcess(["--seed", "demo", "--rate-limit", "0", "--batch-latency-ms", "3000", "--state", state]);
  const port = new URL(emu.origin).port;
  const env = { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: emu.url, MERAKI_ORGANIZATION_ID: undefined, MERAKI_BATCH_UNREACHABLE_SECONDS: "2" };
  try {
    const p = spawnCli(["apply", small, "--yes", "--sync", "never"], { env });
    const [, id] = (await p.waitFor(/batch #1 \((\d+)\): confirmed\n/)) as RegExpExecArray;
    await emu.stop();
    expect(await p.exited).toBe(3);
    expect(p.out()).toMatch(new RegExp(`\\n\\? 6 resources with an unknown outcome: batch #1 \\(${id}\\) was confirmed; the API did not answer for 2 s while it ran \\([^\\n]*\\)\\. Inspect it with: meraki-batch batches show ${id}:\\n    VLAN 99 on network L_000000000000000\\n`));
    expect(p.out()).toContain(`The outcome of 1 confirmed batch is unknown: inspect 'meraki-batch batches show ${id}'; a new plan shows the truth.`);
    expect(p.out()).toMatch(/\nOutcome unknown: 0 applied, 0 failed, 0 not applied, 6 unknown, 0 unchanged; 0 of 1 batch completed\.\n$/);

    emu = await emulatorProcess(["--seed", "demo", "--rate-limit", "0", "--batch-latency-ms", "3000", "--state", state, "--port", port]);
    const shown = await cli(["batches", "show", id, "--org", "1234567"], { env });
    expect(shown.stdout).toMatch(new RegExp(`^Batch ${id} in organization 1234567: (running|completed)`));
    // The batch was confirmed before the API went away: once it has run, nothing is left to do.
    for (let i = 0; i < 100 && !/completed/.test((await cli(["batches", "show", id, "--org", "1234567"], { env })).stdout); i++) await new Promise((r) => setTimeout(r, 200));
    const again = await cli(["plan", small, "--detailed-exitcode"], { env });
    expect(again.code).toBe(0);
  } finally {
    await emu.stop();
  }
}, 60_000);
