/**
 * Import of the campus switching kinds (issue #24): examples/campus-core applied, then imported
 * back. The program a person would write (the policy as a constant whose number the desk ports
 * use, RADIUS secrets from the environment, interfaces with their DHCP settings, routes,
 * aggregations naming the devices' constants, device attributes), the reads it took, and its
 * first plan: empty, through the model and through the CLI; and it compiles.
 */
import { CAMPUS_API_KEY } from "../../emulator/seeds";
import { DashboardClient, Engine } from "../../provider";
import { buildModel, modelResources, secretVariable } from "../../provider/import/model";
import { readForImport } from "../../provider/import/read";
import { renderIndex } from "../../provider/import/render";
import { makePlan, validate } from "../../provider/plan/plan";
import { TestEmulator, testEmulator } from "../helpers/api";
import { removeWorkDirs, run, typeErrors, workDir } from "./support";
import * as fs from "fs";
import * as path from "path";

const ORG = "2930418";
const CORE = "L_646829496481105433";
let t: TestEmulator;
let client: DashboardClient;

beforeAll(async () => {
  t = await testEmulator({ seed: "campus", frozenClock: false, rateLimit: 0, batchLatencyMs: 0 });
  client = new DashboardClient({ apiKey: CAMPUS_API_KEY, baseUrl: t.emu.url, requestsPerSecond: 1000 });
  const applied = await run(["apply", "examples/campus-core", "--yes", "--base-url", t.emu.url], CAMPUS_API_KEY, { RADIUS_SECRET: "s" });
  expect(applied.code).toBe(0);
});
afterAll(async () => {
  await client?.close();
  await t?.close();
  removeWorkDirs();
});

test("the model: what a person would write, and it plans to nothing as Pulumi's first up and as the CLI", async () => {
  await t.control.clearRequests();
  const { snapshot, scope } = await readForImport(client, ORG, { networks: [CORE] });
  const reads = (await t.control.requests()).map((r) => r.path.replace("/api/v1", ""));
  // One list per collection; DHCP settings one per interface (no list endpoint): 4 interfaces.
  expect(reads.filter((p) => p.endsWith("/dhcp"))).toHaveLength(4);
  expect(reads.filter((p) => /accessPolicies|linkAggregations/.test(p)).sort()).toEqual([`/networks/${CORE}/switch/accessPolicies`, `/networks/${CORE}/switch/linkAggregations`]);

  const model = buildModel(snapshot, scope);
  expect(model.counts).toMatchObject({ policies: 1, aggregations: 2, interfaces: 4, routes: 2 });
  const text = renderIndex(model);
  const env = secretVariable("Desks 802.1X");
  expect(env).toBe("RADIUS_SECRET_DESKS_802_1X");
  expect(text).toContain(`const desks8021X = new meraki.SwitchAccessPolicy("campus-core-desks-802-1x", {`);
  expect(text).toContain(`radiusServers: [{ host: "10.0.10.20", port: 1812, secret: meraki.secretFromEnv("${env}") }],`);
  expect(text).toMatch(/meraki\.switchPorts\("access-switch-4-desk", \{ serial: accessSwitch4, ports: "1-40" \}, \(port\) => \(\{\n  name: `Desk \$\{port\}`,\n[^]*accessPolicyNumber: desks8021X\.accessPolicyNumber,/);
  expect(text).toContain('new meraki.SwitchRoutingInterface("core-1-vlan-300-interface", {');
  expect(text).toContain('dhcp: { dhcpMode: "dhcpRelay", dhcpRelayServerIps: ["10.0.10.67"] },');
  expect(text).toContain('new meraki.SwitchStaticRoute("core-1-route-0-0-0-0-0", {');
  expect(text).toContain('switchPorts: [{ serial: accessSwitch4, portId: "49" }, { serial: accessSwitch4, portId: "50" }],');
  expect(text).toContain('new meraki.Device("core-1-device", {');
  expect(model.assumed).toContainEqual({ what: `RADIUS secrets, read from $${env}`, why: "the API does not return them: set the variable where batches are sent (they are sent when the policy's servers change)", where: [`access policy 'Desks 802.1X' on ${CORE}`] });
  expect(model.dropped).toEqual([]);
  // The ports use the policy through a reference, as the CLI sees the program's output.
  // The desks are one SwitchPorts resource: the policy is a shared field of its ports.
  const desk = modelResources(model).find((r) => r.name === "access-switch-4-desk")!;
  expect(desk).toMatchObject({ kind: "switchPorts", props: { ports: "1-40", accessPolicyNumber: { $ref: "campus-core-desks-802-1x", kind: "switchAccessPolicy", output: "accessPolicyNumber" } } });
  for (const intent of ["create", "ensure"] as const) {
    const { items } = validate(modelResources(model).map((r) => ({ ...r, intent })));
    expect(makePlan(items, [], snapshot).summary.actions).toBe(0);
  }
});

test("through the CLI: the imported program plans with no changes, declares what the model holds, and compiles", async () => {
  const dir = workDir("campus-core");
  const imported = await run(["import", dir, "--network", CORE, "--base-url", t.emu.url, "--org", ORG], CAMPUS_API_KEY);
  expect(imported.stderr).toBe("");
  expect(imported.code).toBe(0);
  expect(imported.stdout).toContain("1 access policy, 2 link aggregations, 4 layer 3 interfaces, 2 static routes");
  expect(fs.readFileSync(path.join(dir, "README.md"), "utf8")).toContain("RADIUS secrets, read from $RADIUS_SECRET_DESKS_802_1X");
  const plan = await run(["plan", dir, "--detailed-exitcode"], CAMPUS_API_KEY);
  expect(plan.stderr).toBe("");
  expect(plan.code).toBe(0);
  expect(plan.stdout).toContain("No changes. The live network matches the program.");
  // Applying it sends nothing, with or without the secret's variable (nothing to send).
  const apply = await run(["apply", dir, "--yes"], CAMPUS_API_KEY);
  expect(apply.code).toBe(0);
  expect(typeErrors([path.join(dir, "index.ts")])).toEqual([]);
  // The same program, from a fresh start, rebuilds what was imported (the engine, on a reset world).
  const { snapshot, scope } = await readForImport(client, ORG, { networks: [CORE] });
  const resources = modelResources(buildModel(snapshot, scope));
  await t.control.reset();
  const engine = new Engine(client, { organizationId: ORG });
  process.env.RADIUS_SECRET_DESKS_802_1X = "s";
  try {
    const result = await engine.apply(await engine.plan(resources));
    expect(result.ok).toBe(true);
    expect(result.batches.length).toBe(2);
  } finally {
    delete process.env.RADIUS_SECRET_DESKS_802_1X;
  }
  expect((await engine.plan(resources)).summary.actions).toBe(0);
});
