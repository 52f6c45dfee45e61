/** `meraki-batch batches …`, bad input, --help everywhere, and the demo. */
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { outOfBand } from "../../cli/commands/demo";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { cli, PROGRAMS } from "../helpers/cli";
import { removeTempPrograms, tempProgram } from "../helpers/programs";

let t: TestEmulator;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
  env = { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: t.emu.url, MERAKI_ORGANIZATION_ID: "1234567" };
});
afterAll(async () => {
  await t.close();
  removeTempPrograms();
});

const action = (port: number) => ({ resource: `/devices/AAAA-BBBB-CCCC/switch/ports/${port}`, operation: "update", body: { name: `p${port}` } });

describe("batches", () => {
  test("list, show, confirm and delete", async () => {
    const draft = (await t.api.post("/organizations/1234567/actionBatches", { actions: [action(30), action(31)] })).body;
    const other = (await t.api.post("/organizations/1234567/actionBatches", { actions: [action(32)] })).body;

    const list = await cli(["batches", "list"], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("ID                   STATE        MODE          ACTIONS");
    expect(list.stdout).toContain(`${draft.id.padEnd(20)} unconfirmed  asynchronous  2  2 port updates`);
    expect(JSON.parse((await cli(["batches", "list", "--status", "pending", "--json"], { env })).stdout)).toHaveLength(2);

    const show = await cli(["batches", "show", draft.id], { env });
    expect(show.stdout).toContain(`Batch ${draft.id} in organization 1234567: unconfirmed, asynchronous, 2 actions`);
    expect(show.stdout).toContain('    1. update  /devices/AAAA-BBBB-CCCC/switch/ports/30 {"name":"p30"}');

    // Made by hand, staged by no plan: confirmed only with --force (the contract needs a plan).
    const unplanned = await cli(["batches", "confirm", draft.id, "--yes"], { env });
    expect(unplanned.code).toBe(1);
    expect(unplanned.stderr).toContain(`error: the plan batch ${draft.id} was staged with is not known on this machine (it was not staged here); nothing was sent`);
    const refused = await cli(["batches", "confirm", draft.id, "--force"], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`error: refusing to confirm the batch without --yes: not on a terminal, so nobody can confirm\nhint: check it with 'meraki-batch batches show ${draft.id}', then run again with --yes\n`);
    const confirmed = await cli(["batches", "confirm", draft.id, "--yes", "--force"], { env });
    expect(confirmed.stdout).toBe(`Not checked against a plan (--force): batch ${draft.id} is confirmed as it is.\nBatch ${draft.id} completed.\n`);
    expect((await t.api.get("/devices/AAAA-BBBB-CCCC/switch/ports/31")).body.name).toBe("p31");
    expect((await cli(["batches", "confirm", draft.id, "--yes"], { env })).stdout).toBe(`Batch ${draft.id} is already confirmed (completed).\n`);

    const cannot = await cli(["batches", "delete", draft.id], { env });
    expect(cannot.code).toBe(1);
    expect(cannot.stderr).toBe(`error: DELETE /organizations/1234567/actionBatches/${draft.id}: 400 A confirmed action batch cannot be deleted\n`);
    expect((await cli(["batches", "delete", other.id], { env })).stdout).toBe(`Deleted batch ${other.id}.\n`);
    const missing = await cli(["batches", "show", other.id], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: GET \/organizations\/1234567\/actionBatches\/\d+: 404 Action batch \d+ not found\n$/);
  });

  test("a failed batch's errors are shown, and confirming it exits 1", async () => {
    const draft = (await t.api.post("/organizations/1234567/actionBatches", { actions: [{ resource: "/devices/AAAA-BBBB-CCCC/switch/ports/33", operation: "update", body: { vlan: 0 } }] })).body;
    const r = await cli(["batches", "confirm", draft.id, "--yes", "--force"], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`Batch ${draft.id} failed:`);
    expect(r.stdout).toContain("'vlan' must be between 1 and 4094");
    expect((await cli(["batches", "show", draft.id], { env })).stdout).toContain("error: Error occurred while executing update");
  });
});

describe("bad input: one clear line and a hint, never a stack trace", () => {
  const noTrace = (s: string) => expect(s).not.toMatch(/\n\s+at |Error:/);

  test("a base URL with the wrong path (/api/v2): the 404 names the URL and says the API is under /api/v1", async () => {
    const origin = new URL(t.emu.url).origin;
    const r = await cli(["plan", path.join(PROGRAMS, "small"), "--base-url", `${origin}/api/v2`], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: GET /organizations/1234567/networks: 404 Not found (${origin}/api/v2/organizations/1234567/networks; base URL from --base-url)\nhint: the Dashboard API's paths start with /api/v1 (${origin}/api/v1): check the base URL (--base-url, meraki-batch:baseUrl or MERAKI_DASHBOARD_API_BASE_URL)\n`,
    );
  });

  test("missing API key", async () => {
    const r = await cli(["plan", path.join(PROGRAMS, "small")], { env: { ...env, MERAKI_DASHBOARD_API_KEY: undefined } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: no Meraki Dashboard API key\nhint: export MERAKI_DASHBOARD_API_KEY=<key> (for the emulator's demo seed: aaaaaaaaaaaaaaaaaaabbbbbbbcccccccc)\n");
  });

  test("unknown program directory, and a directory without Pulumi.yaml", async () => {
    const r = await cli(["plan", "nowhere/at-all"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: no such program directory: nowhere/at-all\nhint: give the directory that holds Pulumi.yaml\n");
    const notProgram = await cli(["plan", "tests"], { env });
    expect(notProgram.stderr).toBe("error: tests is not a Pulumi program (no Pulumi.yaml)\nhint: give the directory that holds Pulumi.yaml, e.g. examples/branch-office\n");
  });

  test("invalid resource arguments list every problem and send nothing", async () => {
    await t.control.clearRequests();
    const r = await cli(["apply", path.join(PROGRAMS, "invalid"), "--yes"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        "error: invalid desired state (3 problems):",
        "  Vlan 'too-big' (VLAN 5000 on network L_000000000000000): vlanId: must be between 1 and 4094",
        "  Vlan 'too-big' (VLAN 5000 on network L_000000000000000): applianceIp: 10.2.0.1 must be a host address in the subnet 10.1.0.0/24",
        "  SwitchPort 'trunk-list-on-access' (port 3 of switch AAAA-BBBB-CCCC): allowedVlans: can only be set on trunk ports (this port is access)",
        "hint: fix the resources above; nothing was sent",
        "",
      ].join("\n"),
    );
    expect((await t.control.requests()).filter((q) => q.method !== "GET")).toEqual([]);
  });

  test("a program that throws", async () => {
    const r = await cli(["plan", path.join(PROGRAMS, "broken")], { env });
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe("error: the program failed: the program's own bug");
    noTrace(r.stderr.split("\n").slice(1).join("\n"));
  });

  test("unknown command, unknown option, missing arguments, a plan file that is not a plan", async () => {
    expect(await cli(["frobnicate"], { env })).toMatchObject({ code: 2, stderr: "error: unknown command 'frobnicate'\nhint: run 'meraki-batch --help' for the list of commands\n" });
    expect(await cli(["plan", "--bogus"], { env })).toMatchObject({ code: 2, stderr: "error: Unknown option '--bogus'\nhint: run 'meraki-batch plan --help'\n" });
    expect(await cli(["apply"], { env })).toMatchObject({ code: 2, stderr: "error: missing the program directory (or --plan FILE)\nhint: e.g. meraki-batch apply examples/branch-office\n" });
    const notPlan = await cli(["apply", "--plan", "package.json", "--yes"], { env });
    expect(notPlan.stderr).toBe("error: package.json is not a meraki-batch plan (version 3)\nhint: make a plan with 'meraki-batch plan <program-dir> --out plan.json'\n");
    expect((await cli(["batches", "nope"], { env })).code).toBe(2);
    expect((await cli(["plan", path.join(PROGRAMS, "small"), "--sync", "sometimes"], { env })).stderr).toBe("error: --sync must be auto, always or never, got 'sometimes'\n");
  });

  test("a plan saved by an earlier version (its digest made differently) is refused by its version, not as edited; nothing sent", async () => {
    const fs = await import("fs");
    const os = await import("os");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-v2-")), "plan.json");
    expect((await cli(["plan", path.join(PROGRAMS, "small"), "--out", file], { env })).code).toBe(0);
    const saved = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(saved.version).toBe(3);
    fs.writeFileSync(file, JSON.stringify({ ...saved, version: 2 }));
    await t.control.clearRequests();
    const r = await cli(["apply", "--plan", file, "--yes"], { env });
    expect(r).toMatchObject({ code: 1, stdout: "", stderr: `error: ${file} is a plan of version 2; this meraki-batch reads version 3\nhint: make a plan with 'meraki-batch plan <program-dir> --out plan.json'\n` });
    expect(await t.control.requests()).toEqual([]);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  test("an unknown organization says so and lists the visible ones (more in program-errors.test.ts)", async () => {
    const r = await cli(["batches", "list", "--org", "999"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe("error: organization 999 is not visible to this API key; it sees 2: 1234567 (Documentation Example Org), 1234567890 (Documentation curl Org)");
  });
});

test("--help on every command", async () => {
  const top = await cli(["--help"]);
  expect(top.code).toBe(0);
  for (const command of ["plan", "apply", "batches", "emulator", "demo"]) {
    expect(top.stdout).toContain(`  ${command}`);
    const r = await cli([command, "--help"]);
    expect([command, r.code]).toEqual([command, 0]);
    expect(r.stdout).toMatch(new RegExp(`^Usage: meraki-batch ${command}`));
  }
});

test("the demo runs plan, apply, drift and repair against its own emulator, and exits 0", async () => {
  const r = await cli(["demo"], { env: { MERAKI_DASHBOARD_API_KEY: undefined } });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const steps = r.stdout.split("\n").filter((l) => l.startsWith("── "));
  expect(steps.map((l) => l.replace(/ ─+$/, ""))).toEqual([
    "── 1. Plan: what the program wants, against the live network",
    "── 2. Apply: every change through atomic action batches",
    "── 3. Plan again: nothing left to do",
    "── 4. Someone changes the network in the Dashboard (out of band)",
    "── 5. Plan: exactly that drift",
    "── 6. Apply: put it back",
  ]);
  expect(r.stdout).toContain("No changes. The live network matches the program.");
  expect(r.stdout).toContain(["  Device AAAA-BBBB-CCCC", '    ~ port 5 (switch-a-desk[5]): name "Temporary guest desk" → "Desk A5", vlan 30 → 10'].join("\n"));
  expect(r.stdout).toMatch(/Applied 97 resources in 1 batch/);
  expect(r.stdout).toMatch(/Applied 1 resource in 1 batch/);
});

test("demo --program picks the emulator seed of the program's organization (examples/campus: the campus seed), or says which to use", async () => {
  const r = await cli(["demo", "--program", "examples/campus"], { env: { MERAKI_DASHBOARD_API_KEY: undefined } });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("Dashboard API emulator (campus seed) listening on");
  expect(r.stdout).toContain('PUT /devices/Q2CA-MS00-0001/switch/ports/1 {"name":"Temporary guest desk"}  → 200');
  expect(r.stdout).toContain('    ~ port 1 (sw1[1]): name "Temporary guest desk" → "B1-SW1-D1"');
  expect(r.stdout).toMatch(/Applied 1 resource in 1 batch/);

  const elsewhere = tempProgram("elsewhere", { "index.js": `require(${JSON.stringify(path.join(PROGRAMS, "small", "index.js"))});\n`, "Pulumi.dev.yaml": 'config:\n  meraki-batch:organizationId: "999"\n  elsewhere:portName: x\n' });
  const no = await cli(["demo", "--program", elsewhere], { env: { MERAKI_DASHBOARD_API_KEY: undefined } });
  expect(no.code).toBe(2);
  expect(no.stderr).toMatch(/^error: the program's stack \(.*Pulumi\.dev\.yaml\) names organization 999, which no seed of the demo's emulator has \(demo: 1234567, 1234567890; campus: 2930418\)\nhint: set meraki-batch:organizationId to one of those, or run your own emulator/);
}, 60_000);

test("the demo's own requests (the out-of-band change, the batch list) share the rate limit: a 429 is waited out as Retry-After asks", async () => {
  let calls = 0;
  const server = http.createServer((req, res) => {
    calls++;
    if (calls === 1) {
      res.writeHead(429, { "Retry-After": "0", "Content-Type": "application/json" });
      res.end(JSON.stringify({ errors: ["API rate limit exceeded for organization"] }));
      return;
    }
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await outOfBand(`http://127.0.0.1:${port}/devices/AAAA-BBBB-CCCC/switch/ports/5`, { method: "PUT", body: "{}" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ method: "PUT", auth: `Bearer ${DEMO_API_KEY}` });
    expect(calls).toBe(2);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test("without --org the key's only organization is used; with several, one line says which and how to choose", async () => {
  const noOrg = { ...env, MERAKI_ORGANIZATION_ID: undefined };
  const several = await cli(["batches", "list"], { env: noOrg });
  expect(several.code).toBe(1);
  expect(several.stderr).toBe(
    "error: the API key sees 2 organizations: 1234567 (Documentation Example Org), 1234567890 (Documentation curl Org); pick one with --org ID or MERAKI_ORGANIZATION_ID\n",
  );
  t.emu.state.world.apiKeys.push({ key: "only-one-org-key", organizationIds: ["1234567890"] });
  const one = await cli(["batches", "list"], { env: { ...noOrg, MERAKI_DASHBOARD_API_KEY: "only-one-org-key" } });
  expect(one.code).toBe(0);
  expect(one.stdout).toBe("No action batches in organization 1234567890.\n");
});
