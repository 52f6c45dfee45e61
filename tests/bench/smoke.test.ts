/**
 * A small run of the benchmark's machinery (not its measurements): both modes apply the same
 * scenario, the report has every column, and the plan-cost probe measures. Timing claims live in
 * bench/README.md, not here.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { markdown } from "../../bench/report";
import { runMode } from "../../bench/run";
import { scenario } from "../../bench/scenarios";

test("both modes apply the 20-action scenario; batched needs far fewer requests", async () => {
  const s = scenario(20);
  const perResource = await runMode(s, "per-resource", 20);
  const batched = await runMode(s, "batched", 20);
  expect(perResource).toMatchObject({ mode: "per-resource", failed: 0, batches: 0 });
  expect(perResource.requests).toBeGreaterThanOrEqual(40); // a read and a write per port
  expect(batched).toMatchObject({ mode: "batched", failed: 0, batches: 1, minimumRequests: 4 });
  // One read of the org's devices, one of the switch's ports, create, one look at the organization's
  // pending batches (the claim), confirm, and one read of the switch's ports to verify.
  expect(batched.requests).toBe(6);
  const table = markdown({ date: "2026-11-28", machine: "test", node: "v20", quick: true, timeScale: 20, scenarios: [{ scenario: s.name, actions: 20, perResource, batched }], planCost: [] });
  expect(table).toContain("| 20 (20 ports on 1 switch) | per-resource |");
  expect(table).toMatch(/\| \| batched \| 6 \| 0 \| 1 \|/);
});

test("the 480-action scenario is exactly 480 actions", () => {
  const s = scenario(480);
  expect(s.resources.filter((r) => r.kind === "switchPort")).toHaveLength(468);
  expect(s.resources.filter((r) => r.kind === "deviceTags")).toHaveLength(10);
  expect(s.resources.filter((r) => r.kind === "vlan")).toHaveLength(2);
});

test("the plan-cost probe plans N ports in a fresh process", () => {
  const out = JSON.parse(execFileSync(process.execPath, [path.join(__dirname, "..", "..", "dist", "bench", "plan-cost.js"), "960"], { encoding: "utf8" }));
  expect(out).toMatchObject({ ports: 960, batches: 10 });
  expect(out.cpuMs).toBeGreaterThan(0);
  expect(out.peakRssMb).toBeGreaterThan(0);
});
