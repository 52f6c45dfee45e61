/**
 * `pulumi up`, `preview` and `destroy` of examples/branch-office through Pulumi's Automation API
 * (LocalWorkspace on a project directory), against the emulator, with the real CLI that
 * `npm run pulumi:install` builds.
 */
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { offlineEnv } from "../../tools/pulumi/toolchain";
import { TestEmulator, testEmulator } from "../helpers/api";
import { describeReal, PulumiProject } from "../helpers/real-pulumi";

describeReal("Automation API: up / preview / destroy of examples/branch-office", (tc) => {
  let t: TestEmulator;
  let project: PulumiProject;
  beforeAll(async () => {
    t = await testEmulator({ frozenClock: false, rateLimit: 10, batchLatencyMs: 20 });
    project = await PulumiProject.create(tc, {
      program: path.resolve(__dirname, "..", "..", "examples", "branch-office"),
      config: { "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": "1234567" },
    });
  }, 120_000);
  afterAll(async () => {
    await project?.dispose();
    await t?.close();
  });

  test("up applies the branch, preview shows no changes, destroy restores the ports; the key (a stack secret) is in no state", async () => {
    const { LocalWorkspace, PulumiCommand } = await import("@pulumi/pulumi/automation");
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(tc.binDir) });
    const envVars = offlineEnv(tc, project.home) as Record<string, string>;
    const stack = await LocalWorkspace.selectStack({ stackName: "dev", workDir: project.dir }, { pulumiCommand, envVars });
    await stack.setConfig("meraki-batch:apiKey", { value: DEMO_API_KEY, secret: true });
    const up = await stack.up({ parallel: 64 });
    expect(up.summary.result).toBe("succeeded");
    expect((await t.api.get(`/devices/AAAA-BBBB-CCCC/switch/ports/1`)).body).toMatchObject({ vlan: 99 });
    const preview = await stack.preview();
    expect(preview.changeSummary.update ?? 0).toBe(0);
    expect(preview.changeSummary.create ?? 0).toBe(0);
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect((await t.api.get(`/devices/AAAA-BBBB-CCCC/switch/ports/1`)).body).toMatchObject({ vlan: 1, tags: [] });
    const exported = JSON.stringify(await stack.exportStack());
    expect(exported).not.toContain(DEMO_API_KEY);
  }, 300_000);
});
