/**
 * Issue #21.7: an unknown outcome decides the exit code (3), also when other resources of the run
 * were not applied or failed: it is what a pipeline must look at before it runs again.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { PROGRAMS } from "../helpers/cli";
import { emulatorProcess, spawnCli } from "../helpers/processes";

const small = path.join(PROGRAMS, "small");

test("the API gone after batch #1 was confirmed: #1 unknown, the rest not applied; exit 3, not 1", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-exit3-"));
  const emu = await emulatorProcess(["--seed", "demo", "--rate-limit", "0", "--batch-latency-ms", "3000", "--state", path.join(dir, "world.json")]);
  const env = { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: emu.url, MERAKI_ORGANIZATION_ID: undefined, MERAKI_BATCH_UNREACHABLE_SECONDS: "1" };
  try {
    const p = spawnCli(["apply", small, "--yes", "--sync", "never", "--max-batch-size", "2", "--max-in-flight", "1"], { env });
    await p.waitFor(/batch #1 \(\d+\): confirmed\n/);
    await emu.stop();
    expect(await p.exited).toBe(3);
    expect(p.out()).toMatch(/\n\? 2 resources with an unknown outcome: batch #1 \(\d+\) was confirmed; the API did not answer for 1 s while it ran /);
    expect(p.out()).toMatch(/\n○ 4 resources not applied: not sent: the outcome of batch #1 \(\d+\) is unknown /);
    expect(p.out()).toMatch(/\nOutcome unknown: 0 applied, 0 failed, [1-9]\d* not applied, [1-9]\d* unknown, /);
  } finally {
    await emu.stop();
  }
}, 60_000);
