/**
 * Issue #21.6: a staged review draft is not "another run". An apply that meets one on its
 * resources says what it is (staged with plan --stage, by whom, when) and how to confirm or drop
 * it; --wait does not wait for it (it would never end on its own). A batch of a concurrent run on
 * this machine is named as such; prune is suggested only for drafts it would delete.
 */
import * as os from "os";
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { PROGRAMS, ROOT, cli } from "../helpers/cli";
import { spawnCli } from "../helpers/processes";
import { removeTempPrograms, tempProgram } from "../helpers/programs";

const small = path.join(PROGRAMS, "small");
let t: TestEmulator;
let env: NodeJS.ProcessEnv;
afterEach(async () => {
  await t?.close();
  removeTempPrograms();
});
const setup = async (batchLatencyMs: number) => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs });
  env = { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: t.emu.url, MERAKI_ORGANIZATION_ID: undefined };
};
const user = (() => {
  try {
    return os.userInfo().username;
  } catch {
    return undefined;
  }
})();

test("a review draft on the plan's resources: named as such with who, when and how to confirm or drop it; --wait does not hang on it", async () => {
  await setup(20);
  // Staged in three batches; applied as one: the drafts hold the resources without being this plan's batches.
  const staged = await cli(["plan", small, "--stage", "--max-batch-size", "2"], { env });
  expect(staged.code).toBe(0);
  const ids = [...staged.stdout.matchAll(/review: ([\d, ]+)\n/g)][0][1].split(", ");
  expect(ids).toHaveLength(3);

  for (const wait of [[], ["--wait"]]) {
    const started = Date.now();
    const r = await cli(["apply", small, "--yes", ...wait], { env });
    expect(r.code).toBe(4);
    expect(Date.now() - started).toBeLessThan(25_000); // --wait returned: no 30-minute wait for a draft nobody will confirm
    for (const id of ids) {
      expect(r.stdout).toMatch(new RegExp(`  review draft ${id} \\(2 actions; staged with 'meraki-batch plan --stage'${user ? ` by ${user}` : ""} on this machine \\d+ s ago; touches [^)]*\\): it stays until someone confirms it \\('meraki-batch batches confirm ${id}'\\) or drops it \\('meraki-batch batches delete ${id}'\\)\\n`));
    }
    expect(r.stdout).not.toContain("another run");
    expect(r.stdout).toContain(`'meraki-batch batches prune' deletes the drafts meraki-batch made that no run needs (${ids.join(", ")})`);
    if (wait.length) expect(r.stdout).toContain(`--wait does not wait for review drafts: nobody confirms or drops them but a person (${ids.join(", ")}).`);
    expect(r.stdout).not.toContain("apply --wait does that");
  }
  const drafts = (await t.api.get("/organizations/1234567/actionBatches")).body as Array<{ id: string; confirmed: boolean }>;
  expect(drafts.map((b) => b.id).sort()).toEqual([...ids].sort());
}, 90_000);

test("a running batch of a concurrent run on this machine is named as such, and prune is not suggested for it", async () => {
  await setup(15_000);
  const first = spawnCli(["apply", small, "--yes", "--sync", "never"], { env });
  try {
    const [, id] = (await first.waitFor(/batch #1 \((\d+)\): confirmed\n/)) as RegExpExecArray;
    // Another program on one of the same ports.
    const other = tempProgram("other", {
      "index.js": `const meraki = require(${JSON.stringify(ROOT)});\nnew meraki.SwitchPort("window", { serial: "AAAA-BBBB-CCCC", portId: "2", name: "Somewhere else" });\n`,
      "Pulumi.dev.yaml": `config:\n  meraki-batch:organizationId: "1234567"\n`,
    });
    const r = await cli(["apply", other, "--yes"], { env });
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(new RegExp(`  running batch ${id} \\(6 actions; confirmed by a concurrent meraki-batch run on this machine \\(pid ${first.child.pid}\\) \\d+ s ago; touches port 2 of switch AAAA-BBBB-CCCC\\)\\n`));
    expect(r.stdout).toContain("They end on their own: wait for them and plan again (apply --wait does that).");
    expect(r.stdout).not.toContain("prune");
  } finally {
    first.child.kill("SIGKILL");
    await first.exited;
  }
}, 90_000);
