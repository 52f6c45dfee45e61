/**
 * The chaos test's checks on their own: each invariant is violated on purpose, with the evidence a
 * real run would leave, and must be reported; the legitimate look-alikes must not be.
 */
import { BatchView, LiveState } from "../../chaos/api";
import { ApplyJson, EXIT_GRACE_MS, IterationObservation, RunObservation, Snapshot, checkIteration, checkRun, expectedExitCode } from "../../chaos/checks";
import { ProgramSpec } from "../../chaos/program";

const NET = "L_000000000000000";
const SW = "AAAA-BBBB-CCCC";
const program: ProgramSpec = {
  index: 0,
  marker: "p0",
  decls: [
    { kind: "vlan", name: "vlan-30", object: `vlan/${NET}/30`, ident: { networkId: NET, vlanId: 30 }, fields: { name: "p0 vlan 30", subnet: "10.30.0.0/24", applianceIp: "10.30.0.1" } },
    { kind: "switchPort", name: "port-5", object: `port/${SW}/5`, ident: { serial: SW, portId: "5" }, fields: { name: "p0-CCCC-5", type: "trunk", vlan: 30, allowedVlans: "1,30", tags: ["ap", "p0"] } },
  ],
};
const vlanCreate = { resource: `/networks/${NET}/appliance/vlans`, operation: "create", body: { id: 30, name: "p0 vlan 30", subnet: "10.30.0.0/24", applianceIp: "10.30.0.1" } };
const portUpdate = { resource: `/devices/${SW}/switch/ports/5`, operation: "update", body: { name: "p0-CCCC-5", type: "trunk", vlan: 30, allowedVlans: "1,30", tags: ["ap", "p0"] } };

type Action = BatchView["actions"][number];
const batch = (id: string, st: "completed" | "failed" | "running" | "draft", actions: Action[] = [vlanCreate, portUpdate]): BatchView => ({
  id,
  confirmed: st !== "draft",
  synchronous: false,
  status: { completed: st === "completed", failed: st === "failed", errors: [] },
  actions,
});
const converged: LiveState = {
  [`vlan/${NET}/30`]: { id: 30, name: "p0 vlan 30", subnet: "10.30.0.0/24", applianceIp: "10.30.0.1" },
  // As the API returns it: another tag order, the VLAN list as a range.
  [`port/${SW}/5`]: { portId: "5", name: "p0-CCCC-5", type: "trunk", vlan: 30, allowedVlans: "1,30", tags: ["p0", "ap"] },
};
const untouched: LiveState = { [`port/${SW}/5`]: { portId: "5", name: null, type: "access", vlan: 1, allowedVlans: "1-1000", tags: [] } };

/** A --json report: the port's outcome as given, the VLAN's the same unless given. */
const report = (status: string, outcome: object, extra: Partial<ApplyJson> = {}, vlan: object = { status, ...outcome }): ApplyJson => {
  const resources = [
    { key: `vlan/${NET}/30`, name: "vlan-30", outcome: vlan as ApplyJson["resources"][number]["outcome"] },
    { key: `switchPort/${SW}/5`, name: "port-5", outcome: { status, ...outcome } },
  ];
  const j: ApplyJson = {
    ok: resources.every((r) => ["applied", "unchanged"].includes(r.outcome.status)),
    status: "done",
    exitCode: 0,
    resources,
    batches: [],
    leftDrafts: [],
    ...extra,
  };
  j.exitCode = expectedExitCode(j);
  return j;
};

type Over = Partial<Omit<RunObservation, "after">> & { live?: LiveState; after?: BatchView[]; ledger?: Snapshot["ledger"] };
function run(over: Over): RunObservation {
  const { live = converged, after = [batch("101", "completed")], ledger = [], ...rest } = over;
  const json = "json" in over ? over.json : report("applied", { batch: 0, batchId: "101", verified: true });
  return {
    label: "step 1 run 1",
    program,
    flags: [],
    pid: 4242,
    code: json ? json.exitCode : 1,
    signal: null,
    signals: [],
    cutShort: false,
    stdout: json ? JSON.stringify(json) : "",
    stderr: "",
    before: [],
    after: { at: 0, batches1: after, live, batches2: after, ledger },
    solo: true,
    dropChanges: [],
    exitAt: 10_000,
    finishedAt: {},
    ...rest,
    json,
  };
}

const invariants = (r: RunObservation) => checkRun(r).map((v) => v.invariant);

