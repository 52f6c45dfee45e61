/**
 * The plugin interrupted while it applies (issue #10.4): the engine's Cancel RPC does not reach a
 * dynamic provider, the signal that ends the plugin does. The first SIGTERM stops confirming,
 * deletes the drafts it made, waits for the confirmed batch, and the plugin exits with 130.
 */
import { DEMO_API_KEY } from "../../emulator/seeds";
import { testEmulator, TestEmulator } from "../helpers/api";
import { ProviderCalls, secret, sdkProviderTexts, startDynamicProvider, DynProc } from "../helpers/dynamic-provider";

let t: TestEmulator;
let proc: DynProc;
afterEach(async () => {
  await proc?.stop();
  await t?.close();
});

test("SIGTERM during an apply: no more batches are confirmed, the drafts are deleted, the plugin exits with 130", async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 1500 });
  const texts = await sdkProviderTexts();
  proc = await startDynamicProvider();
  const p = new ProviderCalls(proc, texts);
  await p.configure({
    "meraki-batch:apiKey": secret(DEMO_API_KEY),
    "meraki-batch:baseUrl": t.emu.url,
    "meraki-batch:organizationId": "1234567",
    "meraki-batch:batchWindowMs": "250",
    // Three batches of two ports, one at a time, asynchronous: the first runs while the others wait.
    "meraki-batch:maxActionsPerBatch": "2",
    "meraki-batch:maxBatchesInFlight": "1",
    "meraki-batch:synchronous": "never",
  });
  const creates = [1, 2, 3, 4, 5, 6].map((n) => p.create("SwitchPort", `p${n}`, { serial: "AAAA-BBBB-CCCC", portId: String(n), vlan: 20 }).catch((e) => e));
  const batches = async () => (await t.api.get("/organizations/1234567/actionBatches")).body as any[];
  // Wait (bounded) until the first batch is confirmed and the other two are drafts.
  for (let i = 0; i < 200; i++) {
    const all = await batches();
    if (all.some((b) => b.confirmed) && all.filter((b) => !b.confirmed).length === 2) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  expect((await batches()).map((b) => b.confirmed).sort()).toEqual([false, false, true]);
  const exited = new Promise<number | null>((r) => proc.child.once("exit", (code) => r(code)));
  proc.child.kill("SIGTERM");
  expect(await exited).toBe(130);
  await Promise.all(creates);
  const all = await batches();
  expect(all.filter((b) => !b.confirmed)).toEqual([]);
  expect(all).toHaveLength(1);
  expect(all[0].status.completed).toBe(true);
  expect(proc.output()).toContain("meraki-batch: interrupted: confirming no more batches, deleting this run's drafts, waiting for the confirmed ones");
}, 60_000);
