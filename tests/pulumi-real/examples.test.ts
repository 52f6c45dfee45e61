/**
 * Every example through the real `pulumi up` at the engine's default --parallel (8 on a 2-core
 * machine), as a user runs it: it applies through batches only, the network then matches the
 * program (the CLI plans nothing), and a preview shows no change. (examples/campus-core has its own
 * test, tests/pulumi/campus-core-up.test.ts.)
 */
import * as path from "path";
import { CAMPUS_API_KEY, DEMO_API_KEY } from "../../emulator/seeds";
import { cli } from "../helpers/cli";
import { testEmulator } from "../helpers/api";
import { describeReal, expectOk, plannedOf, PulumiProject, stepsOf } from "../helpers/real-pulumi";

const EXAMPLES = path.resolve(__dirname, "..", "..", "examples");
const CASES = [
  { example: "branch-office", seed: "demo", org: "1234567", key: DEMO_API_KEY, stack: "dev" },
  { example: "campus", seed: "campus", org: "2930418", key: CAMPUS_API_KEY, stack: "dev" },
  { example: "gitops", seed: "demo", org: "1234567", key: DEMO_API_KEY, stack: "prod" },
] as const;

describeReal("the examples under pulumi up at the default --parallel", (tc) => {
  for (const c of CASES) {
    test(`examples/${c.example}`, async () => {
      const t = await testEmulator({ seed: c.seed, frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
      const project = await PulumiProject.create(tc, {
        program: path.join(EXAMPLES, c.example),
        stack: c.stack,
        config: { "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": c.org },
        env: { MERAKI_DASHBOARD_API_KEY: c.key },
      });
      try {
        const up = expectOk(await project.run(["up", "--yes"]));
        expect(stepsOf(up.events).length).toBeGreaterThan(0);
        const writes = (await t.control.requests()).filter((r) => r.method !== "GET");
        expect(writes.filter((r) => !/actionBatches/.test(r.path))).toEqual([]);
        const plan = await cli(["plan", project.dir, "--stack", c.stack, "--base-url", t.emu.url, "--detailed-exitcode", "--no-type-check"], { env: { MERAKI_DASHBOARD_API_KEY: c.key } });
        expect(plan.stderr).toBe("");
        expect(plan.code).toBe(0);
        const preview = expectOk(await project.run(["preview"]));
        expect(plannedOf(preview.events).filter((p) => p.op !== "same")).toEqual([]);
      } finally {
        await project.dispose();
        await t.close();
      }
    }, 300_000);
  }
});
