/**
 * Import over randomized emulator states (seeded, reproducible: IMPORT_PROPERTY_SEEDS=N runs
 * more): random VLANs over every writable field, tags, port settings in runs and singles, type
 * changes that leave stale fields, on several networks. For each state:
 * - the imported resources plan to no action, both as Pulumi's first up (create) and as the CLI;
 * - nothing had to be dropped to get there (the model's own check found nothing);
 * - the program is faithful: applied to the untouched world it rebuilds the same network, but
 *   for the fields the import named as left out;
 * and for the first seeds the generated program itself, through the CLI, plans with no changes,
 * declares exactly the model's resources, and compiles.
 */
import * as fs from "fs";
import * as path from "path";
import { CAMPUS_API_KEY } from "../../emulator/seeds";
import { DashboardClient, Engine } from "../../provider";
import { IMPORT_KINDS, KindFields, deepEqual, writableFields } from "../../provider/import/fields";
import { ImportModel, buildModel, modelResources } from "../../provider/import/model";
import { readForImport } from "../../provider/import/read";
import { LiveSnapshot } from "../../provider/live/snapshot";
import { makePlan, validate } from "../../provider/plan/plan";
import { TestEmulator, testEmulator } from "../helpers/api";
import { removeWorkDirs, run, typeErrors, workDir } from "./support";
import { ORG, randomize, writeBaseWorld } from "./worlds";

const SEEDS = Array.from({ length: Number(process.env.IMPORT_PROPERTY_SEEDS ?? 12) }, (_, i) => 1000 + i * 7919);
const CLI_SEEDS = SEEDS.slice(0, 2);
const SWITCHES = Array.from({ length: 6 }, (_, i) => `Q2CA-MS00-000${i + 1}`);
const DEVICES = [...SWITCHES, "Q2CA-MX00-0001", "Q2CA-MX00-0002", "Q2CA-MR00-0001"];

let t: TestEmulator;
let client: DashboardClient;
const programs: string[] = [];
/** Why fields were left out, over every seed: the worlds must exercise those paths. */
const reasons = new Set<string>();

beforeAll(async () => {
  // The seed file stays until the end: every reset reloads it.
  const dir = workDir("world");
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, "world.json");
  writeBaseWorld(base);
  t = await testEmulator({ seed: base, frozenClock: false, rateLimit: 0, batchLatencyMs: 0 });
  // The emulator does not rate-limit here; neither need the client.
  client = new DashboardClient({ apiKey: CAMPUS_API_KEY, baseUrl: t.emu.url, requestsPerSecond: 1000 });
});
afterAll(async () => {
  await client?.close();
  await t?.close();
  removeWorkDirs();
});

const read = () => readForImport(client, ORG, {});

function actions(model: ImportModel, snapshot: LiveSnapshot, intent: "create" | "ensure"): number {
  const { items } = validate(modelResources(model).map((r) => ({ ...r, intent })));
  return makePlan(items, [], snapshot).summary.actions;
}

/** Writable fields of a live object, normalised, without those the import left out. */
function comparable(k: KindFields, live: Record<string, unknown>, left: Set<string>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  // A field the API leaves out (a port's highSpeed until it is set) holds its default.
  for (const f of writableFields(k)) if (!left.has(f)) picked[f] = live[f] !== undefined ? live[f] : k.defaults[f];
  const out = k.normalise(picked);
  for (const f of left) {
    const [top, sub] = f.split(".");
    if (sub && out[top] && typeof out[top] === "object") out[top] = Object.fromEntries(Object.entries(out[top] as object).filter(([s]) => s !== sub));
  }
  return out;
}

