/**
 * What Pulumi users see on their resources, under the real engine (read from its events): in
 * `pulumi preview`, each resource whose live fields differ from the program gets one line with the
 * fields and both values (no refresh needed); in `pulumi up`, each resource's batch and its
 * position; one warning when --parallel split the deployment into more batches than needed; never
 * the API key.
 */
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { testEmulator, TestEmulator } from "../helpers/api";
import { describeReal, diagnosticsOf, expectOk, PulumiProject, RunResult } from "../helpers/real-pulumi";

const TEMPLATE = path.resolve(__dirname, "..", "fixtures", "pulumi-project");
const SW = "AAAA-BBBB-CCCC";
const PROGRAM = `
import * as meraki from "meraki-batch";
new meraki.Vlan("lab", { networkId: "L_000000000000000", vlanId: 60, name: "Lab", subnet: "10.60.0.0/24", applianceIp: "10.60.0.1" });
new meraki.SwitchPort("printer", { serial: "${SW}", portId: "3", name: "Printer", vlan: 10 });
meraki.switchPorts("desks", { serial: "${SW}", ports: "5-10" }, (port) => ({ name: "Desk " + port, vlan: 20 }));
`;
const onResource = (r: RunResult, name: string) => diagnosticsOf(r.events).filter((d) => d.name === name && d.severity === "info").map((d) => d.message.trim());
/**
 * The drift line of a resource: on it, or, for the one resource whose call was the plugin's first
 * (it comes before the hook that knows URNs, provider/dynamic/engine-hooks.ts), on the deployment,
 * naming the object.
 */
const driftOf = (r: RunResult, name: string, object: string) => {
  const own = onResource(r, name);
  if (own.length) return own;
  return diagnosticsOf(r.events)
    .filter((d) => !d.name && d.severity === "info" && d.message.startsWith(`${object}`))
    .map((d) => d.message.trim().replace(/^.*?(?: and \d+ more)?: (?=live|ports? )/, ""));
};

describeReal("diagnostics on resources", (tc) => {
  let t: TestEmulator;
  let project: PulumiProject;
  beforeAll(async () => {
    t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
    project = await PulumiProject.create(tc, {
      program: TEMPLATE,
      config: { "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": "1234567" },
      env: { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY },
    });
    project.writeProgram(PROGRAM);
  }, 120_000);
  afterAll(async () => {
    await project?.dispose();
    await t?.close();
  });

  test("preview: what each resource would change in the live network, field by field", async () => {
    const r = expectOk(await project.run(["preview"]));
    expect(driftOf(r, "printer", "port 3 of")).toEqual(['live name –, program "Printer"; live vlan 1, program 10']);
    expect(driftOf(r, "desks", "port 5 of")).toEqual(['ports 5-10: live name –, program per port (port 5: "Desk 5"); live vlan 1, program 20']);
    // At most one resource's line (the plugin's first call) is not on its resource.
    expect(onResource(r, "printer").length + onResource(r, "desks").length).toBeGreaterThanOrEqual(1);
    // A VLAN to create has no live fields.
    expect(onResource(r, "lab")).toEqual([]);
  }, 240_000);

  test("up: each resource's batch, by its id and position; nothing for what did not change", async () => {
    const r = expectOk(await project.run(["up", "--yes", "--skip-preview"]));
    const batches = (await t.api.get("/organizations/1234567/actionBatches")).body as any[];
    expect(batches).toHaveLength(1);
    const line = `batch ${batches[0].id} (1 of 1)`;
    for (const name of ["lab", "printer", "desks"]) expect(onResource(r, name)).toContain(line);
    const again = expectOk(await project.run(["up", "--yes", "--skip-preview"]));
    expect(diagnosticsOf(again.events).filter((d) => d.severity === "info" && d.name)).toEqual([]);
  }, 240_000);

  test("preview shows drift made in the Dashboard without a refresh", async () => {
    await t.api.put(`/devices/${SW}/switch/ports/7`, { vlan: 30 });
    await t.api.put(`/devices/${SW}/switch/ports/3`, { name: "Old printer" });
    const r = expectOk(await project.run(["preview"]));
    expect(driftOf(r, "desks", "port 7 of")).toEqual(["port 7: live vlan 30, program 20"]);
    expect(driftOf(r, "printer", "port 3 of")).toEqual(['live name "Old printer", program "Printer"']);
    expect(r.stdout).toMatch(/~ 2 to update/);
  }, 240_000);

  test("one warning when --parallel split the deployment, and none when it did not; never the key", async () => {
    const perPort = `
import * as meraki from "meraki-batch";
for (let port = 11; port <= 22; port++) new meraki.SwitchPort("p" + port, { serial: "${SW}", portId: String(port), name: "P" + port });
`;
    project.writeProgram(perPort);
    const split = expectOk(await project.run(["up", "--yes", "--skip-preview", "--parallel", "2"]));
    const warnings = diagnosticsOf(split.events).filter((d) => d.severity === "warning" && /parallel/.test(d.message));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(/--parallel split this deployment: its \d+ actions went in \d+ batches, where 1 would do\. .*at most --parallel resources at a time \(2 here\): raise --parallel \(or PULUMI_PARALLEL\)/);

    project.writeProgram(perPort.replace(/name: "P" \+ port/, 'name: "Q" + port'));
    const whole = expectOk(await project.run(["up", "--yes", "--skip-preview", "--parallel", "64"]));
    expect(diagnosticsOf(whole.events).filter((d) => d.severity === "warning" && /parallel/.test(d.message))).toEqual([]);

    for (const run of [split, whole]) expect(JSON.stringify(run.events)).not.toContain(DEMO_API_KEY);
  }, 240_000);
});
