/**
 * Runs that survive interruption and contention (issue #10), against the emulator on a virtual
 * clock: exactly once across runs, no interleaving, no leaked drafts, unknown is not failed.
 */
import { ApplyEvent, Engine, MemoryLedger, ResourceSpec } from "../../provider";
import { campusPorts, campusSerial, docScenario, engineSetup, EngineSetup, NET, SW_A, writes } from "../helpers/engine";

let s: EngineSetup;
afterEach(() => s.close());

/** The organization's batches, as the API lists them (the frozen rate-limit bucket is refilled first). */
const batchesOf = async (org = "1234567") => {
  await s.control.advance(3);
  return (await (await fetch(`${s.emu.url}/organizations/${org}/actionBatches`, { headers: { Authorization: `Bearer ${s.emu.apiKeys[0]}` } })).json()) as any[];
};
const rest = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${s.emu.url}${path}`, { method, headers: { Authorization: `Bearer ${s.emu.apiKeys[0]}`, "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
};
const portsOn = (serial: string, from: number, to: number, props: object, prefix = "p"): ResourceSpec[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ kind: "switchPort" as const, name: `${prefix}${from + i}`, props: { serial, portId: String(from + i), ...props } }));

test("killed right after confirming, then run again at once: the re-run waits for that batch, plans again, confirms nothing, and succeeds", async () => {
  s = await engineSetup({ batchLatencyMs: 4000 });
  const specs = [...docScenario(), ...portsOn(SW_A, 2, 30, { vlan: 20 })];
  const plan = await s.engine.plan(specs);
  expect(plan.batches).toHaveLength(1);
  // The killed run: it had created and confirmed the batch; the batch is still running.
  const killed = await rest("POST", "/organizations/1234567/actionBatches", { confirmed: true, synchronous: false, actions: plan.batches[0].actions });
  expect(killed.status).toBe(201);
  await s.control.clearRequests();

  const events: ApplyEvent[] = [];
  const rerun = await s.engine.apply(await s.engine.plan(specs), { onEvent: (e) => events.push(e) });
  expect(rerun).toMatchObject({ ok: true, status: "done", waitedFor: [killed.body.id] });
  expect(rerun.resources.every((r) => r.outcome.status === "unchanged")).toBe(true);
  expect(events.find((e) => e.type === "run.waitingFor")).toMatchObject({ ids: [killed.body.id] });
  // Exactly one batch ever ran (the VLAN create did not fail with "already taken"); the re-run
  // confirmed nothing: the draft it made for its claim was deleted once it saw the running batch.
  expect((await batchesOf()).map((b) => [b.confirmed, b.status.completed])).toEqual([[true, true]]);
  expect(writes(await s.control.requests()).map((r) => `${r.method} ${r.status}`)).toEqual(["POST 201", "DELETE 204"]);
});

test("two applies of conflicting programs at the same time: exactly one proceeds, the other confirms nothing, the organization ends in one program's state", async () => {
  s = await engineSetup({ batchLatencyMs: 500 });
  const other = new Engine(s.client, { organizationId: "1234567", clock: s.clock, ledger: new MemoryLedger() });
  const mine = new Engine(s.client, { organizationId: "1234567", clock: s.clock, ledger: new MemoryLedger() });
  const a = portsOn(SW_A, 1, 30, { vlan: 10 }, "a");
  const b = portsOn(SW_A, 20, 45, { vlan: 20 }, "b");
  const [planA, planB] = await Promise.all([mine.plan(a), other.plan(b)]);
  const [ra, rb] = await Promise.all([mine.apply(planA), other.apply(planB)]);
  const statuses = [ra.status, rb.status].sort();
  expect(statuses).toEqual(["contended", "done"]);
  const [winner, loser] = ra.status === "done" ? [ra, rb] : [rb, ra];
  expect(winner.ok).toBe(true);
  expect(loser.ok).toBe(false);
  expect(loser.resources.every((r) => r.outcome.status === "notApplied")).toBe(true);
  expect(loser.holders.length).toBeGreaterThan(0);
  expect(loser.holders[0].objects).toContain(`port/${SW_A}/20`);
  // One batch confirmed in all; no drafts left.
  const all = await batchesOf();
  expect(all.filter((x) => x.confirmed)).toHaveLength(1);
  expect(all.filter((x) => !x.confirmed)).toEqual([]);
  // The organization is in the winner's state on every overlapping port.
  const wanted = winner === ra ? 10 : 20;
  await s.control.advance(5);
  for (const p of [20, 25, 30]) expect((await rest("GET", `/devices/${SW_A}/switch/ports/${p}`)).body.vlan).toBe(wanted);
});

test("with waitForOthers, the younger run waits for the older one, plans again, and applies only what is left", async () => {
  s = await engineSetup({ batchLatencyMs: 500 });
  const first = new Engine(s.client, { organizationId: "1234567", clock: s.clock, ledger: new MemoryLedger() });
  const second = new Engine(s.client, { organizationId: "1234567", clock: s.clock, ledger: new MemoryLedger() });
  const planA = await first.plan(portsOn(SW_A, 1, 30, { vlan: 10 }));
  const planB = await second.plan(portsOn(SW_A, 20, 40, { vlan: 10 }));
  const replans: string[][] = [];
  const [ra, rb] = await Promise.all([
    first.apply(planA, { waitForOthers: true, onReplan: async (_n, w) => (replans.push(w), true) }),
    second.apply(planB, { waitForOthers: true, onReplan: async (_n, w) => (replans.push(w), true) }),
  ]);
  expect([ra.ok, rb.ok]).toEqual([true, true]);
  expect(replans).toHaveLength(1);
  const confirmed = (await batchesOf()).filter((x) => x.confirmed);
  expect(confirmed).toHaveLength(2);
  // The second batch only carries the ports the first did not already set.
  expect(confirmed.map((x) => x.actions.length).sort((x, y) => x - y)).toEqual([10, 30]);
});

test("a Dashboard change between two batches: the rest are refused as stale, naming the change; what ran is kept and read back", async () => {
  s = await engineSetup({ seed: "campus", batchLatencyMs: 1000, maxBatchesInFlight: 1 });
  const plan = await s.engine.plan(campusPorts(3));
  expect(plan.batches).toHaveLength(2);
  const victim = plan.batches[1].actions[5].resource.split("/");
  const [serial, portId] = [victim[2], victim[5]];
  const result = await s.engine.apply(plan, {
    onEvent: (e) => {
      // Someone edits a port of the second batch in the Dashboard while the first runs.
      if (e.type === "batch.confirmed" && e.index === 0) s.emu.state.org("2930418")!.switchPorts[serial].find((p) => p.portId === portId)!.vlan = 77;
    },
  });
  expect(result.status).toBe("stale");
  expect(result.batches.map((b) => b.state)).toEqual(["completed", "stale"]);
  const victimResult = result.resources.find((r) => r.key === `switchPort/${serial}/${portId}`)!;
  expect(victimResult.outcome).toMatchObject({ status: "notApplied", reason: expect.stringMatching(/^changed in the Dashboard since the plan was made: vlan \d+ → 77$/) });
  const bystander = result.resources.find((r) => r.key === plan.batches[1].owners[0])!;
  expect(bystander.outcome).toMatchObject({ status: "notApplied", reason: expect.stringContaining("the live network changed since the plan was made") });
  expect(result.resources.filter((r) => r.outcome.status === "applied" && r.outcome.verified)).toHaveLength(100);
  expect((await batchesOf("2930418")).filter((b) => !b.confirmed)).toEqual([]);
});

test("four lost create answers: recovery gives up, and no draft is left", async () => {
  s = await engineSetup();
  await s.control.fault({ type: "dropConnection", after: "create", count: 4 });
  const result = await s.engine.apply(await s.engine.plan(docScenario()));
  expect(result.ok).toBe(false);
  expect(result.batches[0].state).toBe("error");
  expect(result.resources[0].outcome).toMatchObject({ status: "failed", reason: expect.stringContaining("creating it got no answer 4 times") });
  expect(await batchesOf()).toEqual([]);
  expect(result.leftDrafts).toEqual([]);
});

test("a confirm whose retries run out is asked about, not assumed: unconfirmed, so not applied, and its draft deleted", async () => {
  s = await engineSetup();
  const plan = await s.engine.plan(docScenario());
  let armed = false;
  const request = s.client.request.bind(s.client);
  s.client.request = ((o: Parameters<typeof request>[0]) => {
    if (o.method === "PUT" && !armed) {
      armed = true;
      // Every attempt at confirming (5) gets a 429 without Retry-After.
      s.emu.faults.add({ type: "rateLimitWithoutRetryAfter", count: 5 });
    }
    return request(o);
  }) as typeof s.client.request;
  const result = await s.engine.apply(plan);
  expect(result.batches[0].state).toBe("error");
  expect(result.resources.every((r) => r.outcome.status === "failed")).toBe(true);
  expect((result.resources[0].outcome as { reason: string }).reason).toMatch(/confirming it failed: PUT .* rate limited/);
  expect(await batchesOf()).toEqual([]);
});

test("the API gone after a confirm: the outcome is unknown (not failed), the batch is named, and a later plan shows the truth", async () => {
  s = await engineSetup({ batchLatencyMs: 2000 });
  const plan = await s.engine.plan([...docScenario(), ...portsOn(SW_A, 2, 30, { vlan: 20 })]);
  let armed = false;
  const result = await s.engine.apply(plan, {
    unreachableMs: 3000,
    onEvent: (e) => {
      if (e.type === "batch.confirmed" && !armed) {
        armed = true;
        void s.control.fault({ type: "serverError", count: 1000, status: 503 });
      }
    },
  });
  expect(result.ok).toBe(false);
  expect(result.batches[0].state).toBe("unknown");
  expect(result.resources.every((r) => r.outcome.status === "unknown")).toBe(true);
  expect((result.resources[0].outcome as { reason: string }).reason).toMatch(/^batch #1 \(\d+\) was confirmed; the API did not answer for 3 s while it ran \(.*503.*\)\. Inspect it with: meraki-batch batches show \d+$/);
  await s.control.clearFaults();
  await s.control.advance(5);
  expect((await s.engine.plan(plan.resources)).summary.actions).toBe(0);
});

test.each([
  ["while staging", (e: ApplyEvent) => e.type === "batch.staged" && e.index === 0, { applied: 0 }],
  ["after the first batch was confirmed", (e: ApplyEvent) => e.type === "batch.confirmed" && e.index === 0, { applied: 100 }],
])("interrupted %s: no more batches are confirmed, the run's drafts are deleted, confirmed batches are waited for and reported", async (_when, trigger, expected) => {
  s = await engineSetup({ seed: "campus", batchLatencyMs: 1500, maxBatchesInFlight: 1 });
  const plan = await s.engine.plan(campusPorts(3));
  const stop = new AbortController();
  const events: ApplyEvent[] = [];
  const result = await s.engine.apply(plan, {
    signal: stop.signal,
    onEvent: (e) => {
      events.push(e);
      if (trigger(e)) stop.abort();
    },
  });
  expect(result.status).toBe("interrupted");
  expect(result.resources.filter((r) => r.outcome.status === "applied")).toHaveLength(expected.applied);
  expect(result.resources.filter((r) => r.outcome.status === "notApplied").length).toBe(144 - expected.applied);
  expect((await batchesOf("2930418")).filter((b) => !b.confirmed)).toEqual([]);
  expect((await batchesOf("2930418")).filter((b) => b.confirmed)).toHaveLength(expected.applied ? 1 : 0);
  if (expected.applied) expect(events.some((e) => e.type === "run.draining")).toBe(true);
});

test("a batch that 'completed' but whose change was dropped is caught by the read-back, with field, sent and live values", async () => {
  s = await engineSetup();
  await s.control.fault({ type: "dropChange", resource: `/devices/${SW_A}/switch/ports/1`, times: 1 });
  const result = await s.engine.apply(await s.engine.plan(docScenario()));
  expect(result.batches[0].state).toBe("completed");
  expect(result.ok).toBe(false);
  const port = result.resources.find((r) => r.key === `switchPort/${SW_A}/1`)!;
  expect(port.outcome).toMatchObject({
    status: "mismatch",
    mismatches: [
      { path: "tags", sent: ["APIness"], live: [] },
      { path: "vlan", sent: 99, live: 1 },
    ],
  });
  expect(result.resources.filter((r) => r.outcome.status === "applied" && r.outcome.verified)).toHaveLength(4);
  // --no-verify trusts the batch status.
  await s.control.fault({ type: "dropChange", resource: `/devices/${SW_A}/switch/ports/2`, times: 1 });
  const unverified = await s.engine.apply(await s.engine.plan([...docScenario(), ...portsOn(SW_A, 2, 2, { vlan: 5 })]), { verify: false });
  expect(unverified).toMatchObject({ ok: true, verified: false });
});

test("shared polling: five asynchronous batches in flight are polled with one list request per round", async () => {
  s = await engineSetup({ seed: "campus", batchLatencyMs: 6000, maxBatchesInFlight: 5 });
  const plan = await s.engine.plan(campusPorts(10));
  await s.control.clearRequests();
  const done: number[] = [];
  const result = await s.engine.apply(plan, { onEvent: (e) => e.type === "batch.done" && done.push(s.clock.now()) });
  expect(result.ok).toBe(true);
  const log = await s.control.requests();
  const lists = log.filter((r) => r.method === "GET" && /\/actionBatches$/.test(r.path));
  const gets = log.filter((r) => r.method === "GET" && /\/actionBatches\/\d+$/.test(r.path));
  // One look at the pending batches for the claim; then each poll round is one list of the pending
  // batches, and when several finished together, one list of the failed ones says how each ended.
  expect(lists[0].query).toBe("?status=pending");
  expect(gets).toHaveLength(0);
  const pendingPolls = lists.slice(1).filter((r) => r.query === "?status=pending");
  const failedLists = lists.filter((r) => r.query === "?status=failed");
  expect(failedLists).toHaveLength(1);
  expect(pendingPolls.length).toBeGreaterThan(0);
  expect(pendingPolls.length).toBeLessThanOrEqual(5);
  // Each batch's completion is noticed within one poll interval (at most 5 s) of when it ran.
  const ran = (await batchesOf("2930418")).length;
  expect(ran).toBe(5);
  for (const t of done) expect(t - Date.UTC(2026, 10, 1)).toBeLessThanOrEqual(6000 + 5000 + 1000);
});

test("drafts a killed run of this tool left on this machine are deleted before starting; identical drafts from elsewhere are reused", async () => {
  s = await engineSetup();
  const plan = await s.engine.plan(docScenario());
  // A draft left by a dead process (pid 2^22 + 1 does not exist) of this tool, on another resource.
  const stray = await rest("POST", "/organizations/1234567/actionBatches", { confirmed: false, actions: [{ resource: `/devices/${SW_A}/switch/ports/7`, operation: "update", body: { vlan: 3 } }] });
  s.engine.ledger.record({ id: stray.body.id, organizationId: "1234567", baseUrl: s.client.baseUrl, purpose: "run", runId: "dead", pid: 4194305, host: require("os").hostname(), createdAt: Date.now() - 60_000, actions: 1 });
  // A draft with exactly this plan's actions, made elsewhere (not in the ledger).
  const twin = await rest("POST", "/organizations/1234567/actionBatches", { confirmed: false, synchronous: true, actions: plan.batches[0].actions });
  const result = await s.engine.apply(plan);
  expect(result.ok).toBe(true);
  expect(result.removedAbandoned).toEqual([stray.body.id]);
  expect(result.batches[0].id).toBe(twin.body.id);
  expect((await batchesOf()).map((b) => b.id)).toEqual([twin.body.id]);
  expect(NET).toBeTruthy();
  expect(campusSerial(1)).toBeTruthy();
});

test("--wait and a draft of unknown origin that stays unconfirmed: waited for a minute, not the half hour, then contended (issue #21.6)", async () => {
  s = await engineSetup({ batchLatencyMs: 0 });
  // A draft made elsewhere (no ledger record here) on port 5, older than this run's claim, never confirmed.
  const draft = await rest("POST", "/organizations/1234567/actionBatches", { confirmed: false, actions: [{ resource: `/devices/${SW_A}/switch/ports/5`, operation: "update", body: { name: "theirs" } }] });
  expect(draft.status).toBe(201);
  const engine = new Engine(s.client, { organizationId: "1234567", clock: s.clock, ledger: new MemoryLedger() });
  const started = s.slept();
  const result = await engine.apply(await engine.plan(portsOn(SW_A, 5, 6, { name: "mine" })), { waitForOthers: true });
  expect(result.status).toBe("contended");
  expect(result.holders.map((h) => h.id)).toEqual([draft.body.id]);
  const waited = s.slept() - started;
  expect(waited).toBeGreaterThanOrEqual(60_000);
  expect(waited).toBeLessThan(120_000);
  expect(result.resources.every((r) => r.outcome.status === "notApplied" && /still unconfirmed after 60 s/.test(r.outcome.reason))).toBe(true);
  expect((await batchesOf()).map((b) => b.id)).toEqual([draft.body.id]);
});
