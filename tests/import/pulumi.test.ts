/**
 * The first `pulumi up` of an imported program sends no action batch: the program runs as Pulumi
 * runs it (@pulumi/pulumi/cmd/run), its resources go through the real dynamic-provider plugin
 * (tests/helpers/dynamic-provider.ts, driven by the fake engine's Check and Create), and every
 * Create takes over what is there. Measured from the emulator's request log.
 */
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
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

test("the first up of the imported branch creates all 97 resources and no action batch; a second up changes nothing", async () => {
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
  expect(first.steps).toEqual({ create: 97, update: 0, same: 0 });

  const requests = await t.control.requests();
  expect(requests.filter((r) => /actionBatches/.test(r.path))).toEqual([]);
  expect(requests.filter((r) => r.method !== "GET")).toEqual([]);
  expect(((await t.api.get(`/organizations/${ORG}/actionBatches`)).body as unknown[]).length).toBe(batchesBefore.length);
  expect((await t.api.get("/devices/AAAA-BBBB-CCCC/switch/ports/10")).body).toEqual(portBefore);

  // Taken over as they are: a port's recorded original is what it holds now.
  const desk = Object.entries(first.state).find(([urn]) => urn.endsWith("::switch-a-desk-a-10"));
  expect(desk?.[1].outputs).toMatchObject({ name: "Desk A10", vlan: 10, voiceVlan: 20, original: { name: "Desk A10", vlan: 10, voiceVlan: 20, stpGuard: "bpdu guard" } });

  const second = await runProgram({ programDir: dir, project: "branch", stack: "dev", config, secretKeys: ["meraki-batch:apiKey"], parallel: 16, state: first.state });
  expect(second.exitCode).toBe(0);
  expect(second.steps).toEqual({ create: 0, update: 0, same: 97 });
  expect((await t.control.requests()).filter((r) => r.method !== "GET")).toEqual([]);
});
