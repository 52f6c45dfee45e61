/**
 * A small run of the benchmark's machinery (not its measurements): both modes apply the same
 * scenario, the requests are told apart by kind from the request log, the minimum is computed,
 * the report has every column and checks the targets, and the plan-cost probe measures. Timing
 * claims live in bench/README.md, not here.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { medianCost, medianOf } from "../../bench/main";
import { programCost } from "../../bench/program-cost";
import { BenchReport, checkTargets, markdown } from "../../bench/report";
import { breakdown } from "../../bench/requests";
import { ModeResult, runMode } from "../../bench/run";
import { scenario } from "../../bench/scenarios";
import { LoggedRequest } from "../../emulator/request-log";

const total = (r: ModeResult) => Object.values(r.kinds).reduce((a, b) => a + b, 0);

test("both modes apply the 20-action scenario; batched needs far fewer requests, told apart by kind", async () => {
  const s = scenario(20);
  const perResource = await runMode(s, "per-resource", 20);
  const batched = await runMode(s, "batched", 20);
  expect(perResource).toMatchObject({ mode: "per-resource", failed: 0, batches: 0 });
  // A read and a write per port (more when a 429 is retried: time runs 20× faster here).
  expect(perResource.kinds).toMatchObject({ batchWrites: 0, batchReads: 0, verifyReads: 0 });
  expect(perResource.kinds.planReads).toBeGreaterThanOrEqual(20);
  expect(perResource.kinds.directWrites).toBeGreaterThanOrEqual(20);
  expect(total(perResource)).toBe(perResource.requests);

  expect(batched).toMatchObject({ mode: "batched", failed: 0, batches: 1 });
  // One read of the switch's ports (bySwitch), one synchronous batch created, one look at the
  // organization's pending batches (the claim), the switch's ports read again (the live fields
  // checked right before confirming), the batch confirmed, the switch's ports read back.
  expect(batched.kinds).toMatchObject({ planReads: 1, batchWrites: 2, batchReads: 1, verifyReads: 2, directWrites: 0 });
  expect(total(batched)).toBe(batched.requests);
  expect(batched.minimum).toEqual({ planReads: 1, batchWrites: 2, polls: 1, verifyReads: 2, total: 6 });

  const report: BenchReport = { date: "2026-11-28", machine: "test", node: "v20", quick: true, timeScale: 20, scenarios: [{ scenario: s.name, actions: 20, switches: 1, perResource, batched }], planCost: [] };
  const table = markdown(report);
  expect(table).toContain("| 20 (20 ports on 1 switch) | per-resource |");
  expect(table).toMatch(new RegExp(`\\| \\| batched \\| ${batched.requests} \\| 0 \\| 1 \\|`));
  expect(table).toContain("| | minimum | 1 | 2 | 1 | 2 | 0 | 6 |");
});

test("the request log is split into plan reads, batch writes, batch reads, verification reads and direct writes", () => {
  const entry = (method: string, p: string, status = 200): LoggedRequest => ({ seq: 0, method, path: `/api/v1${p}`, query: "", status, organizationId: "1", time: "", runningBatches: 0, userAgent: "test" });
  const log = [
    entry("GET", "/organizations/1/devices"),
    entry("GET", "/organizations/1/switch/ports/bySwitch", 429),
    entry("GET", "/organizations/1/switch/ports/bySwitch"),
    entry("GET", "/organizations/1/actionBatches"),
    entry("POST", "/organizations/1/actionBatches", 201),
    entry("PUT", "/organizations/1/actionBatches/7"),
    entry("GET", "/organizations/1/actionBatches/7"),
    entry("DELETE", "/organizations/1/actionBatches/8", 204),
    entry("GET", "/organizations/1/switch/ports/bySwitch"),
    entry("PUT", "/devices/Q/switch/ports/1"),
  ];
  expect(breakdown(log)).toEqual({ planReads: 3, batchWrites: 3, batchReads: 2, verifyReads: 1, directWrites: 1 });
});

test("the targets are checked against the figures; a miss says so", () => {
  const mode = (requests: number, seconds: number, extra: Partial<ModeResult> = {}): ModeResult => ({
    mode: "batched", requests, rateLimited: 0, batches: 5, seconds, failed: 0, kinds: { planReads: 4, batchWrites: 10, batchReads: 5, verifyReads: 3, directWrites: 0 }, ...extra,
  });
  const minimum = { planReads: 4, batchWrites: 10, polls: 2, verifyReads: 3, total: 19 };
  const report: BenchReport = {
    date: "d", machine: "m", node: "n", quick: false, timeScale: 1,
    scenarios: [
      { scenario: "480", actions: 480, switches: 10, perResource: mode(960, 95), batched: mode(22, 3.5, { minimum }) },
      { scenario: "2400", actions: 2400, switches: 50, perResource: mode(4800, 480), batched: mode(90, 15, { minimum: { ...minimum, total: 60 }, kinds: { planReads: 1, batchWrites: 48, batchReads: 40, verifyReads: 1, directWrites: 0 } }) },
    ],
    planCost: [{ ports: 50000, cpuMs: 1500, validateCpuMs: 200, wallMs: 1500, processCpuMs: 1700, peakRssMb: 250, rssMb: 240, heapUsedMb: 150, batches: 500 }],
  };
  const byTarget = Object.fromEntries(checkTargets(report).map((t) => [t.target, t.ok]));
  expect(byTarget).toEqual({
    "480: ≥ 40× fewer requests": true,
    "480: ≥ 20× less time": true,
    "480: batched ≤ 1.2× the minimum": true,
    "2,400: ≥ 60× fewer requests": false,
    "plan reads for 50 switches ≤ 3": true,
    "2,400: batched ≤ 1.2× the minimum": false,
    "plan of 50,000 ports < 2,000 ms CPU": true,
    "plan of 50,000 ports < 400 MB RSS": true,
  });
  expect(markdown(report)).toContain("| 2,400: ≥ 60× fewer requests | 53.3× | **not met** |");
});

test("the 480-action scenario is exactly 480 actions", () => {
  const s = scenario(480);
  expect(s.resources.filter((r) => r.kind === "switchPort")).toHaveLength(468);
  expect(s.resources.filter((r) => r.kind === "deviceTags")).toHaveLength(10);
  expect(s.resources.filter((r) => r.kind === "vlan")).toHaveLength(2);
});

test("the plan-cost probe plans N ports in a fresh process; three runs give each metric's median", () => {
  const probe = () => JSON.parse(execFileSync(process.execPath, [path.join(__dirname, "..", "..", "dist", "bench", "plan-cost.js"), "960"], { encoding: "utf8" }));
  const out = probe();
  expect(out).toMatchObject({ ports: 960, batches: 10 });
  for (const k of ["cpuMs", "validateCpuMs", "processCpuMs", "peakRssMb", "rssMb", "heapUsedMb"]) expect([k, out[k] > 0]).toEqual([k, true]);
  expect(out.processCpuMs).toBeGreaterThanOrEqual(out.cpuMs);
  const runs = [{ ...out, cpuMs: 30, peakRssMb: 90 }, { ...out, cpuMs: 10, peakRssMb: 70 }, { ...out, cpuMs: 20, peakRssMb: 95 }];
  expect(medianCost(runs)).toMatchObject({ ports: 960, cpuMs: 20, peakRssMb: 90 });
});

test("the program-cost probe plans a campus program as a process: wall, CPU, peak RSS, the program's share, the text", async () => {
  const [run] = await programCost("bulk", 96, 1);
  // 2 switches of 48 ports: the 3 VLANs and one SwitchPorts per switch.
  expect(run).toMatchObject({ form: "bulk", ports: 96, resources: 5 });
  for (const k of ["wallMs", "cpuMs", "peakRssMb", "programMs", "textBytes", "textLines"] as const) expect([k, run[k] > 0]).toEqual([k, true]);
  expect(run.programMs).toBeLessThan(run.wallMs);
  const report: BenchReport = {
    date: "d", machine: "m", node: "n", quick: false, timeScale: 1, scenarios: [], planCost: [],
    programCost: [
      medianOf([{ ...run, ports: 50016, wallMs: 4000 }, { ...run, ports: 50016, wallMs: 6000 }, { ...run, ports: 50016, wallMs: 4500 }]),
      { ...run, form: "per-port", ports: 50016, resources: 50019, wallMs: 25_000, peakRssMb: 1000 },
    ],
    preview: [{ form: "bulk", ports: 96, resources: 5, wallMs: 3000, cpuMs: 2500, peakRssMb: 300, exitCode: 0 }],
    previewNotRun: ["per-port at 50016 ports"],
  };
  const table = markdown(report);
  expect(table).toContain("| 50,016 | bulk | 5 | 4.5 |");
  expect(table).toContain("| bulk form, 50,016 ports: plan < 5 s wall | 4.5 s | met |");
  expect(table).toContain("| per-port form, 50,016 ports: plan < 20 s wall | 25 s | **not met** |");
  expect(table).toContain("| 96 | bulk | 5 | 3.0 | 2.5 | 300 | 0 |");
  expect(table).toContain("Not run: per-port at 50016 ports.");
}, 120_000);

test("the pulumi up bench's per-port form asks for exactly what the example (SwitchPorts) asks for", async () => {
  const fs = await import("fs");
  const os = await import("os");
  const { expandedResources, perPortSource } = await import("../../bench/pulumi-forms");
  const { testEmulator } = await import("../helpers/api");
  const { cli } = await import("../helpers/cli");
  const { DEMO_API_KEY } = await import("../../emulator/seeds");
  const example = path.resolve(__dirname, "..", "..", "examples", "branch-office");
  const decls = await expandedResources(example);
  expect(decls.filter((d) => d.kind === "switchPort")).toHaveLength(90);
  // The per-port form in a copy of the example whose node_modules is this repository's.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-forms-"));
  fs.cpSync(example, dir, { recursive: true });
  fs.symlinkSync(path.resolve(__dirname, "..", "..", "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.writeFileSync(path.join(dir, "index.ts"), perPortSource(decls));
  const t = await testEmulator({ frozenClock: false });
  try {
    const plan = (d: string) => cli(["plan", d, "--base-url", t.emu.url, "--json", "--no-type-check"], { env: { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY } });
    const [bulk, perPort] = await Promise.all([plan(example), plan(dir)]);
    const changes = (r: { stdout: string }) => JSON.parse(r.stdout).changes.map((c: any) => [c.key, c.op, c.fields]).sort();
    expect(changes(perPort)).toEqual(changes(bulk));
    expect(JSON.parse(perPort.stdout).summary).toMatchObject({ update: 93, create: 4, actions: 99 });
  } finally {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