describe("checks of one run", () => {
  test("a run that applied everything, truthfully, is fine", () => {
    expect(checkRun(run({}))).toEqual([]);
  });

  test("applied, but its batch failed or is not there", () => {
    expect(invariants(run({ after: [batch("101", "failed")], live: untouched }))).toContain("truthful-outcome");
    expect(invariants(run({ after: [] }))).toContain("truthful-outcome");
  });

  test("applied, but a field is not live: a violation, unless a batch that may have run after the run's claim wrote that value", () => {
    const live = { ...converged, [`port/${SW}/5`]: { ...converged[`port/${SW}/5`], vlan: 40 } };
    const violations = checkRun(run({ live }));
    expect(violations.map((v) => v.invariant)).toEqual(["truthful-outcome", "exit-0-converged"]);
    expect(violations[0].message).toContain("vlan: declared 30, live 40");
    // The other program of a pair wrote vlan 40 once this run's batches had finished: its read-back may have come first.
    const theirs = batch("102", "completed", [{ resource: `/devices/${SW}/switch/ports/5`, operation: "update", body: { name: "p1-CCCC-5", vlan: 40 } }]);
    const after = [batch("101", "completed"), theirs];
    const withBatch = report("applied", { batch: 0, batchId: "101", verified: true }, { batches: [{ index: 0, id: "101", state: "completed" }] });
    expect(checkRun(run({ json: withBatch, live, after, finishedAt: { "101": 9_000, "102": 9_400 } }))).toEqual([]);
    // Before this run's own batch finished: its read-back, which follows, would have shown it.
    expect(invariants(run({ json: withBatch, live, after, finishedAt: { "101": 9_000, "102": 8_900 } }))).toContain("truthful-outcome");
    // Its own batch not seen finishing: only a batch seen just before the exit or later may have followed the read-back.
    expect(checkRun(run({ live, after, finishedAt: { "102": 10_000 - EXIT_GRACE_MS } }))).toEqual([]);
    expect(invariants(run({ live, after, finishedAt: { "102": 9_000 } }))).toContain("truthful-outcome");
    // Not read back: a batch seen finished after the run's own is enough; before it is not.
    const unverified = report("applied", { batch: 0, batchId: "101", verified: false });
    expect(checkRun(run({ json: unverified, live, after, finishedAt: { "101": 8_000, "102": 9_000 } }))).toEqual([]);
    expect(invariants(run({ json: unverified, live, after, finishedAt: { "101": 9_000, "102": 8_000 } }))).toContain("truthful-outcome");
    // Not read back, and the emulator dropped the change (dropChange): nobody could know.
    const untouchedPort = { ...converged, [`port/${SW}/5`]: untouched[`port/${SW}/5`] };
    const interrupted = report("applied", { batch: 0, batchId: "101" }, { status: "interrupted" });
    expect(checkRun(run({ json: interrupted, code: 130, signals: ["SIGINT"], live: untouchedPort, dropChanges: [{ resource: `/devices/${SW}/switch/ports/5` }] }))).toEqual([]);
    expect(invariants(run({ json: interrupted, code: 130, signals: ["SIGINT"], live: untouchedPort }))).toContain("truthful-outcome");
    // Read back as sent, yet not live: the read-back was wrong, whatever the fault.
    expect(invariants(run({ live: untouchedPort, dropChanges: [{ resource: `/devices/${SW}/switch/ports/5` }] }))).toContain("truthful-outcome");
    // A batch that finished before the step began cannot have overwritten anything.
    expect(invariants(run({ live, before: [theirs], after }))).toContain("truthful-outcome");
  });

  test("not applied, but its batch completed, or its change is live and no other batch made it", () => {
    const json = report("notApplied", { batch: 0, batchId: "101", reason: "the run was interrupted before batch #1 (101) was confirmed" }, { status: "interrupted" });
    expect(invariants(run({ json, signals: ["SIGINT"] }))).toContain("truthful-outcome");
    expect(invariants(run({ json, signals: ["SIGINT"], after: [batch("101", "draft")] }))).toEqual(["truthful-outcome", "truthful-outcome", "run-deletes-its-drafts"]);
    expect(checkRun(run({ json, signals: ["SIGINT"], after: [], live: untouched }))).toEqual([]);
    // The twin run's batch made the change: true of this run.
    expect(checkRun(run({ json, signals: ["SIGINT"], after: [batch("102", "completed")] }))).toEqual([]);
    // The twin run's draft, which this run had taken and not confirmed, confirmed by its maker after this report.
    const adopted = report("notApplied", { batch: 0, batchId: "101", reason: "the live network changed since the plan was made" }, { status: "stale", batches: [{ index: 0, id: "101", state: "stale", adopted: true }] });
    expect(checkRun(run({ json: adopted }))).toEqual([]);
    expect(invariants(run({ json: { ...adopted, batches: [{ index: 0, id: "101", state: "stale" }] } }))).toContain("truthful-outcome");
  });

  test("unknown must name a batch that exists and was confirmed", () => {
    const json = report("unknown", { batch: 0, batchId: "101", reason: "batch #1 (101) was confirmed; the API did not answer" });
    expect(checkRun(run({ json, after: [batch("101", "running")], live: untouched }))).toEqual([]);
    expect(checkRun(run({ json, after: [batch("101", "completed")] }))).toEqual([]);
    expect(invariants(run({ json, after: [batch("101", "draft")], live: untouched }))).toContain("truthful-outcome");
    expect(invariants(run({ json, after: [], live: untouched }))).toContain("truthful-outcome");
  });

  test("a mismatch needs a cause: a dropped change, or another batch on the resource", () => {
    const json = report("mismatch", { batch: 0, batchId: "101", reason: "batch #1 (101) completed, but reading it back shows vlan: sent 30, live 1", mismatches: [{ path: "vlan", sent: 30, live: 1 }] }, {}, { status: "applied", batch: 0, batchId: "101", verified: true });
    const live = { ...converged, [`port/${SW}/5`]: untouched[`port/${SW}/5`] };
    expect(invariants(run({ json, live }))).toContain("truthful-outcome");
    expect(checkRun(run({ json, live, dropChanges: [{ resource: `/devices/${SW}/switch/ports/5` }] }))).toEqual([]);
  });

  test("exit codes: the documented ones, the one the report says, no stack traces", () => {
    const json = report("applied", { batch: 0, batchId: "101", verified: true });
    expect(invariants(run({ json, code: 3 }))).toContain("exit-codes");
    expect(invariants(run({ json: { ...json, exitCode: 3 } }))).toContain("exit-codes");
    expect(invariants(run({ json: undefined, code: 2, stderr: "error: bad\n" }))).toContain("exit-codes");
    expect(invariants(run({ json: undefined, code: 0 }))).toContain("exit-codes");
    expect(invariants(run({ json: undefined, code: 1, stderr: "error: connection failed\n" }))).toEqual([]);
    expect(invariants(run({ stderr: "TypeError: x is undefined\n    at Run.confirm (/x/dist/provider/apply/execute.js:10:5)\n" }))).toContain("exit-codes");
    expect(invariants(run({ json: undefined, code: 130 }))).toContain("exit-codes");
    expect(invariants(run({ json: undefined, code: null, signal: "SIGINT", signals: ["SIGINT"], live: untouched, after: [] }))).toEqual([]);
    // Killed: nothing is expected of it.
    expect(checkRun(run({ json: undefined, code: null, signal: "SIGKILL", signals: ["SIGKILL"], cutShort: true, live: untouched, after: [batch("101", "draft")] }))).toEqual([]);
  });

  test("exit 0 only when converged", () => {
    const json = report("unchanged", {});
    expect(invariants(run({ json, live: untouched, after: [] }))).toEqual(["exit-0-converged"]);
    expect(invariants(run({ json, plan: { code: 2, output: "1 to change" } }))).toEqual(["exit-0-converged"]);
    expect(checkRun(run({ json, plan: { code: 0, output: "" } }))).toEqual([]);
  });

  test("a run that ended on its own leaves no draft it made unless it names it", () => {
    const json = report("failed", { batch: 0, batchId: "103", reason: "batch #1 (103): confirming it failed" });
    const after = [batch("103", "draft")];
    const ledger = [{ id: "103", pid: 4242, runId: "r", purpose: "run" }];
    expect(invariants(run({ json, live: untouched, after, ledger, solo: false }))).toContain("run-deletes-its-drafts");
    expect(invariants(run({ json, live: untouched, after, solo: true }))).toContain("run-deletes-its-drafts");
    expect(checkRun(run({ json: { ...json, leftDrafts: ["103"] }, live: untouched, after, ledger }))).toEqual([]);
    // Another run's draft (another pid in the ledger), in a step with two runs: not this run's to delete.
    expect(checkRun(run({ json, live: untouched, after, ledger: [{ ...ledger[0], pid: 1 }], solo: false }))).toEqual([]);
  });
});

