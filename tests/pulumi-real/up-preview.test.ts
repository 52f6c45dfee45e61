/**
 * examples/branch-office under the real Pulumi engine, run as a user runs it: `pulumi preview`,
 * `pulumi up`, `pulumi up` again. Checked in the emulator's request log, its live state and the
 * stack's state.
 */
import * as fs from "fs";
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { cli } from "../helpers/cli";
import { testEmulator, TestEmulator } from "../helpers/api";
import { describeReal, expectOk, plannedOf, PulumiProject, readmeExcerptMisses, stepsOf } from "../helpers/real-pulumi";

const PROGRAM = path.resolve(__dirname, "..", "..", "examples", "branch-office");
const README = fs.readFileSync(path.resolve(__dirname, "..", "..", "README.md"), "utf8");
const writes = (log: any[]) => log.filter((r) => r.method !== "GET");
const batchPath = /^\/api\/v1\/organizations\/\d+\/actionBatches/;

describeReal("examples/branch-office: preview, up, up again", (tc) => {
  let t: TestEmulator;
  let project: PulumiProject;
  beforeAll(async () => {
    t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
    project = await PulumiProject.create(tc, {
      program: PROGRAM,
      config: { "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": "1234567" },
      env: { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY },
    });
  }, 120_000);
  afterAll(async () => {
    await project?.dispose();
    await t?.close();
  });

  test("preview: every resource with its operation, and nothing written", async () => {
    await t.control.clearRequests();
    const r = expectOk(await project.run(["preview"]));
    const planned = plannedOf(r.events);
    // 5 VLANs, 2 tag sets and per switch its ports: port 1, the desks (2-40) and APs (41-44) as
    // SwitchPorts, the uplink (48). The engine's steps are creates (the stack is new).
    expect(planned).toHaveLength(15);
    expect(planned.filter((p) => p.type.endsWith(":SwitchPorts")).map((p) => p.name).sort()).toEqual(["switch-a-ap", "switch-a-desk", "switch-b-ap", "switch-b-desk"]);
    expect(new Set(planned.map((p) => p.op))).toEqual(new Set(["create"]));
    expect(planned.filter((p) => p.type.endsWith(":Vlan")).map((p) => p.name).sort()).toEqual(["api-vlan", "guest", "management", "users", "voice"]);
    expect(r.stdout).toContain("+ 16 to create"); // the 15 and the stack
    expect(writes(await t.control.requests())).toEqual([]);
    // The README's excerpt of a preview is this output.
    expect(readmeExcerptMisses(README, "preview", r.stdout)).toEqual([]);
  }, 240_000);

  test("up: converges through batches only, with per-resource steps, and reads every applied field back", async () => {
    await t.control.clearRequests();
    const r = expectOk(await project.run(["up", "--yes"]));
    const steps = stepsOf(r.events);
    expect(steps).toHaveLength(15);
    expect(new Set(steps.map((s) => s.op))).toEqual(new Set(["create"]));
    const log = await t.control.requests();
    // Every write is an action batch (create, confirm); no per-resource PUT, POST or DELETE.
    const w = writes(log);
    expect(w.length).toBeGreaterThan(0);
    expect(w.filter((x) => !batchPath.test(x.path))).toEqual([]);
    // Read back: after each batch is confirmed, the collections it touched are read again.
    const lastConfirm = Math.max(...log.filter((x) => x.method === "PUT").map((x) => x.seq));
    expect(log.some((x) => x.seq > lastConfirm && x.method === "GET" && /switch\/ports/.test(x.path))).toBe(true);
    // The live network is the program: the CLI, planning the same program, finds nothing to do.
    const plan = await cli(["plan", project.dir, "--base-url", t.emu.url, "--detailed-exitcode"], { env: { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY } });
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(0);
    expect((await t.api.get("/devices/AAAA-BBBB-CCCC/switch/ports/1")).body).toMatchObject({ vlan: 99, tags: ["APIness"] });
    // The stack's state: each resource with its inputs; ports and tags with what they took over.
    const state = await project.state();
    expect(Object.keys(state)).toHaveLength(15);
    expect(state["switch-a-port-1"].outputs).toMatchObject({ serial: "AAAA-BBBB-CCCC", portId: "1", vlan: 99, original: { vlan: 1, tags: [] } });
    // A SwitchPorts resource: the shared fields once, per-port names as overrides, per-port originals.
    const desk = state["switch-a-desk"].outputs;
    expect(desk).toMatchObject({ serial: "AAAA-BBBB-CCCC", ports: "2-40", vlan: 10, voiceVlan: 20, overrides: { "5": { name: "Desk A5" } } });
    expect(Object.keys(desk.original)).toHaveLength(39);
    expect(desk.original["5"]).toEqual({ name: null, type: "access", vlan: 1, voiceVlan: null, stpGuard: "disabled" });
    expect(readmeExcerptMisses(README, "up", r.stdout)).toEqual([]);
    expect(state["api-vlan"].outputs).toMatchObject({ vlanId: 99, name: "API-VLAN" });
  }, 240_000);

  test("a second up changes nothing and sends no write", async () => {
    await t.control.clearRequests();
    const r = expectOk(await project.run(["up", "--yes"]));
    expect(stepsOf(r.events).filter((s) => s.op !== "same")).toEqual([]);
    expect(r.stdout).toMatch(/16 unchanged/);
    expect(writes(await t.control.requests())).toEqual([]);
  }, 240_000);

  test("drift made in the Dashboard shows in a plain preview, as the README shows it", async () => {
    expect((await t.api.put("/devices/AAAA-BBBB-CCCC/switch/ports/5", { vlan: 30, name: "Temporary guest desk" })).status).toBe(200);
    const r = expectOk(await project.run(["preview"]));
    expect(readmeExcerptMisses(README, "drift", r.stdout)).toEqual([]);
  }, 240_000);
});
