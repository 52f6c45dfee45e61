/**
 * Import over randomized emulator states (seeded, reproducible: IMPORT_PROPERTY_SEEDS=N runs
 * more): VLANs switched on and off, random VLANs over every writable field (template VLANs on a
 * network bound to a configuration template, IPv6 prefix assignments as GET returns them), tags,
 * port settings in runs and singles over every writable field (macWhitelistLimit, uplink module
 * ports), type changes that leave stale fields, on several networks. For each state:
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
import { APPLIANCE_NETWORKS, ORG, VLANS_OFF_NETWORK, randomize, writeBaseWorld } from "./worlds";

const SEEDS = Array.from({ length: Number(process.env.IMPORT_PROPERTY_SEEDS ?? 12) }, (_, i) => 1000 + i * 7919);
const CLI_SEEDS = SEEDS.slice(0, 2);
const SWITCHES = Array.from({ length: 6 }, (_, i) => `Q2CA-MS00-000${i + 1}`);
const DEVICES = [...SWITCHES, "Q2CA-MX00-0001", "Q2CA-MX00-0002", "Q2CA-MX00-0003", "Q2CA-MX00-0101", "Q2CA-MR00-0001"];

let t: TestEmulator;
let client: DashboardClient;
const programs: string[] = [];
/** Why fields were left out, over every seed: the worlds must exercise those paths. */
const reasons = new Set<string>();
/** What the imported programs declared, over every seed: the worlds must reach these states. */
const reached = new Set<string>();

