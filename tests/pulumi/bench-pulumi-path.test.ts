/**
 * The machinery of bench/pulumi-path.ts (not its measurements, which live in bench/README.md):
 * a run counts the batches and requests of the `pulumi up` path, lookahead off and on.
 */
import { pulumiPathMarkdown, runPulumiPath } from "../../bench/pulumi-path";

// The product's 50 ms quiet window can split a Check stream on a loaded machine; the bench measures
// with the defaults, this test with the windows tests/pulumi/lookahead.test.ts uses for such machines.
const LOADED_MACHINE = { "meraki-batch:batchWindowMs": "300", "meraki-batch:batchMaxWaitMs": "20000" };

test("the pulumi-path bench runs the plugin through the engine model and counts batches", async () => {
  const off = await runPulumiPath(24, "queued", false, 8, LOADED_MACHINE);
  const on = await runPulumiPath(24, "queued", true, 8, LOADED_MACHINE);
  expect(off).toMatchObject({ ports: 24, parallel: 8, handoff: "queued", lookahead: false, failed: 0 });
  expect(off.batches).toBeGreaterThanOrEqual(3); // at most 8 resources per batch
  expect(on).toMatchObject({ lookahead: true, failed: 0, batches: 1 });
  expect(on.requests).toBeLessThan(off.requests);
  expect(pulumiPathMarkdown([off, on])).toMatch(/\| 24 \| queued \| on \| 1 \| \d+ \| 0 \|/);
}, 120_000);