describe("checks added by issue #21", () => {
  const kindsOf = (r: RunObservation) => checkRun(r).map((v) => v.invariant);

  test("the re-run at once after a kill must converge: exit 1 (stale) is a violation, exit 0 is not; a killed re-run is not judged", () => {
    const stale = report("notApplied", { batch: 0, batchId: "101", reason: "changed since the plan was made" }, { status: "stale" });
    expect(kindsOf(run({ mustConverge: true, json: stale, after: [], live: untouched }))).toEqual(["rerun-converges"]);
    expect(kindsOf(run({ mustConverge: true }))).toEqual([]);
    expect(kindsOf(run({ mustConverge: true, json: undefined, code: null, signal: "SIGKILL", signals: ["SIGKILL"], cutShort: true, after: [batch("101", "draft")], live: untouched }))).toEqual([]);
  });

  test("output beyond a few lines per resource plus a constant is a violation", () => {
    expect(kindsOf(run({ output: { bytes: 6_000_000, lines: 800 } }))).toEqual(["output-size"]);
    expect(kindsOf(run({ output: { bytes: 30_000, lines: 5_000 } }))).toEqual(["output-size"]);
    expect(kindsOf(run({ output: { bytes: 30_000, lines: 200 } }))).toEqual([]);
  });

  test("more batches running than the run's --max-in-flight, with no other run, is a violation", () => {
    expect(kindsOf(run({ inFlight: { max: 5, limit: 4 } }))).toEqual(["in-flight"]);
    expect(kindsOf(run({ inFlight: { max: 4, limit: 4 } }))).toEqual([]);
  });

  test("an unknown outcome decides the exit code (3), also with resources not applied or an interrupt", () => {
    const j = report("notApplied", { batch: 1, batchId: "102", reason: "not sent" }, { status: "interrupted" }, { status: "unknown", batch: 0, batchId: "101", reason: "still running" });
    expect(expectedExitCode(j)).toBe(3);
  });
});

