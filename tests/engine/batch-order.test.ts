/**
 * Batches are numbered in execution order: a batch only waits for smaller numbers, actions keep
 * the documented order inside a batch (VLAN creates → VLAN updates → devices → ports → VLAN
 * deletes), and whatever a change depends on runs before it, whatever --max-batch-size splits.
 */
import { Change, PlannedBatch, ResourceSpec, compile } from "../../provider";
import { KINDS } from "../../provider/resources";
import { liveNetwork, planOf, port } from "../helpers/plans";
import { Random, random } from "../helpers/random";

/** Checks every ordering promise of a compiled plan; returns the batch of each change. */
function checkOrder(changes: Change[], batches: PlannedBatch[], phaseOf: (c: Change) => number, max: number): void {
  const byKey = new Map(changes.map((c) => [c.key, c]));
  const where = new Map<string, { batch: number; first: number; last: number }>();
  batches.forEach((b, i) => {
    expect(b.index).toBe(i);
    expect(b.actions.length).toBeLessThanOrEqual(max);
    for (const a of b.after) expect(a).toBeLessThan(i);
    expect(b.after).toEqual([...new Set(b.after)].sort((x, y) => x - y));
    let phase = -Infinity;
    b.owners.forEach((key, at) => {
      const p = phaseOf(byKey.get(key)!);
      expect(p).toBeGreaterThanOrEqual(phase);
      phase = p;
      const w = where.get(key);
      if (!w) where.set(key, { batch: i, first: at, last: at });
      else {
        // A change's actions stay together, in one batch.
        expect([w.batch, w.last + 1]).toEqual([i, at]);
        w.last = at;
      }
    });
  });
  // Everything that does something is in exactly one batch.
  expect([...where.keys()].sort()).toEqual(changes.filter((c) => c.actions.length).map((c) => c.key).sort());
  const waitsFor = (later: number, earlier: number): boolean => batches[later].after.some((a) => a === earlier || waitsFor(a, earlier));
  for (const c of changes) {
    const mine = where.get(c.key);
    if (!mine) continue;
    for (const d of c.dependsOn) {
      const dep = where.get(d);
      if (!dep) continue;
      if (dep.batch === mine.batch) expect(dep.last).toBeLessThan(mine.first);
      else expect([c.key, d, waitsFor(mine.batch, dep.batch)]).toEqual([c.key, d, true]);
    }
  }
}

const phaseOf = (c: Change) => KINDS[c.kind].phase(c);

/** A random deployment: VLANs created (one or two actions), updated and deleted, tags, ports moving between them. */
function randomResources(r: Random, serials: string[]) {
  const resources: ResourceSpec[] = [];
  const deletes = [];
  const created = Array.from({ length: r.between(0, 4) }, (_, i) => 100 + i);
  for (const id of created) {
    const props: Record<string, unknown> = { networkId: "N_1", vlanId: id, name: `v${id}`, subnet: `10.${id}.0.0/24`, applianceIp: `10.${id}.0.1` };
    if (r.chance(0.5)) props.reservedIpRanges = [{ start: `10.${id}.0.2`, end: `10.${id}.0.9`, comment: "kept" }];
    resources.push({ kind: "vlan", name: `v${id}`, props });
  }
  if (r.chance(0.5)) resources.push({ kind: "vlan", name: "v1", props: { networkId: "N_1", vlanId: 1, name: "Management", subnet: "192.168.128.0/24", applianceIp: "192.168.128.1" } });
  const deleted = r.chance(0.5) ? [30] : [];
  for (const id of deleted) deletes.push({ kind: "vlan" as const, name: `v${id}`, props: { networkId: "N_1", vlanId: id, name: `v${id}`, subnet: `10.${id}.0.0/24`, applianceIp: `10.${id}.0.1` } });
  for (const serial of serials) {
    if (r.chance(0.3)) resources.push({ kind: "deviceTags", name: `${serial}-tags`, props: { serial, tags: ["x"] } });
    for (let p = 1; p <= 48; p++) if (r.chance(0.4)) resources.push(port(serial, p, { vlan: r.pick([1, 10, ...created]) }));
  }
  return { resources: r.shuffle(resources), deletes, deleted };
}

