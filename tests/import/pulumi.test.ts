/**
 * The first `pulumi up` of an imported program sends no action batch: the real Pulumi engine runs
 * the imported project as a user runs it, and every Create takes over what is there. Measured from
 * the emulator's request log and the stack's state.
 */
import * as path from "path";
import { CAMPUS_API_KEY, DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { describeReal, expectOk, PulumiProject, stepsOf } from "../helpers/real-pulumi";
import { removeWorkDirs, run, workDir } from "./support";

const ORG = "1234567";
describeReal("the first pulumi up of an imported program", (tc) => {
  let t: TestEmulator;

  beforeAll(async () => {
    t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 0 });
  });
  afterAll(async () => {
    await t?.close();
    removeWorkDirs();
  });

  test("the first up of the imported branch takes every resource over (VLAN settings, VLANs, tags, ports) and sends no action batch; a second up changes nothing", async () => {
    expect((await run(["apply", "examples/branch-office", "--base-url", t.emu.url, "--org", ORG, "--yes"], DEMO_API_KEY)).code).toBe(0);
    const dir = path.join(workDir("pulumi"), "branch");
    expect((await run(["import", dir, "--base-url", t.emu.url, "--org", ORG], DEMO_API_KEY)).code).toBe(0);
    const batchesBefore = (await t.api.get(`/organizations/${ORG}/actionBatches`)).body as unknown[];
    const portBefore = (await t.api.get("/devices/AAAA-BBBB-CCCC/switch/ports/10")).body;
    await t.control.clearRequests();

    const project = await PulumiProject.create(tc, { program: dir, config: { "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": ORG }, env: { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY } });
    try {
      const first = expectOk(await project.run(["up", "--yes"]));
      const steps = stepsOf(first.events);
      expect(steps.every((s) => s.op === "create")).toBe(true);
      // The branch as a person would write it: VLAN settings, 5 VLANs, 2 tag sets, port ranges as SwitchPorts.
      expect(steps.filter((s) => s.type.endsWith(":SwitchPorts")).length).toBeGreaterThan(0);

      const requests = await t.control.requests();
      expect(requests.filter((r) => /actionBatches/.test(r.path))).toEqual([]);
      expect(requests.filter((r) => r.method !== "GET")).toEqual([]);
      expect(((await t.api.get(`/organizations/${ORG}/actionBatches`)).body as unknown[]).length).toBe(batchesBefore.length);
      expect((await t.api.get("/devices/AAAA-BBBB-CCCC/switch/ports/10")).body).toEqual(portBefore);

      // Taken over as they are: the VLAN settings and the desk ports record as original what they hold now.
      const state = await project.state();
      expect(state["branch-office-vlans-settings"].outputs).toMatchObject({ networkId: "L_000000000000000", vlansEnabled: true, original: { vlansEnabled: true } });
      expect(state["switch-a-desk-a"].outputs.original["10"]).toEqual({ name: "Desk A10", vlan: 10, voiceVlan: 20, stpGuard: "bpdu guard" });

      await t.control.clearRequests();
      const second = expectOk(await project.run(["up", "--yes"]));
      expect(stepsOf(second.events).filter((s) => s.op !== "same")).toEqual([]);
      expect((await t.control.requests()).filter((r) => r.method !== "GET")).toEqual([]);
    } finally {
      await project.dispose();
    }
  }, 240_000);

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
      const project = await PulumiProject.create(tc, { program: dir, config: { "meraki-batch:baseUrl": campus.emu.url, "meraki-batch:organizationId": CAMPUS }, env: { MERAKI_DASHBOARD_API_KEY: CAMPUS_API_KEY } });
      try {
        const up = expectOk(await project.run(["up", "--yes", "--skip-preview"]));
        // The core's settings (off), the branch's settings (on) and its template VLAN 1.
        expect(stepsOf(up.events).map((s) => s.op)).toEqual(["create", "create", "create"]);
        expect((await campus.control.requests()).filter((r) => r.method !== "GET")).toEqual([]);
        expect((await project.state())["retail-branch-template-vlan-1"].outputs).toMatchObject({ templateVlanType: "same", cidr: "192.168.128.0/24", mask: 24 });
      } finally {
        await project.dispose();
      }
    } finally {
      await campus.close();
    }
  }, 240_000);
});
