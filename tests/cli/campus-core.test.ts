/**
 * examples/campus-core through the CLI (issue #24): the first plan (two batches, the second after
 * batch #1 for the ids it assigns), apply, the second plan (empty), a saved plan staged, checked
 * and applied, and the RADIUS secret nowhere but in the batch the API received.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CAMPUS_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { cli } from "../helpers/cli";

let t: TestEmulator;
let dir: string;
const SECRET = "radius-secret-for-tests";
beforeEach(async () => {
  t = await testEmulator({ frozenClock: false, seed: "campus", rateLimit: 0, batchLatencyMs: 20 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "campus-core-"));
});
afterEach(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ MERAKI_DASHBOARD_API_KEY: CAMPUS_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: t.emu.url, RADIUS_SECRET: SECRET });
/** The example's stack file points at a local emulator on port 8787: this one is elsewhere. */
const at = () => ["--base-url", t.emu.url];
const api = () => t.api.withKey(CAMPUS_API_KEY);
const CORE = "L_646829496481105433";

test("first plan, apply, second plan: the ports and DHCP settings go after batch #1, which assigns their ids", async () => {
  const plan = await cli(["plan", "examples/campus-core", ...at()], { env: env() });
  expect(plan.code).toBe(0);
  expect(plan.stdout).toContain("58 actions in 2 batches");
  expect(plan.stdout).toContain("  #1  15 actions, synchronous: 1 Vlan create, 1 SwitchAccessPolicy create, 1 Device update, 4 SwitchRoutingInterface creates, 2 SwitchStaticRoute creates, 4 SwitchPort updates, 2 LinkAggregation creates");
  expect(plan.stdout).toContain("  #2  43 actions, asynchronous, after batch #1 (the ids it assigns): 3 SwitchRoutingInterface updates, 40 SwitchPort updates");
  expect(plan.stdout).toContain("accessPolicyNumber – → {id of switchAccessPolicy/L_646829496481105433/Desks 802.1X}");
  expect(plan.stdout).toContain("update  /devices/Q2CA-MS00-0001/switch/routing/interfaces/{id of switchRoutingInterface/Q2CA-MS00-0001/100}/dhcp");
  expect(plan.stdout).not.toContain(SECRET);

  const apply = await cli(["apply", "examples/campus-core", "--yes", ...at()], { env: env() });
  expect(apply.code).toBe(0);
  expect(apply.stdout).toContain("Applied: 55 applied, 0 failed, 0 not applied, 0 unchanged; 2 of 2 batches completed; read back: every applied field is live.");
  expect(apply.stdout + apply.stderr).not.toContain(SECRET);

  const [policy] = (await api().get(`/networks/${CORE}/switch/accessPolicies`)).body;
  expect(policy).toMatchObject({ name: "Desks 802.1X", accessPolicyType: "Hybrid authentication", guestVlanId: 300 });
  expect((await api().get("/devices/Q2CA-MS00-0004/switch/ports/7")).body).toMatchObject({ name: "Desk 7", accessPolicyType: "Custom access policy", accessPolicyNumber: Number(policy.accessPolicyNumber) });
  const interfaces = (await api().get("/devices/Q2CA-MS00-0001/switch/routing/interfaces")).body;
  expect(interfaces.map((i: { vlanId: number }) => i.vlanId)).toEqual([10, 100, 200, 300]);
  const iot = interfaces.find((i: { vlanId: number }) => i.vlanId === 300);
  expect((await api().get(`/devices/Q2CA-MS00-0001/switch/routing/interfaces/${iot.interfaceId}/dhcp`)).body).toMatchObject({ dhcpMode: "dhcpRelay", dhcpRelayServerIps: ["10.0.10.67"] });
  expect((await api().get(`/networks/${CORE}/switch/linkAggregations`)).body).toHaveLength(2);
  expect((await api().get("/devices/Q2CA-MS00-0001/switch/routing/staticRoutes")).body).toHaveLength(2);

  const again = await cli(["plan", "examples/campus-core", "--detailed-exitcode", ...at()], { env: env() });
  expect(again.code).toBe(0);
  expect(again.stdout).toContain("No changes. The live network matches the program.");
});

test("a saved plan with staged batches: no secret in the file, the second batch made at apply, exactly what was shown", async () => {
  const file = path.join(dir, "plan.json");
  const md = path.join(dir, "plan.md");
  const staged = await cli(["plan", "examples/campus-core", "--out", file, "--markdown", md, "--stage", ...at()], { env: env() });
  expect(staged.code).toBe(0);
  const saved = JSON.parse(fs.readFileSync(file, "utf8"));
  expect(fs.readFileSync(file, "utf8")).not.toContain(SECRET);
  expect(fs.readFileSync(md, "utf8")).not.toContain(SECRET);
  expect(fs.readFileSync(md, "utf8")).toContain("| 2 | 43 | asynchronous | after #1 (the ids it assigns) |");
  // Batch #1 is staged; #2 cannot be before #1 ran.
  expect(saved.batches.map((b: { stagedId?: string }) => typeof b.stagedId)).toEqual(["string", "undefined"]);
  const applied = await cli(["apply", "--plan", file, "--yes", "--json"], { env: env() });
  expect(applied.code).toBe(0);
  const report = JSON.parse(applied.stdout);
  expect(report.digest).toBe(saved.digest);
  expect(report.batches.map((b: { id: string; state: string }) => b.state)).toEqual(["completed", "completed"]);
  expect(report.batches[0].id).toBe(saved.batches[0].stagedId);
  expect(applied.stdout).not.toContain(SECRET);
  // What the API holds is the plan filled in: the batch listing never shows the secret.
  const list = await cli(["batches", "list", "--json"], { env: env() });
  expect(list.stdout).toContain('"secret": "(secret)"');
  expect(list.stdout).not.toContain(SECRET);
  expect((await cli(["plan", "examples/campus-core", "--detailed-exitcode", ...at()], { env: env() })).code).toBe(0);
});

test("without RADIUS_SECRET nothing is sent, and the run says which variable is missing", async () => {
  const r = await cli(["apply", "examples/campus-core", "--yes", ...at()], { env: { ...env(), RADIUS_SECRET: undefined } });
  expect(r.code).toBe(1);
  expect(r.stdout).toContain("environment variable RADIUS_SECRET is not set: the secrets the plan sends are read from it (nothing was sent)");
  expect((await api().get(`/organizations/2930418/actionBatches`)).body).toEqual([]);
});
