/**
 * Ctrl-C during `pulumi up`, under the real engine. The terminal's SIGINT reaches the CLI only (the
 * engine starts its plugins in process groups of their own); the engine stops starting steps and
 * sends Cancel to its providers. The provider then confirms no further batch, deletes its drafts,
 * and answers each waiting step with its outcome; the next `pulumi up` converges and sends no
 * action twice.
 */
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { testEmulator, TestEmulator } from "../helpers/api";
import { describeReal, expectOk, PulumiProject, stepsOf } from "../helpers/real-pulumi";

const TEMPLATE = path.resolve(__dirname, "..", "fixtures", "pulumi-project");
const PORTS = ["5", "6", "7", "8", "9", "10"];
const PROGRAM = `
import * as meraki from "meraki-batch";
for (const port of ${JSON.stringify(PORTS)}) {
  new meraki.SwitchPort("desk-" + port, { serial: "AAAA-BBBB-CCCC", portId: port, name: "Desk " + port, vlan: 20 });
}
`;

describeReal("Ctrl-C during pulumi up", (tc) => {
  let t: TestEmulator;
  let project: PulumiProject;
  beforeAll(async () => {
    t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 3000 });
    project = await PulumiProject.create(tc, {
      program: TEMPLATE,
      // One port a batch, one batch at a time, each running 3 s: six batches in a row.
      config: {
        "meraki-batch:baseUrl": t.emu.url,
        "meraki-batch:organizationId": "1234567",
        "meraki-batch:maxActionsPerBatch": "1",
        "meraki-batch:maxBatchesInFlight": "1",
        "meraki-batch:synchronous": "never",
        "meraki-batch:batchWindowMs": "300",
      },
      env: { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY },
    });
    project.writeProgram(PROGRAM);
  }, 120_000);
  afterAll(async () => {
    await project?.dispose();
    await t?.close();
  });

  const batches = async () => (await t.api.get("/organizations/1234567/actionBatches")).body as any[];
  const portOf = (b: any) => String(b.actions[0].resource).split("/").pop()!;

  test("no batch is confirmed after the interrupt, the outcomes are reported, the next up converges without doing anything twice", async () => {
    let signalled = 0;
    let confirmedAtSignal = -1;
    const run = project.run(["up", "--yes", "--skip-preview"], {
      onOutput: () => undefined,
    });
    // Interrupt once the first batch is confirmed (polled from the emulator, bounded).
    const deadline = Date.now() + 60_000;
    for (;;) {
      const all = await batches();
      if (all.some((b) => b.confirmed)) {
        confirmedAtSignal = all.filter((b) => b.confirmed).length;
        break;
      }
      if (Date.now() > deadline) throw new Error("no batch was confirmed within 60 s");
      await new Promise((r) => setTimeout(r, 50));
    }
    const log0 = await t.control.requests();
    const seqAtSignal = Math.max(...log0.map((x) => x.seq));
    project.signalRun("SIGINT");
    signalled = Date.now();
    const r = await run;
    expect(signalled).toBeGreaterThan(0);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain("^C received; cancelling");

    // Nothing confirmed after the signal: no confirm in the request log after it, one batch confirmed in all.
    const log = await t.control.requests();
    const confirmsAfter = log.filter((x) => x.seq > seqAtSignal && x.method === "PUT" && /actionBatches\/[^/]+$/.test(x.path));
    expect(confirmsAfter).toEqual([]);
    const after = await batches();
    expect(after.filter((b) => b.confirmed)).toHaveLength(confirmedAtSignal);
    // Its drafts were deleted.
    expect(after.filter((b) => !b.confirmed)).toEqual([]);
    // The confirmed batch's resource is in the stack (its outcome was reported), the others are not.
    const applied = after.filter((b) => b.confirmed && b.status.completed).map(portOf);
    expect(Object.keys(await project.state()).sort()).toEqual(applied.map((p) => `desk-${p}`).sort());
    expect(`${r.stdout}${r.stderr}`).toMatch(/not applied: the run was interrupted before/);

    // The next up converges; no port is sent twice.
    const again = expectOk(await project.run(["up", "--yes", "--skip-preview"], { timeoutMs: 120_000 }));
    expect(stepsOf(again.events).filter((s) => s.op === "create")).toHaveLength(PORTS.length - applied.length);
    const all = await batches();
    const sent = all.filter((b) => b.confirmed).map(portOf).sort();
    expect(sent).toEqual([...PORTS].sort());
    for (const p of PORTS) expect((await t.api.get(`/devices/AAAA-BBBB-CCCC/switch/ports/${p}`)).body.vlan).toBe(20);
  }, 240_000);
});
