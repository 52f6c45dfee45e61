/**
 * The first `pulumi up` of an imported program sends no action batch: the program runs as Pulumi
 * runs it (@pulumi/pulumi/cmd/run), its resources go through the real dynamic-provider plugin
 * (tests/helpers/dynamic-provider.ts, driven by the fake engine's Check and Create), and every
 * Create takes over what is there. Measured from the emulator's request log.
 */
import * as path from "path";
import { CAMPUS_API_KEY, DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { runProgram } from "../helpers/fake-engine";
import { removeWorkDirs, run, workDir } from "./support";

const ORG = "1234567";
let t: TestEmulator;

beforeAll(async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 0 });
});
afterAll(async () => {
  await t?.close();
  removeWorkDirs();
});

test("the first up of the imported branch creates all 101 resources (VLAN settings, VLANs, device attributes, tags, ports) and no action batch; a second up changes nothing", async () => {
  expect((await run(["apply", "examples/branch-office", "--base-url", t.emu.url, "--org", ORG, "--yes"], DEMO_API_KEY)).code).toBe(0);
  const dir = path.join(workDir("pulumi"), "branch");
  expect((await run(["import", dir, "--base-url", t.emu.url, "--org", ORG], DEMO_API_KEY)).code).toBe(0);
  const batchesBefore = (await t.api.get(`/organizations/${ORG}/actionBatches`)).body as unknown[];
  const portBefore = (await t.api.get("/devices/AAAA-BBBB-CCCC/switch/ports/10")).body;
  await t.control.clearRequests();

  const config = { "meraki-batch:apiKey": DEMO_API_KEY, "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": ORG };
  const up = () => runProgram({ programDir: dir, project: "branch", stack: "dev", config, secretKeys: ["meraki-batch:apiKey"], parallel: 16 });
  const first = await up();
  expect(first.stderr).toBe("");
  expect(first.exitCode).toBe(0);
  expect(first.steps).toEqual({ create: 101, update: 0, same: 0 });

  const requests = await t.control.requests();
  expect(requests.filter((r) => /actionBatches/.test(r.path))).toEqual([]);
  expect(requests.filter((r) => r.method !== "GET")).toEqual([]);
  expect(((await t.api.get(`/organizations/${ORG}/actionBatches`)).body as unknown[]).length).toBe(batchesBefore.length);
  expect((await t.api.get("/devices/AAAA-BBBB-CCCC/switch/ports/10")).body).toEqual(portBefore);

  // Taken over as they are: the VLAN settings and a port record as original what they hold now.
  const settings = Object.entries(first.state).find(([urn]) => urn.endsWith("::branch-office-vlans-settings"));
  expect(settings?.[1].outputs).toMatchObject({ networkId: "L_000000000000000", vlansEnabled: true, original: { vlansEnabled: true } });
  const desk = Object.entries(first.state).find(([urn]) => urn.endsWith("::switch-a-desk-a-10"));
  expect(desk?.[1].outputs).toMatchObject({ name: "Desk A10", vlan: 10, voiceVlan: 20, original: { name: "Desk A10", vlan: 10, voiceVlan: 20, stpGuard: "bpdu guard" } });

  const second = await runProgram({ programDir: dir, project: "branch", stack: "dev", config, secretKeys: ["meraki-batch:apiKey"], parallel: 16, state: first.state });
  expect(second.exitCode).toBe(0);
  expect(second.steps).toEqual({ create: 0, update: 0, same: 101 });
  expect((await t.control.requests()).filter((r) => r.method !== "GET")).toEqual([]);
});

test("VLANs off, and a network bound to a configuration template: the first up of their import sends no action batch either", async () => {
  const campus = await testEmulator({ seed: "campus", frozenClock: false, rateLimit: 0, batchLatencyMs: 0 });
  try {
    const CAMPUS = "2930418";
    const BRANCH = "L_646829496481199001";
    const CORE = "L_646829496481105433";
    expect((await campus.api.withKey(CAMPUS_API_KEY).put(`/networks/${CORE}/appliance/vlans/settings`, { vlansEnabled: false })).status).toBe(200);
    const dir = path.join(workDir("pulumi-campus"), "campus");
    const imported = await run(["import", dir, "--base-url", campus.emu.url, "--org", CAMPUS, "--network", `${CORE},${BRANCH}`, "--kinds", "vlans"], CAMPUS_API_KEY);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(": 1 VLAN in 1 network, VLANs off in 1 network.");
    await campus.control.clearRequests();
    const config = { "meraki-batch:apiKey": CAMPUS_API_KEY, "meraki-batch:baseUrl": campus.emu.url, "meraki-batch:organizationId": CAMPUS };
    const up = await runProgram({ programDir: dir, project: "campus", stack: "dev", config, secretKeys: ["meraki-batch:apiKey"], parallel: 8 });
    expect(up.stderr).toBe("");
    expect(up.exitCode).toBe(0);
    // The core's settings (off), the branch's settings (on) and its template VLAN 1.
    expect(up.steps).toEqual({ create: 3, update: 0, same: 0 });
    expect((await campus.control.requests()).filter((r) => r.method !== "GET")).toEqual([]);
    const vlan = Object.entries(up.state).find(([urn]) => urn.endsWith("::retail-branch-template-vlan-1"));
    expect(vlan?.[1].outputs).toMatchObject({ templateVlanType: "same", cidr: "192.168.128.0/24", mask: 24 });
  } finally {
    await campus.close();
  }
});
