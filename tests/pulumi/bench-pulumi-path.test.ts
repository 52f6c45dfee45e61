/**
 * The machinery of bench/pulumi-path.ts (not its measurements, which live in bench/README.md):
 * a run counts the batches and requests of the `pulumi up` path, lookahead off and on.
 */
import { pulumiPathMarkdown, runPulumiPath } from "../../bench/pulumi-path";

test("the pulumi-path bench runs the plugin through the engine model and counts batches", async () => {
  const off = await runPulumiPath(24, "queued", false);
  const on = await runPulumiPath(24, "queued", true);
  expect(off).toMatchObject({ ports: 24, parallel: 8, handoff: "queued", lookahead: false, failed: 0 });
  expect(off.batches).toBeGreaterThanOrEqual(3); // at most 8 resources per batch
  expect(on).toMatchObject({ lookahead: true, failed: 0, batches: 1 });
  expect(on.requests).toBeLessThan(off.requests);
  expect(pulumiPathMarkdown([off, on])).toMatch(/\| 24 \| queued \| on \| 1 \| \d+ \| 0 \|/);
}, 120_000);
