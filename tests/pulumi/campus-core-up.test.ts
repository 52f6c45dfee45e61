/**
 * examples/campus-core as Pulumi runs it (issue #24): the program under @pulumi/pulumi/cmd/run,
 * its resources through the real dynamic-provider plugin (tests/helpers/fake-engine.ts). The desk
 * ports take the access policy's number from its output, so they are registered once the policy
 * is created; the interfaces' ids are outputs; a second up changes nothing. The RADIUS secret,
 * read from the plugin's environment, is in no state.
 */
import * as path from "path";
import { CAMPUS_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { runProgram } from "../helpers/fake-engine";

const ROOT = path.resolve(__dirname, "..", "..");
const SECRET = "campus-core-up-secret";
let t: TestEmulator;

beforeAll(async () => {
  t = await testEmulator({ seed: "campus", frozenClock: false, rateLimit: 0, batchLatencyMs: 0 });
});
afterAll(() => t?.close());

test("pulumi up of examples/campus-core: 55 resources, the ports on the policy's number, then nothing to change", async () => {
  const config = { "meraki-batch:apiKey": CAMPUS_API_KEY, "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": "2930418" };
  const up = (state?: Awaited<ReturnType<typeof runProgram>>["state"]) =>
    runProgram({ programDir: path.join(ROOT, "examples/campus-core"), project: "campus-core", stack: "dev", config, secretKeys: ["meraki-batch:apiKey"], parallel: 64, env: { RADIUS_SECRET: SECRET }, state });
  const first = await up();
  expect([first.exitCode, first.stderr, first.logs.filter((l) => /error/i.test(l))]).toEqual([0, "", []]);
  expect(first.steps).toEqual({ create: 55, update: 0, same: 0 });
  const byName = (name: string) => Object.entries(first.state).find(([urn]) => urn.endsWith(`::${name}`))![1];
  const policy = byName("desks-8021x");
  const [live] = (await t.api.withKey(CAMPUS_API_KEY).get("/networks/L_646829496481105433/switch/accessPolicies")).body;
  expect(policy.outputs.accessPolicyNumber).toBe(Number(live.accessPolicyNumber));
  expect(byName("desk-7").outputs).toMatchObject({ accessPolicyType: "Custom access policy", accessPolicyNumber: Number(live.accessPolicyNumber) });
  expect(byName("core-staff").outputs.interfaceId).toMatch(/^\d+$/);
  expect(byName("default-route").outputs.staticRouteId).toMatch(/^\d+$/);
  expect(byName("desk-uplink").outputs.linkAggregationId).toEqual(expect.any(String));
  expect(JSON.stringify(first.state)).not.toContain(SECRET);
  expect((await t.api.withKey(CAMPUS_API_KEY).get("/devices/Q2CA-MS00-0004/switch/ports/7")).body.accessPolicyNumber).toBe(Number(live.accessPolicyNumber));

  const second = await up(first.state);
  expect(second.exitCode).toBe(0);
  expect(second.steps).toEqual({ create: 0, update: 0, same: 55 });
});
