/**
 * `pulumi up`, `preview` and `destroy` of examples/branch-office through Pulumi's Automation API,
 * against the emulator. Needs the pulumi CLI, which cannot be installed everywhere (the npm package
 * only downloads the binary): without it the test is skipped with the reason printed.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";

function pulumiCli(): string | undefined {
  try {
    return execFileSync("pulumi", ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

const version = pulumiCli();
if (!version) {
  console.log("skipping the Automation API test: no 'pulumi' CLI on PATH (install it from https://www.pulumi.com/docs/install/ to run pulumi up/preview/destroy against the emulator)");
}

(version ? describe : describe.skip)(`pulumi ${version ?? ""} up / preview / destroy`, () => {
  let t: TestEmulator;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "mb-pulumi-"));
  beforeAll(async () => {
    t = await testEmulator({ frozenClock: false, rateLimit: 10, batchLatencyMs: 20 });
  });
  afterAll(() => t.close());

  test("up applies the branch, preview shows no changes, destroy restores the ports", async () => {
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "dev", workDir: path.resolve(__dirname, "..", "..", "examples", "branch-office") },
      { envVars: { PULUMI_BACKEND_URL: `file://${home}`, PULUMI_CONFIG_PASSPHRASE: "test", PULUMI_HOME: home } },
    );
    await stack.setAllConfig({
      "meraki-batch:baseUrl": { value: t.emu.url },
      "meraki-batch:organizationId": { value: "1234567" },
      "meraki-batch:apiKey": { value: DEMO_API_KEY, secret: true },
    });
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