describe("checks of an iteration", () => {
  const iteration = (over: Partial<IterationObservation>): IterationObservation => ({
    seed: 7,
    runs: [],
    clean: run({ label: "clean run" }),
    cleanPlan: { code: 0, output: "" },
    finalBatches: [batch("101", "completed")],
    finalLive: converged,
    finalProgram: program,
    dropChanges: [],
    overlaps: [],
    hangs: [],
    ...over,
  });
  const kinds = (it: IterationObservation) => checkIteration(it).map((v) => v.invariant);

  test("a converged iteration with one completed batch is fine", () => {
    expect(checkIteration(iteration({}))).toEqual([]);
  });

  test("the same action completed in two batches (a re-run that did not wait for a killed run's batch)", () => {
    const it = iteration({ finalBatches: [batch("101", "completed"), batch("105", "completed", [portUpdate])] });
    const v = checkIteration(it);
    expect(v.map((x) => x.invariant)).toEqual(["exactly-once"]);
    expect(v[0].evidence.join("\n")).toContain("batch 105 (completed");
    // A dropped change is sent again, legitimately, once per dropChange fault.
    expect(kinds({ ...it, dropChanges: [{ operation: "update", resource: `/devices/${SW}/switch/ports/5` }] })).toEqual([]);
  });

  test("one program writing an object in two completed batches, even with different bodies", () => {
    expect(kinds(iteration({ finalBatches: [batch("101", "completed"), batch("105", "completed", [{ ...portUpdate, body: { name: "p0-CCCC-5", vlan: 30 } }])] }))).toEqual(["exactly-once"]);
    // Two programs writing the same object is not applying twice.
    expect(kinds(iteration({ finalBatches: [batch("101", "completed"), batch("105", "completed", [{ ...portUpdate, body: { name: "p1-CCCC-5" } }])] }))).toEqual([]);
    // A failed batch applied nothing.
    expect(kinds(iteration({ finalBatches: [batch("101", "completed"), batch("105", "failed")] }))).toEqual([]);
  });

  test("drafts left after the clean run", () => {
    expect(kinds(iteration({ finalBatches: [batch("101", "completed"), batch("106", "draft", [portUpdate])] }))).toEqual(["no-draft-left"]);
  });

  test("the clean run must converge", () => {
    const failed = run({ label: "clean run", json: report("notApplied", { batch: 0, batchId: "101", reason: "another run holds its resources" }, { status: "contended" }), after: [], live: untouched });
    expect(kinds(iteration({ clean: failed, finalLive: untouched, finalBatches: [] }))).toEqual(["clean-run-converges", "clean-run-converges"]);
    expect(kinds(iteration({ cleanPlan: { code: 2, output: "changes" } }))).toEqual(["clean-run-converges"]);
  });

  test("two batches on the same object running at once, and runs that did not end", () => {
    expect(kinds(iteration({ overlaps: [{ at: 0, ids: ["101", "102"], objects: [`port/${SW}/5`] }], hangs: ["step 1 run 2 had not ended"] }))).toEqual(["no-interleaving", "runs-end"]);
  });
});
