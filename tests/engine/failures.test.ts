/** Apply under failure: failing actions, lost responses, rate limits, 5xx and the concurrency limit. */
import { CONCURRENCY_ERROR } from "../../emulator/batches";
import { ApplyEvent, Engine } from "../../provider";
import { campusPorts, campusSerial, docScenario, engineSetup, EngineSetup, NET, SW_A, writes } from "../helpers/engine";

let s: EngineSetup;
afterEach(() => s.close());

const port = async (serial: string, p: number) => (await (await fetch(`${s.emu.url}/devices/${serial}/switch/ports/${p}`, { headers: { Authorization: `Bearer ${s.emu.apiKeys[0]}` } })).json()) as any;

test("an injected action failure: nothing of that batch applies, the failing resource and its reason are named, the rest are rolled back; independent batches complete", async () => {
  s = await engineSetup({ seed: "campus", batchLatencyMs: 500 });
  const plan = await s.engine.plan(campusPorts(10));
  const victim = plan.batches[2];
  const failing = victim.actions[17];
  await s.control.fault({ type: "actionFailure", operation: "update", resource: failing.resource, message: "Port is part of a link aggregation group" });

  const result = await s.engine.apply(plan);
  expect(result.ok).toBe(false);
  expect(result.batches.map((b) => b.state)).toEqual(["completed", "completed", "failed", "completed", "completed"]);

  const failed = result.resources.filter((r) => r.outcome.status === "failed");
  expect(failed).toHaveLength(1);
  expect(failed[0].key).toBe(victim.owners[17]);
  expect(failed[0].outcome).toMatchObject({ reason: "Port is part of a link aggregation group" });

  const rolledBack = result.resources.filter((r) => r.outcome.status === "notApplied");
  expect(rolledBack).toHaveLength(99);
  const id = result.batches[2].id;
  for (const r of rolledBack) {
    expect((r.outcome as { reason: string }).reason).toBe(
      `batch #3 (${id}) rolled back because ${failed[0].description} failed: Port is part of a link aggregation group`,
    );
  }
  expect(result.resources.filter((r) => r.outcome.status === "applied")).toHaveLength(380);

  // Nothing of the failed batch is live; the others are.
  await s.control.advance(5); // refill the (frozen) rate-limit bucket for the checks below
  const [, serial, portId] = /devices\/([^/]+)\/switch\/ports\/(\d+)/.exec(victim.actions[0].resource)!;
  expect((await port(serial, Number(portId))).vlan).toBe(1);
  const [, okSerial, okPort] = /devices\/([^/]+)\/switch\/ports\/(\d+)/.exec(plan.batches[0].actions[0].resource)!;
  expect((await port(okSerial, Number(okPort))).vlan).not.toBe(1);

  // Re-planning shows exactly the failed batch's changes left to do.
  const again = await s.engine.plan(plan.resources);
  expect(again.summary.update).toBe(100);
});