describe("batches over random plans", () => {
  test.each(Array.from({ length: 60 }, (_, i) => i + 1))("seed %i", (seed) => {
    const r = random(seed);
    const serials = ["S-1", "S-2", "S-3"].slice(0, r.between(1, 3));
    const live = liveNetwork({ N_1: serials });
    const { resources, deletes, deleted } = randomResources(r, serials);
    for (const id of deleted) {
      (live.vlans.N_1 as { vlans: Record<string, unknown> }).vlans[String(id)] = { id, name: `v${id}`, subnet: `10.${id}.0.0/24`, applianceIp: `10.${id}.0.1` };
      // Ports on the VLAN that goes away: they move off it first.
      for (const serial of serials) for (let p = 1; p <= 6; p++) live.ports[serial][String(p)].vlan = id;
    }
    const max = r.pick([2, 3, 5, 7, 20, 50, 100]); // a VLAN create with its follow-up update needs 2
    const synchronous = r.pick(["auto", "always", "never"] as const);
    const plan = planOf(resources, live, deletes, { maxActionsPerBatch: max, synchronous });
    checkOrder(plan.changes, plan.batches, phaseOf, synchronous === "always" ? Math.min(max, 20) : max);
    // Pure and deterministic: the same batches whatever the order of the changes.
    expect(compile(r.shuffle(plan.changes), phaseOf, plan.options)).toEqual(plan.batches);
  });

  test.each(Array.from({ length: 200 }, (_, i) => i + 1))("synthetic changes of 1-3 actions with random dependencies (seed %i)", (seed) => {
    const r = random(1000 + seed);
    const changes: Change[] = Array.from({ length: r.between(1, 40) }, (_, i) => ({
      key: `c${String(i).padStart(2, "0")}`,
      kind: "switchPort",
      name: `c${i}`,
      description: "",
      op: "update",
      fields: [],
      live: null,
      actions: Array.from({ length: r.between(1, 3) }, (_, a) => ({ resource: `/r/${i}/${a}`, operation: "update" })),
      dependsOn: [],
      phase: r.int(5),
    }));
    const phase = (c: Change) => (c as Change & { phase: number }).phase;
    // As in real plans, a change only depends on changes of an earlier phase.
    for (const c of changes) for (const d of changes) if (phase(d) < phase(c) && r.chance(0.1)) c.dependsOn.push(d.key);
    const max = r.between(3, 12);
    checkOrder(changes, compile(changes, phase, { maxActionsPerBatch: max }), phase, max);
  });
});

test("a port on two new VLANs, of one and of two actions, two actions per batch: no batch waits for a later one", () => {
  const live = liveNetwork({ N_1: ["S-1"] });
  const vlan = (id: number, extra = {}): ResourceSpec => ({ kind: "vlan", name: `v${id}`, props: { networkId: "N_1", vlanId: id, name: `v${id}`, subnet: `10.${id}.0.0/24`, applianceIp: `10.${id}.0.1`, ...extra } });
  const plan = planOf([vlan(10), vlan(20, { reservedIpRanges: [{ start: "10.20.0.2", end: "10.20.0.9", comment: "" }] }), port("S-1", 3, { vlan: 10, voiceVlan: 20 })], live, [], { maxActionsPerBatch: 2 });
  // Before: the port shared a batch with VLAN 10 and waited for VLAN 20's batch, which waited for it.
  expect(plan.batches.map((b) => [b.owners, b.after])).toEqual([
    [["vlan/N_1/10"], []],
    [["vlan/N_1/20", "vlan/N_1/20"], [0]],
    [["switchPort/S-1/3"], [1]],
  ]);
});