/** The states of this kinds and fields that a model declares. */
function features(model: ImportModel): string[] {
  const out: string[] = [];
  for (const n of model.networks) {
    if (n.vlansSettings) out.push(`VLANs ${n.vlansSettings.props.vlansEnabled ? "on" : "off"}`);
    if (n.id === VLANS_OFF_NETWORK && n.vlansSettings?.props.vlansEnabled) out.push("VLANs switched on");
    for (const v of n.vlans) {
      if (v.props.cidr !== undefined) out.push(`template VLAN ${v.props.templateVlanType}`);
      const assignments = (v.props.ipv6 as { prefixAssignments?: Array<Record<string, unknown>> } | undefined)?.prefixAssignments ?? [];
      if (assignments.some((a) => a.autonomous === undefined)) out.push("prefix assignment without autonomous");
    }
  }
  for (const d of model.devices) {
    for (const decl of d.ports) {
      if ("macWhitelistLimit" in decl.settings) out.push("macWhitelistLimit");
      const ids = decl.kind === "single" ? [decl.portId] : decl.ports;
      if (ids.some((id) => Number(id) > 48)) out.push("uplink module port");
    }
  }
  if (model.assumed.length) out.push("assumed value");
  for (const n of model.networks) {
    if (n.policies.length) out.push("access policy");
    if (n.aggregations.length) out.push("link aggregation");
  }
  for (const d of model.devices) {
    if (d.attributes) out.push("device attributes");
    if (d.interfaces.some((i) => i.props.dhcp)) out.push("interface DHCP");
    if (d.routes.length) out.push("static route");
    if (d.ports.some((p) => typeof p.settings.accessPolicyNumber === "object")) out.push("port on an access policy");
  }
  return out;
}

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
    if (coll.state !== other?.state) out.push(`vlansSettings/${net}: VLANs ${coll.state} → ${other?.state}`);
    const a = coll.state === "ok" ? coll.vlans : {};
    const b = other?.state === "ok" ? other.vlans : {};
    for (const id of new Set([...Object.keys(a), ...Object.keys(b)])) check(`vlan/${net}/${id}`, IMPORT_KINDS.vlan, a[id], b[id]);
  }
  // A port names its access policy by a number the API assigns: compared by the policy's name.
  const byPolicy = (s: LiveSnapshot, serial: string, port: Record<string, unknown> | undefined) => {
    if (!port || port.accessPolicyNumber === undefined) return port;
    const net = s.devices?.[serial]?.networkId ?? "";
    const policy = s.accessPolicies?.[net]?.find((p) => String(p.accessPolicyNumber) === String(port.accessPolicyNumber));
    return { ...port, accessPolicyNumber: policy ? `policy '${String(policy.name)}'` : port.accessPolicyNumber };
  };
  for (const [serial, ports] of Object.entries(before.ports)) {
    for (const id of Object.keys(ports)) check(`switchPort/${serial}/${id}`, IMPORT_KINDS.switchPort, byPolicy(before, serial, ports[id]), byPolicy(after, serial, after.ports[serial]?.[id]));
  }
  for (const [serial, d] of Object.entries(before.devices ?? {})) {
    const tags = (x: { tags: string[] } | undefined) => [...new Set(x?.tags ?? [])].sort();
    if (!deepEqual(tags(d), tags(after.devices?.[serial]))) out.push(`deviceTags/${serial}: ${JSON.stringify(tags(d))} → ${JSON.stringify(tags(after.devices?.[serial]))}`);
    const attrs = (x: Record<string, unknown> | undefined) => ({ name: x?.name ?? null, address: x?.address ?? null, notes: x?.notes ?? null, lat: x?.lat, lng: x?.lng });
    check(`device/${serial}`, IMPORT_KINDS.device, attrs(d as unknown as Record<string, unknown>), attrs(after.devices?.[serial] as unknown as Record<string, unknown>));
  }
  // The campus switching kinds, matched as the engine matches them (policy by name, interface by
  // VLAN, route by subnet, aggregation by its members); ids the API assigns are not compared.
  const byKey = <T>(list: T[] | undefined, key: (x: T) => string) => new Map((list ?? []).map((x) => [key(x), x]));
  const compare = (key: string, k: KindFields, a: Map<string, Record<string, unknown>>, b: Map<string, Record<string, unknown>>) => {
    for (const id of new Set([...a.keys(), ...b.keys()])) check(`${key}/${id}`, k, a.get(id), b.get(id));
  };
  for (const net of Object.keys({ ...before.accessPolicies, ...after.accessPolicies })) {
    compare(`switchAccessPolicy/${net}`, IMPORT_KINDS.switchAccessPolicy, byKey(before.accessPolicies?.[net], (p) => String(p.name)), byKey(after.accessPolicies?.[net], (p) => String(p.name)));
    const members = (x: Record<string, unknown>) => JSON.stringify(((x.switchPorts as Array<{ serial: string; portId: string }>) ?? []).map((m) => `${m.serial}/${m.portId}`).sort());
    const lags = (list: Record<string, unknown>[] | undefined) => (list ?? []).map(members).sort();
    if (!deepEqual(lags(before.linkAggregations?.[net]), lags(after.linkAggregations?.[net]))) out.push(`linkAggregation/${net}: ${JSON.stringify(lags(before.linkAggregations?.[net]))} → ${JSON.stringify(lags(after.linkAggregations?.[net]))}`);
  }
  for (const serial of Object.keys({ ...before.routingInterfaces, ...after.routingInterfaces })) {
    const withDhcp = (s: LiveSnapshot) => (s.routingInterfaces?.[serial] ?? []).map((i): Record<string, unknown> => ({ ...i, dhcp: s.interfaceDhcp?.[`${serial}/${String(i.interfaceId)}`] }));
    compare(`switchRoutingInterface/${serial}`, IMPORT_KINDS.switchRoutingInterface, byKey(withDhcp(before), (i) => String(i.vlanId)), byKey(withDhcp(after), (i) => String(i.vlanId)));
    compare(`switchStaticRoute/${serial}`, IMPORT_KINDS.switchStaticRoute, byKey(before.staticRoutes?.[serial], (x) => String(x.subnet)), byKey(after.staticRoutes?.[serial], (x) => String(x.subnet)));
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
  // Every network with an appliance says whether its VLANs are on.
  expect(model.networks.filter((n) => n.vlansSettings).map((n) => n.id).sort()).toEqual([...APPLIANCE_NETWORKS].sort());
  for (const f of features(model)) reached.add(f);
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
    // Nothing in the program's scope is left undeclared (VLANs of its networks, ports with settings).
    expect(planned.ownership.undeclared).toEqual([]);
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
  // The policies' RADIUS secrets come from the environment the program names (the API never returned them).
  const secrets = [...new Set(JSON.stringify(modelResources(model)).match(/"fromEnv":"[A-Z0-9_]+"/g) ?? [])].map((m) => m.slice(11, -1));
  for (const name of secrets) process.env[name] = "rebuilt";
  let result;
  try {
    result = await engine.apply(await engine.plan(modelResources(model)));
  } finally {
    for (const name of secrets) delete process.env[name];
  }
  expect(result.resources.filter((r) => !["applied", "unchanged"].includes(r.outcome.status))).toEqual([]);
  expect(result.ok).toBe(true);
  const { snapshot: rebuilt } = await read();
  expect(differences(snapshot, rebuilt, model)).toEqual([]);
});

test("the worlds reached the states where an import must leave something out, and every kind and field this import must express", () => {
  if (SEEDS.length < 12) return;
  expect([...reasons].filter((r) => ["would not take it", "not a network address"].includes(r)).sort()).toEqual(["not a network address", "would not take it"]);
  expect([...reached].sort()).toEqual([
    "VLANs off",
    "VLANs on",
    "VLANs switched on",
    "access policy",
    "assumed value",
    "device attributes",
    "interface DHCP",
    "link aggregation",
    "macWhitelistLimit",
    "port on an access policy",
    "prefix assignment without autonomous",
    "static route",
    "template VLAN same",
    "template VLAN unique",
    "uplink module port",
  ]);
});

test("the generated programs compile with the project's TypeScript settings and with their own", () => {
  expect(programs.length).toBe(CLI_SEEDS.length);
  expect(typeErrors(programs)).toEqual([]);
  expect(typeErrors([programs[0]], path.join(path.dirname(programs[0]), "tsconfig.json"))).toEqual([]);
});
