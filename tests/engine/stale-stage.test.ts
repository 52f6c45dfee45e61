/** Saved plans: stale detection, re-planning, staged (unconfirmed) batches confirmed later, JSON round trip. */
import { MerakiBatchError } from "../../provider";
import { docScenario, engineSetup, EngineSetup, SW_A, writes } from "../helpers/engine";

let s: EngineSetup;
beforeEach(async () => {
  s = await engineSetup();
});
afterEach(() => s.close());

const rest = (method: string, path: string, body?: unknown) =>
  fetch(`${s.emu.url}${path}`, { method, headers: { Authorization: `Bearer ${s.emu.apiKeys[0]}`, "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }).then((r) => r.json() as Promise<any>);

test("a plan is plain JSON and applies after a round trip", async () => {
  const plan = JSON.parse(JSON.stringify(await s.engine.plan(docScenario())));
  const result = await s.engine.apply(plan, { checkStale: true });
  expect(result.ok).toBe(true);
});

test("apply of a saved plan refuses when the live network changed since, naming what changed", async () => {
  const plan = await s.engine.plan(docScenario());
  await rest("PUT", `/devices/${SW_A}/switch/ports/1`, { vlan: 5 });
  await s.control.clearRequests();
  const err = await s.engine.apply(plan, { checkStale: true }).catch((e) => e);
  expect(MerakiBatchError.is(err) && err.code).toBe("PLAN_STALE");
  expect(err.message).toBe(`the live network changed since the plan was made:\n  port 1 of switch ${SW_A} changed since the plan was made`);
  expect(writes(await s.control.requests())).toEqual([]);
});

test("a change outside the plan's fields does not make it stale", async () => {
  const plan = await s.engine.plan(docScenario());
  await rest("PUT", `/devices/${SW_A}/switch/ports/1`, { name: "someone's label" });
  expect((await s.engine.apply(plan, { checkStale: true })).ok).toBe(true);
});

test("told to re-plan, a stale plan is made again and applied", async () => {
  const plan = await s.engine.plan(docScenario());
  await rest("PUT", `/devices/${SW_A}/switch/ports/1`, { vlan: 5, tags: ["APIness"] });
  const result = await s.engine.apply(plan, { checkStale: true, replan: true });
  expect(result.ok).toBe(true);
  expect(result.plan.liveDigest).not.toBe(plan.liveDigest);
  expect(result.plan.changes.find((c) => c.key === `switchPort/${SW_A}/1`)!.fields).toEqual([{ path: "vlan", old: 5, new: 99 }]);
});

test("staged batches are created unconfirmed, change nothing, and are confirmed (not created again) on apply", async () => {
  const staged = await s.engine.stage(await s.engine.plan(docScenario()));
  const id = staged.batches[0].stagedId!;
  expect(id).toMatch(/^\d+$/);
  const draft = await rest("GET", `/organizations/1234567/actionBatches/${id}`);
  expect(draft).toMatchObject({ confirmed: false, status: { completed: false } });
  expect((await rest("GET", `/devices/${SW_A}`)).tags).toEqual([]);

  await s.control.clearRequests();
  const result = await s.engine.apply(JSON.parse(JSON.stringify(staged)), { checkStale: true });
  expect(result.ok).toBe(true);
  expect(result.batches[0].id).toBe(id);
  expect(writes(await s.control.requests()).map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /api/v1/organizations/1234567/actionBatches/${id}`]);
});

test("a staged batch that expired is staged again", async () => {
  const staged = await s.engine.stage(await s.engine.plan(docScenario()));
  await s.control.advance(8 * 24 * 3600);
  const result = await s.engine.apply(staged);
  expect(result.ok).toBe(true);
  expect(result.batches[0].id).not.toBe(staged.batches[0].stagedId);
});
