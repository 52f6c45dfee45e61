/**
 * Races between two applies of the same program that the chaos test (npm run chaos) found, made
 * deterministic on a virtual clock: the other run's draft is made through the REST API, and it
 * confirms it at the moment that matters (directly in the emulator, as its PUT would).
 */
import { Engine, MemoryLedger, ResourceSpec } from "../../provider";
import { engineSetup, EngineSetup, SW_A } from "../helpers/engine";

let s: EngineSetup;
afterEach(() => s.close());

const ORG = "1234567";
const rest = async (method: string, path: string, body?: unknown) => {
  await s.control.advance(1); // the frozen rate-limit bucket refills
  const r = await fetch(`${s.emu.url}${path}`, { method, headers: { Authorization: `Bearer ${s.emu.apiKeys[0]}`, "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
};
const batches = async () => (await rest("GET", `/organizations/${ORG}/actionBatches`)).body as Array<{ id: string; confirmed: boolean; status: { completed: boolean }; actions: unknown[] }>;
const ports = (from: number, to: number, vlan: number): ResourceSpec[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ kind: "switchPort" as const, name: `p${from + i}`, props: { serial: SW_A, portId: String(from + i), name: `Desk ${from + i}`, vlan } }));
const engine = (extra: object = {}) => new Engine(s.client, { organizationId: ORG, clock: s.clock, ledger: new MemoryLedger(), ...extra });

test("a plan made moments before another run of the same program applied it is not applied again", async () => {
  s = await engineSetup();
  const specs = ports(1, 6, 20);
  const late = engine();
  const stalePlan = await late.plan(specs);
  // The other run plans after this one and finishes first (a synchronous batch).
  const first = await engine().apply(await engine().plan(specs));
  expect(first.ok).toBe(true);

  // Bound to the plan (a reviewed plan file): it no longer matches the network, nothing is confirmed, it says whose batch moved it.
  const bound = await late.apply(stalePlan, { bound: true });
  expect(bound.status).toBe("stale");
  expect(bound.resources.every((r) => r.outcome.status === "notApplied" && /by batch \d+ \(completed; not made on this machine\)/.test(r.outcome.reason))).toBe(true);
  // Unbound (issue #21.4): the moves are the other run's batch doing this plan's changes: planned again, nothing left to do.
  const result = await late.apply(stalePlan);
  expect(result.status).toBe("done");
  expect(result.ok).toBe(true);
  expect(result.resources.every((r) => r.outcome.status === "unchanged")).toBe(true);
  const all = await batches();
  expect(all.filter((b) => b.status.completed)).toHaveLength(1);
  expect(all.filter((b) => !b.confirmed)).toEqual([]);
});

test("a draft adopted from another run that confirms it just before this run does, in another mode: confirmed as it is, reported applied", async () => {
  let onRead: (() => void) | undefined;
  // The other run's confirmation lands between this run's last check of the live state and its own confirmation.
  s = await engineSetup({ client: { log: (line) => /^GET \S+\/switch\/ports/.test(line) && onRead?.() } });
  const specs = ports(1, 4, 30);
  // This run wants asynchronous batches; the other run made the same batch synchronous.
  const mine = engine({ synchronous: "never" });
  const plan = await mine.plan(specs);
  const twin = await rest("POST", `/organizations/${ORG}/actionBatches`, { confirmed: false, synchronous: true, actions: plan.batches[0].actions });
  const result = await mine.apply(plan, {
    onEvent: (e) => {
      if (e.type !== "batch.staged" || !e.reused) return;
      onRead = () => {
        onRead = undefined;
        s.emu.batches.update(ORG, twin.body.id, { confirmed: true });
      };
    },
  });
  expect(onRead).toBeUndefined();
  expect(result.batches[0]).toMatchObject({ id: twin.body.id, state: "completed" });
  // This run confirmed it too (a no-op): it is not reported as another's draft.
  expect(result.batches[0].adopted).toBeUndefined();
  expect(result.resources.every((r) => r.outcome.status === "applied")).toBe(true);
  expect(result).toMatchObject({ ok: true, status: "done" });
  expect((await batches()).map((b) => [b.id, b.status.completed])).toEqual([[twin.body.id, true]]);
});

test("a draft adopted from another run, whose confirmation makes this run's plan stale: reported as the other run's batch ended, not as not applied", async () => {
  s = await engineSetup();
  const specs = [...ports(1, 3, 40), ...ports(10, 12, 41)];
  const mine = engine({ maxActionsPerBatch: 3 });
  const plan = await mine.plan(specs);
  expect(plan.batches).toHaveLength(2);
  // The other run made the same first batch; it confirms it while this run is still claiming.
  const twin = await rest("POST", `/organizations/${ORG}/actionBatches`, { confirmed: false, synchronous: true, actions: plan.batches[0].actions });
  let confirmed = false;
  const result = await mine.apply(plan, {
    onEvent: (e) => {
      if (e.type === "batch.staged" && e.reused && !confirmed) {
        confirmed = true;
        s.emu.batches.update(ORG, twin.body.id, { confirmed: true });
      }
    },
  });
  const first = result.batches.find((b) => b.index === 0)!;
  // Its maker confirmed it, not this run: the report says so (adopted), with the batch's real state.
  expect(first).toMatchObject({ id: twin.body.id, state: "completed", adopted: true });
  for (const r of result.resources.filter((x) => plan.batches[0].owners.includes(x.key))) expect(r.outcome).toMatchObject({ status: "applied", batchId: twin.body.id });
  // Whatever this run did with its own batch, no batch is applied twice and no draft is left.
  const all = await batches();
  expect(all.filter((b) => !b.confirmed)).toEqual([]);
  expect(all.filter((b) => b.status.completed).length).toBeLessThanOrEqual(2);
});

test("a draft whose create answer never came back, left by a run that has ended: a later run on this machine deletes it", async () => {
  s = await engineSetup();
  const ledger = new MemoryLedger();
  const specs = ports(1, 6, 50);
  // The create's answer is lost, and so is every answer to the search for the draft it may have left.
  const request = s.client.request.bind(s.client);
  let step = 0;
  s.client.request = ((o: Parameters<typeof request>[0]) => {
    if (o.method === "POST" && step === 0) (step = 1), s.emu.faults.add({ type: "dropConnection", after: "create", count: 1 });
    else if (o.method === "GET" && /actionBatches$/.test(o.path) && step === 1) (step = 2), s.emu.faults.add({ type: "serverError", count: 5, status: 503 });
    return request(o);
  }) as typeof s.client.request;
  const first = await engine({ ledger }).apply(await engine({ ledger }).plan(specs));
  expect(first.batches[0].state).toBe("error");
  expect(first.leftDrafts).toEqual([expect.stringMatching(/^a draft of batch #1 may exist: creating it got no answer/)]);
  const [orphan] = (await batches()).filter((b) => !b.confirmed);
  expect(orphan).toBeDefined();
  // That run has ended (its process is gone): its ledger records now name a process that does not exist.
  for (const r of ledger.list(ORG, s.client.baseUrl)) ledger.record({ ...r, pid: 4194305, runId: "ended" });

  // A later run, batching differently (so the draft is not one of its own batches): the draft is the
  // ended run's, found by its actions, and deleted; nothing holds the run back.
  const later = engine({ ledger, maxActionsPerBatch: 2 });
  const result = await later.apply(await later.plan(specs));
  expect(result).toMatchObject({ ok: true, status: "done", removedAbandoned: [orphan.id] });
  expect((await batches()).filter((b) => !b.confirmed)).toEqual([]);
  expect(ledger.list(ORG, s.client.baseUrl)).toEqual([]);
});

test("waiting for another run's draft (--wait) ends when that run ends without it: the draft is deleted and the run goes on", async () => {
  s = await engineSetup();
  const ledger = new MemoryLedger();
  const specs = ports(1, 4, 60);
  // Another run of this tool on this machine holds port 2 with its draft, and is still going.
  const other = await rest("POST", `/organizations/${ORG}/actionBatches`, { confirmed: false, actions: [{ resource: `/devices/${SW_A}/switch/ports/2`, operation: "update", body: { vlan: 61 } }] });
  const record = { id: other.body.id, organizationId: ORG, baseUrl: s.client.baseUrl, purpose: "run" as const, runId: "other", pid: process.pid, host: require("os").hostname(), createdAt: Date.now(), actions: 1 };
  ledger.record(record);
  const mine = engine({ ledger });
  let waits = 0;
  const result = await mine.apply(await mine.plan(specs), {
    waitForOthers: true,
    onReplan: async () => true,
    onEvent: (e) => {
      // It is killed while this run waits for it: its process is gone, its draft stays.
      if (e.type === "run.waitingFor" && ++waits === 2) ledger.record({ ...record, pid: 4194305 });
    },
  });
  expect(result).toMatchObject({ ok: true, status: "done" });
  expect(s.slept()).toBeLessThan(60_000);
  const all = await batches();
  expect(all.filter((b) => !b.confirmed)).toEqual([]);
  expect(all.filter((b) => b.status.completed)).toHaveLength(1);
});
