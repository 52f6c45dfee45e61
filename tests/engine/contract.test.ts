/** A plan file is checked before anything is sent: its batches are what its changes give, its digest is its content's. */
import { Plan } from "../../provider";
import { diffBatches, integrityProblems, parsePlan } from "../../provider/plan/contract";
import { planDigest } from "../../provider/plan/digest";
import { docScenario, engineSetup, EngineSetup, NET, SW_A, SW_B } from "../helpers/engine";

let s: EngineSetup;
let plan: Plan;
beforeAll(async () => {
  s = await engineSetup();
  plan = JSON.parse(JSON.stringify(await s.engine.plan(docScenario())));
});
afterAll(() => s.close());

const copy = (): Plan => JSON.parse(JSON.stringify(plan));
const reseal = (p: Plan): Plan => {
  const { digest: _d, ...content } = p;
  return { ...p, digest: planDigest(content) };
};
const portAction = (p: Plan, serial: string) => p.batches[0].actions.findIndex((a) => a.resource === `/devices/${serial}/switch/ports/1`);

test("an untouched plan has no problems; its digest covers its content, not when it was made", () => {
  expect(integrityProblems(copy())).toEqual([]);
  expect(integrityProblems({ ...copy(), createdAt: "2020-01-01T00:00:00.000Z" })).toEqual([]);
});

test("an action edited by hand is named with what the file sends and what the changes give", () => {
  const p = copy();
  p.batches[0].actions[portAction(p, SW_A)].body = { vlan: 666, name: "HACKED", tags: ["APIness"] };
  expect(integrityProblems(p)).toEqual([
    `batch #1, action 4 (update /devices/${SW_A}/switch/ports/1): the file sends {"vlan":666,"name":"HACKED","tags":["APIness"]}; the changes give {"tags":["APIness"],"vlan":99}`,
    expect.stringMatching(/^its content does not match its digest sha256:[0-9a-f]{16}… \(it was edited after it was made\)$/),
  ]);
  // Recomputing the digest does not hide it.
  expect(integrityProblems(reseal(p))[0]).toMatch(/^batch #1, action 4/);
});

test("an added, a removed and a reordered action are each named", () => {
  const added = copy();
  added.batches[0].actions.push({ resource: `/devices/${SW_B}`, operation: "update", body: { name: "x", notes: "y" } });
  added.batches[0].owners.push(added.batches[0].owners[0]);
  expect(integrityProblems(reseal(added))).toEqual([`batch #1 has an action its changes do not produce: update /devices/${SW_B} {"name":"x","notes":"y"}`]);

  const removed = copy();
  removed.batches[0].actions.splice(portAction(removed, SW_B), 1);
  removed.batches[0].owners.splice(4, 1);
  expect(integrityProblems(reseal(removed))).toEqual([`batch #1 lacks an action its changes produce: update /devices/${SW_B}/switch/ports/1 {"tags":["APIness"],"vlan":99}`]);

  const reordered = copy();
  reordered.batches[0].actions.reverse();
  reordered.batches[0].owners.reverse();
  expect(integrityProblems(reseal(reordered))).toEqual(["batch #1: its actions are in a different order than the changes give"]);
});

test("options, batch mode and dependencies must be what the changes give", () => {
  const opts = copy();
  opts.options.maxActionsPerBatch = 2;
  expect(integrityProblems(reseal(opts))[0]).toBe("the file has 1 batch; its changes give 3");
  const mode = copy();
  mode.batches[0].synchronous = false;
  expect(integrityProblems(reseal(mode))).toEqual(["batch #1: the file says asynchronous; the changes give synchronous"]);
  const noop = copy();
  noop.changes[1].op = "noop";
  expect(integrityProblems(reseal(noop))).toContain(`tags of device ${SW_A}: shown as unchanged but it carries 1 action`);
});

test("an edited organization breaks the digest", () => {
  const p = copy();
  p.organizationId = "999";
  expect(integrityProblems(p)).toEqual([expect.stringMatching(/^its content does not match its digest/)]);
});

test("different plans never share a digest; a no-change plan's differs from a plan with changes", async () => {
  const none = await s.engine.plan([]);
  const one = await s.engine.plan([docScenario()[1]]);
  const all = await s.engine.plan(docScenario());
  const other = await s.engine.plan(docScenario(), [], undefined, { maxActionsPerBatch: 2, synchronous: "auto" });
  const digests = [none, one, all, other].map((p) => p.digest);
  expect(new Set(digests).size).toBe(4);
  // The live digest only says whether the network moved.
  expect(all.liveDigest).not.toBe(all.digest);
  expect((await s.engine.plan(docScenario())).digest).toBe(all.digest);
});

test("the file's shape is checked field by field", () => {
  expect(parsePlan({ ...copy(), batches: [{ index: 0, actions: [], owners: [], synchronous: "yes", after: [] }] }).problems).toEqual([
    "batches.0.actions: Too small: expected array to have >=1 items",
    "batches.0.synchronous: Invalid input: expected boolean, received string",
  ]);
  expect(parsePlan({ ...copy(), extra: 1 }).problems).toEqual(['(the file): Unrecognized key: "extra"']);
  expect(parsePlan(copy()).problems).toEqual([]);
});

test("diffBatches reports a missing batch", () => {
  const p = copy();
  expect(diffBatches(p.batches, [])).toEqual(["the file has 0 batches; its changes give 1"]);
  expect(NET).toBeTruthy();
});
