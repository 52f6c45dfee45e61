/** Saved plans against the live network: stale or current or altered; staging for review, idempotent; staged batches confirmed elsewhere. */
import { Plan } from "../../provider";
import { planDigest } from "../../provider/plan/digest";
import { docScenario, engineSetup, EngineSetup, SW_A, writes } from "../helpers/engine";

let s: EngineSetup;
beforeEach(async () => {
  s = await engineSetup();
});
afterEach(() => s.close());

const rest = (method: string, path: string, body?: unknown) =>
  fetch(`${s.emu.url}${path}`, { method, headers: { Authorization: `Bearer ${s.emu.apiKeys[0]}`, "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }).then((r) => r.json() as Promise<any>);
const roundTrip = (p: Plan): Plan => JSON.parse(JSON.stringify(p));
const reseal = (p: Plan): Plan => {
  const { digest: _d, ...content } = p;
  return { ...p, digest: planDigest(content) };
};

test("a plan is plain JSON; after a round trip it is current and applies", async () => {
  const plan = roundTrip(await s.engine.plan(docScenario()));
  const check = await s.engine.checkSaved(plan);
  expect(check).toMatchObject({ state: "current", differences: [] });
  const result = await s.engine.apply(plan);
  expect(result.ok).toBe(true);
});

test("a saved plan is stale when the live network changed since, naming what changed and how; nothing is written", async () => {
  const plan = roundTrip(await s.engine.plan(docScenario()));
  await rest("PUT", `/devices/${SW_A}/switch/ports/1`, { vlan: 5 });
  await s.control.clearRequests();
  const check = await s.engine.checkSaved(plan);
  expect(check.state).toBe("stale");
  expect(check.differences).toEqual([`port 1 of switch ${SW_A}: vlan 1 → 5`]);
  expect(check.derived!.changes.find((c) => c.key === `switchPort/${SW_A}/1`)!.fields).toEqual([
    { path: "tags", old: [], new: ["APIness"] },
    { path: "vlan", old: 5, new: 99 },
  ]);
  expect(writes(await s.control.requests())).toEqual([]);
});

test("a change outside the plan's fields does not make it stale", async () => {
  const plan = roundTrip(await s.engine.plan(docScenario()));
  await rest("PUT", `/devices/${SW_A}/switch/ports/1`, { name: "someone's label" });
  expect((await s.engine.checkSaved(plan)).state).toBe("current");
});

test("a plan whose changes were edited consistently (digest recomputed) is not what its resources give: altered, named", async () => {
  const plan = roundTrip(await s.engine.plan(docScenario()));
  const port = plan.changes.find((c) => c.key === `switchPort/${SW_A}/1`)!;
  port.fields = [{ path: "vlan", old: 1, new: 666 }];
  port.actions[0].body = { vlan: 666 };
  const i = plan.batches[0].actions.findIndex((a) => a.resource === `/devices/${SW_A}/switch/ports/1`);
  plan.batches[0].actions[i] = { ...port.actions[0] };
  const check = await s.engine.checkSaved(reseal(plan));
  expect(check.state).toBe("altered");
  expect(check.differences).toEqual([`port 1 of switch ${SW_A}: the file shows vlan 1 → 666; its desired state gives tags [] → ["APIness"], vlan 1 → 99`]);
});

test("staging is idempotent: staging the same plan twice makes one draft per batch", async () => {
  const plan = await s.engine.plan(docScenario());
  const first = await s.engine.stage(plan);
  expect(first.reused).toEqual([]);
  const second = await s.engine.stage(await s.engine.plan(docScenario()));
  expect(second.reused).toEqual([first.batches[0].stagedId]);
  expect(second.batches[0].stagedId).toBe(first.batches[0].stagedId);
  const all = await rest("GET", "/organizations/1234567/actionBatches");
  expect(all).toHaveLength(1);
  expect(all[0]).toMatchObject({ confirmed: false });
  // The digest does not cover staged ids: the staged plan is the plan that was shown.
  expect(second.digest).toBe(plan.digest);
});

test("staged batches change nothing and are confirmed, not made again, on apply", async () => {
  const staged = roundTrip(await s.engine.stage(await s.engine.plan(docScenario())));
  const id = staged.batches[0].stagedId!;
  expect(await rest("GET", `/organizations/1234567/actionBatches/${id}`)).toMatchObject({ confirmed: false, status: { completed: false } });
  expect((await rest("GET", `/devices/${SW_A}`)).tags).toEqual([]);
  await s.control.clearRequests();
  const state = await s.engine.stagedState(staged);
  expect(state).toEqual({ settled: [], notes: [] });
  expect((await s.engine.checkSaved(staged)).state).toBe("current");
  const result = await s.engine.apply(staged);
  expect(result.ok).toBe(true);
  expect(result.batches[0].id).toBe(id);
  expect(writes(await s.control.requests()).map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /api/v1/organizations/1234567/actionBatches/${id}`]);
});

test("a staged batch confirmed by someone else is reported as such, not sent again, and the plan is not called stale", async () => {
  const staged = roundTrip(await s.engine.stage(await s.engine.plan(docScenario())));
  const id = staged.batches[0].stagedId!;
  await rest("PUT", `/organizations/1234567/actionBatches/${id}`, { confirmed: true });
  const state = await s.engine.stagedState(staged);
  expect(state.settled).toEqual([{ index: 0, id, state: "completed", errors: [], createdResources: [{ id: "99", uri: "/networks/L_000000000000000/appliance/vlans/99" }] }]);
  expect(state.notes).toEqual([`batch #1 (${id}) was already confirmed (by 'meraki-batch batches confirm' or another apply) and completed; it is not sent again`]);
  expect((await s.engine.checkSaved(staged, state.settled)).state).toBe("current");
});

test("a staged batch that expired is made again", async () => {
  const staged = await s.engine.stage(await s.engine.plan(docScenario()));
  await s.control.advance(8 * 24 * 3600);
  const state = await s.engine.stagedState(staged);
  expect(state.notes[0]).toMatch(/its staged batch \d+ no longer exists \(deleted, or expired after 7 days\); it will be made again$/);
  const result = await s.engine.apply(staged);
  expect(result.ok).toBe(true);
  expect(result.batches[0].id).not.toBe(staged.batches[0].stagedId);
});
