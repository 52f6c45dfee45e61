/**
 * examples/campus-core under the real Pulumi engine (issue #24): the desk ports take the access
 * policy's number from its output, so they are registered once the policy is created (a later
 * batch); the interfaces', routes' and aggregations' ids are outputs; a second up changes nothing.
 * The RADIUS secret, read from the plugin's environment, is in no state.
 */
import * as path from "path";
import { CAMPUS_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { describeReal, expectOk, PulumiProject, stepsOf } from "../helpers/real-pulumi";

const ROOT = path.resolve(__dirname, "..", "..");
const SECRET = "campus-core-up-secret";

describeReal("pulumi up of examples/campus-core", (tc) => {
  let t: TestEmulator;
  let project: PulumiProject;
  beforeAll(async () => {
    t = await testEmulator({ seed: "campus", frozenClock: false, rateLimit: 0, batchLatencyMs: 0 });
    project = await PulumiProject.create(tc, {
      program: path.join(ROOT, "examples/campus-core"),
      config: { "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": "2930418" },
      env: { MERAKI_DASHBOARD_API_KEY: CAMPUS_API_KEY, RADIUS_SECRET: SECRET },
    });
  }, 120_000);
  afterAll(async () => {
    await project?.dispose();
    await t?.close();
  });

  test("every resource created, the ports on the policy's number, the ids as outputs, then nothing to change", async () => {
    const first = expectOk(await project.run(["up", "--yes", "--skip-preview"]));
    const steps = stepsOf(first.events);
    expect(steps.length).toBeGreaterThan(10);
    expect(steps.every((s) => s.op === "create")).toBe(true);
    const state = await project.state();
    const [live] = (await t.api.withKey(CAMPUS_API_KEY).get("/networks/L_646829496481105433/switch/accessPolicies")).body;
    expect(state["desks-8021x"].outputs.accessPolicyNumber).toBe(Number(live.accessPolicyNumber));
    expect(state.desk.outputs).toMatchObject({ accessPolicyType: "Custom access policy", accessPolicyNumber: Number(live.accessPolicyNumber) });
    expect(state["core-staff"].outputs.interfaceId).toMatch(/^\d+$/);
    expect(state["default-route"].outputs.staticRouteId).toMatch(/^\d+$/);
    // A LinkAggregation and a SwitchPorts share each name ("desk-uplink"): the list has both.
    const aggregations = (await project.stateList()).filter((r) => r.type.endsWith(":LinkAggregation"));
    expect(aggregations.map((a) => a.outputs.linkAggregationId)).toEqual([expect.any(String), expect.any(String)]);
    expect(await project.exportText()).not.toContain(SECRET);
    expect((await t.api.withKey(CAMPUS_API_KEY).get("/devices/Q2CA-MS00-0004/switch/ports/7")).body.accessPolicyNumber).toBe(Number(live.accessPolicyNumber));

    const second = expectOk(await project.run(["up", "--yes"]));
    expect(stepsOf(second.events).filter((s) => s.op !== "same")).toEqual([]);
  }, 300_000);
});