/** Every difference between the original and the rebuilt network, except what the import named. */
function differences(before: LiveSnapshot, after: LiveSnapshot, model: ImportModel): string[] {
  const left = new Map<string, Set<string>>();
  for (const d of model.dropped) left.set(d.key, new Set([...(left.get(d.key) ?? []), d.field ?? "*"]));
  const out: string[] = [];
  const check = (key: string, k: KindFields, a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined) => {
    const skip = left.get(key) ?? new Set<string>();
    if (skip.has("*")) return;
    if (!a || !b) return out.push(`${key}: ${a ? "missing after" : "new after"}`);
    const x = comparable(k, a, skip);
    const y = comparable(k, b, skip);
    for (const f of new Set([...Object.keys(x), ...Object.keys(y)])) if (!deepEqual(x[f] ?? null, y[f] ?? null)) out.push(`${key}.${f}: ${JSON.stringify(x[f])} → ${JSON.stringify(y[f])}`);
  };
  for (const [net, coll] of Object.entries(before.vlans)) {
    const other = after.vlans[net];
    const a = coll.state === "ok" ? coll.vlans : {};
    const b = other?.state === "ok" ? other.vlans : {};
    for (const id of new Set([...Object.keys(a), ...Object.keys(b)])) check(`vlan/${net}/${id}`, IMPORT_KINDS.vlan, a[id], b[id]);
  }
  for (const [serial, ports] of Object.entries(before.ports)) for (const id of Object.keys(ports)) check(`switchPort/${serial}/${id}`, IMPORT_KINDS.switchPort, ports[id], after.ports[serial]?.[id]);
  for (const [serial, d] of Object.entries(before.devices ?? {})) {
    const tags = (x: { tags: string[] } | undefined) => [...new Set(x?.tags ?? [])].sort();
    if (!deepEqual(tags(d), tags(after.devices?.[serial]))) out.push(`deviceTags/${serial}: ${JSON.stringify(tags(d))} → ${JSON.stringify(tags(after.devices?.[serial]))}`);
  }
  return out;
}

test.each(SEEDS)("seed %i: the import plans to no action and rebuilds the same network", async (seed) => {
  await t.control.reset();
  const stats = await randomize(t.api.withKey(CAMPUS_API_KEY), seed, SWITCHES, DEVICES);
  expect(stats.writes - stats.refused).toBeGreaterThan(100);

  const { snapshot, scope } = await read();
  const model = buildModel(snapshot, scope);
  expect(model.counts.ports).toBeGreaterThan(50);
  expect(model.counts.declarations).toBeLessThan(model.counts.ports + model.counts.vlans + model.counts.tagSets); // ports were grouped
  expect(actions(model, snapshot, "create")).toBe(0);
  expect(actions(model, snapshot, "ensure")).toBe(0);
  expect(model.skipped.filter((s) => /first plan would not be empty/.test(s.why))).toEqual([]);
  // What is left out is only what the SDK cannot express or the API would not take.
  for (const d of model.dropped) {
    expect(d.reason).toMatch(/would not take it|not a network address|is required|must be|has no property/);
    reasons.add(d.reason.replace(/^.*(would not take it|not a network address|is required).*$/, "$1"));
  }

  if (CLI_SEEDS.includes(seed)) {
    const dir = workDir(`random-${seed}`);
    const imported = await run(["import", dir, "--base-url", t.emu.url, "--org", ORG], CAMPUS_API_KEY);
    expect(imported.stderr).toBe("");
    expect(imported.code).toBe(0);
    const plan = await run(["plan", dir, "--detailed-exitcode", "--json"], CAMPUS_API_KEY);
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(0);
    const planned = JSON.parse(plan.stdout);
    expect(planned.summary).toMatchObject({ create: 0, update: 0, delete: 0, actions: 0 });
    // The text declares exactly what the model holds.
    const expected = validate(modelResources(model)).items.map((i) => ({ kind: i.spec.kind, name: i.spec.name, props: i.props }));
    const actual = planned.resources.map((r: any) => ({ kind: r.kind, name: r.name, props: r.props }));
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
    expect(actual.sort(byName)).toEqual(expected.sort(byName));
    programs.push(path.join(dir, "index.ts"));
  }

  // Faithful: the program applied to the untouched world rebuilds the network.
  await t.control.reset();
  const engine = new Engine(client, { organizationId: ORG, synchronous: "always" });
  const result = await engine.apply(await engine.plan(modelResources(model)));
  expect(result.ok).toBe(true);
  const { snapshot: rebuilt } = await read();
  expect(differences(snapshot, rebuilt, model)).toEqual([]);
});

test("the worlds reached the states where an import must leave something out", () => {
  if (SEEDS.length < 12) return;
  expect([...reasons].filter((r) => ["would not take it", "not a network address", "is required"].includes(r)).sort()).toEqual(["is required", "not a network address", "would not take it"]);
});

test("the generated programs compile with the project's TypeScript settings and with their own", () => {
  expect(programs.length).toBe(CLI_SEEDS.length);
  expect(typeErrors(programs)).toEqual([]);
  expect(typeErrors([programs[0]], path.join(path.dirname(programs[0]), "tsconfig.json"))).toEqual([]);
});