test("a failing batch stops the batches that depend on it", async () => {
  s = await engineSetup({ maxBatchesInFlight: 4 });
  // 120 port changes that all use a VLAN created in the same plan: one component, split in two chunks.
  const specs = [
    { kind: "vlan" as const, name: "v30", props: { networkId: NET, vlanId: 30, name: "Thirty", subnet: "10.30.0.0/24", applianceIp: "10.30.0.1" } },
    ...Array.from({ length: 96 }, (_, i) => ({ kind: "switchPort" as const, name: `p${i}`, props: { serial: i < 48 ? SW_A : "DDDD-EEEE-FFFF", portId: String((i % 48) + 1), vlan: 30 } })),
  ];
  const plan = await s.engine.plan(specs);
  expect(plan.batches.length).toBe(1); // 97 actions fit in one batch
  // With batches of at most 50, the component is split and the second part waits for the first.
  const split = await new Engine(s.client, { organizationId: "1234567", clock: s.clock, maxActionsPerBatch: 50 }).plan(specs);
  expect(split.batches.map((b) => b.after)).toEqual([[], [0]]);
  await s.control.fault({ type: "actionFailure", operation: "create", message: "Simulated VLAN failure" });
  const result = await s.engine.apply(split);
  expect(result.batches.map((b) => b.state)).toEqual(["failed", "notSent"]);
  const vlan = result.resources.find((r) => r.key === `vlan/${NET}/30`)!;
  expect(vlan.outcome).toMatchObject({ status: "failed", reason: "Simulated VLAN failure" });
  const later = result.resources.find((r) => r.name === "p95")!;
  expect(later.outcome).toMatchObject({ status: "notApplied" });
  expect((later.outcome as { reason: string }).reason).toMatch(/^not sent: it depends on batch #1 \(\d+\), which failed$/);
  // Both batches were made unconfirmed up front (the whole claim is visible to other runs); the
  // second was never confirmed and was deleted at the end.
  const log = writes(await s.control.requests());
  expect(log.map((r) => `${r.method} ${r.status}`)).toEqual(["POST 201", "POST 201", "PUT 200", "DELETE 204"]);
  const left = (await (await fetch(`${s.emu.url}/organizations/1234567/actionBatches`, { headers: { Authorization: `Bearer ${s.emu.apiKeys[0]}` } })).json()) as any[];
  expect(left.filter((b) => !b.confirmed)).toEqual([]);
});

test.each(["create", "confirm"] as const)("a lost response on %s: the batch is applied exactly once", async (after) => {
  s = await engineSetup();
  await s.control.fault({ type: "dropConnection", after });
  const plan = await s.engine.plan(docScenario());
  const events: ApplyEvent[] = [];
  const result = await s.engine.apply(plan, { onEvent: (e) => events.push(e) });
  expect(result.ok).toBe(true);
  const log = writes(await s.control.requests());
  if (after === "create") {
    // The draft whose creation answer was lost is found by its actions and deleted, then created again.
    expect(log.map((r) => `${r.method} ${r.status}`)).toEqual(["POST 0", "DELETE 204", "POST 201", "PUT 200"]);
    expect(events.find((e) => e.type === "batch.recovered")).toMatchObject({ removedDrafts: [expect.any(String)] });
  } else {
    // Confirming is idempotent: the client repeats the PUT and reads the result.
    expect(log.map((r) => `${r.method} ${r.status}`)).toEqual(["POST 201", "PUT 0", "PUT 200"]);
  }
  const batches = (await (await fetch(`${s.emu.url}/organizations/1234567/actionBatches`, { headers: { Authorization: `Bearer ${s.emu.apiKeys[0]}` } })).json()) as any[];
  // Exactly one batch ran; a create lost in transit leaves no draft behind.
  expect(batches.filter((b) => b.confirmed)).toHaveLength(1);
  expect(batches.filter((b) => !b.confirmed)).toHaveLength(0);
  expect(batches[0].status.completed).toBe(true);
  expect((await s.engine.plan(docScenario())).summary.actions).toBe(0);
});

test("429 bursts with and without Retry-After, and 5xx: apply completes", async () => {
  // The client believes it may send 40 requests/s: as if other apps shared the organization's 10/s.
  s = await engineSetup({ seed: "campus", batchLatencyMs: 300, client: { requestsPerSecond: 40 } });
  await s.control.fault({ type: "serverError", count: 2, status: 503 });
  // isolationEnabled is outside bySwitch's subset: one read per switch, enough requests to meet the limit.
  const plan = await s.engine.plan(campusPorts(10).map((r) => ({ ...r, props: { ...(r.props as object), isolationEnabled: false } })));
  await s.control.fault({ type: "rateLimitWithoutRetryAfter", count: 3 });
  const result = await s.engine.apply(plan);
  expect(result.ok).toBe(true);
  const log = await s.control.requests();
  const limited = log.filter((r) => r.status === 429);
  expect(limited.length).toBeGreaterThan(3); // the three injected plus real ones with Retry-After
  expect(log.filter((r) => r.status === 503)).toHaveLength(2);
  expect(limited.filter((r) => r.method === "GET" && /switch\/ports$/.test(r.path)).length).toBeGreaterThan(0);
  expect(s.client.stats.rateLimited).toBe(limited.length);
  expect(s.client.stats.serverErrors).toBe(2);
  // Every batch ran once.
  expect(log.filter((r) => r.method === "POST" && r.status === 201)).toHaveLength(5);
  expect((await s.engine.plan(plan.resources)).summary.actions).toBe(0);
});

test("the API's concurrency error waits and retries; never more than the allowed batches are in flight", async () => {
  s = await engineSetup({ seed: "campus", batchLatencyMs: 3000, maxBatchesInFlight: 5 });
  // Another app holds three batches running in the organization.
  const other = (body: object) => fetch(`${s.emu.url}/organizations/2930418/actionBatches`, { method: "POST", headers: { Authorization: `Bearer ${s.emu.apiKeys[0]}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
  for (let i = 0; i < 3; i++) {
    const res = await other({ confirmed: true, actions: [{ resource: `/devices/${campusSerial(10)}/switch/ports/${i + 1}`, operation: "update", body: { enabled: true } }] });
    expect(res.status).toBe(201);
  }
  const events: string[] = [];
  const plan = await s.engine.plan(campusPorts(5));
  expect(plan.batches).toHaveLength(3);
  const result = await s.engine.apply(plan, { onEvent: (e) => events.push(e.type) });
  expect(result.ok).toBe(true);
  expect(events).toContain("batch.waiting");
  const log = await s.control.requests();
  const refused = log.filter((r) => r.method === "PUT" && r.status === 400);
  expect(refused.length).toBeGreaterThan(0);
  expect(Math.max(...log.map((r) => r.runningBatches))).toBe(5);
  expect(CONCURRENCY_ERROR).toMatch(/executing batches/);
});

test("our own limit: at most maxBatchesInFlight confirmed and unfinished at once", async () => {
  s = await engineSetup({ seed: "campus", batchLatencyMs: 2000, maxBatchesInFlight: 2 });
  const plan = await s.engine.plan(campusPorts(10));
  const result = await s.engine.apply(plan);
  expect(result.ok).toBe(true);
  const log = await s.control.requests();
  expect(Math.max(...log.map((r) => r.runningBatches))).toBe(2);
});

test("an asynchronous batch that does not finish before the deadline is reported as unknown, not failed", async () => {
  s = await engineSetup({ seed: "campus", batchLatencyMs: 3_600_000 });
  const plan = await s.engine.plan(campusPorts(1));
  const result = await s.engine.apply(plan, { deadlineMs: 60_000 });
  expect(result.ok).toBe(false);
  expect(result.batches[0].state).toBe("unknown");
  expect(result.resources[0].outcome).toMatchObject({ status: "unknown", batchId: result.batches[0].id });
  expect((result.resources[0].outcome as { reason: string }).reason).toMatch(/was confirmed and did not finish within 60 s; it may still complete\. Inspect it with: meraki-batch batches show \d+$/);
});
