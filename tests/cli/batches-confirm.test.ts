/**
 * Issue #21.2: `batches confirm` keeps the saved-plan contract. A batch staged for review is
 * confirmed only while the live fields it changes are what its plan showed (the plan this machine
 * kept when it staged it, or --plan FILE), and after the batches it waits for; otherwise it is
 * refused with nothing sent, as `apply --plan` would be. The stage output names the safe command.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { PROGRAMS, ROOT, cli } from "../helpers/cli";

const GITOPS = path.join(ROOT, "examples", "gitops");
let t: TestEmulator;
let env: NodeJS.ProcessEnv;
let dir: string;
beforeEach(async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
  // The demo seed's key sees two organizations: 'batches' is told which (with --plan, the plan's).
  env = { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: t.emu.url, MERAKI_ORGANIZATION_ID: "1234567" };
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-confirm-"));
});
afterEach(() => t.close());

const batchWrites = async () => (await t.control.requests()).filter((q) => q.method !== "GET" && /actionBatches/.test(q.path));
const port5 = async () => (await t.api.get("/devices/AAAA-BBBB-CCCC/switch/ports/5")).body;

test("a change in the Dashboard after staging: 'batches confirm' refuses, with or without --plan; nothing is sent and the change stays", async () => {
  const planFile = path.join(dir, "p.json");
  const staged = await cli(["plan", GITOPS, "--stack", "prod", "--stage", "--out", planFile], { env });
  expect(staged.code).toBe(0);
  const id = JSON.parse(fs.readFileSync(planFile, "utf8")).batches[0].stagedId as string;
  expect(staged.stdout).toContain(`Confirm them with: meraki-batch apply --plan ${planFile} (the whole plan, in order, refused if the network moved); one at a time: meraki-batch batches confirm ${id} --plan ${planFile}\n`);

  await t.api.put("/devices/AAAA-BBBB-CCCC/switch/ports/5", { vlan: 30, name: "Temporary guest desk" });
  await t.control.clearRequests();
  for (const extra of [[], ["--plan", planFile]]) {
    const r = await cli(["batches", "confirm", id, "--yes", ...extra], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: the live network changed since the plan was made; batch ${id} was not confirmed:\n  port 5 of switch AAAA-BBBB-CCCC: name – → Temporary guest desk, vlan 1 → 30\nhint: make a new plan and review it (plan --stage stages its batches)\n`,
    );
  }
  expect(await batchWrites()).toEqual([]);
  expect(await port5()).toMatchObject({ vlan: 30, name: "Temporary guest desk" });
  expect((await t.api.get(`/organizations/1234567/actionBatches/${id}`)).body.confirmed).toBe(false);
});

test("staged on another machine: refused without the plan; with --plan FILE and an unmoved network, checked and confirmed", async () => {
  const planFile = path.join(dir, "p.json");
  expect((await cli(["plan", GITOPS, "--stack", "prod", "--stage", "--out", planFile], { env })).code).toBe(0);
  const id = JSON.parse(fs.readFileSync(planFile, "utf8")).batches[0].stagedId as string;
  const elsewhere = { ...env, MERAKI_BATCH_STATE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "mb-other-machine-")) };

  const unknown = await cli(["batches", "confirm", id, "--yes"], { env: elsewhere });
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toBe(
    `error: the plan batch ${id} was staged with is not known on this machine (it was not staged here); nothing was sent\nhint: give the plan file it was staged with: meraki-batch batches confirm ${id} --plan plan.json (or apply it whole: meraki-batch apply --plan plan.json); --force confirms it unchecked\n`,
  );
  const ok = await cli(["batches", "confirm", id, "--yes", "--plan", planFile], { env: elsewhere });
  expect(ok.code).toBe(0);
  expect(ok.stdout).toMatch(new RegExp(`^Checked against ${planFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(plan sha256:[0-9a-f]{16}\\): batch #1 of 1; the live fields it changes are as the plan showed\\.\\nBatch ${id} completed\\.\\n$`));
  expect((await cli(["plan", GITOPS, "--stack", "prod", "--detailed-exitcode"], { env })).code).toBe(0);
});

test("a batch that waits for another of its plan is refused until that one has completed", async () => {
  const small = path.join(PROGRAMS, "small");
  const planFile = path.join(dir, "p.json");
  expect((await cli(["plan", small, "--stage", "--out", planFile, "--max-batch-size", "2", "--sync", "never"], { env })).code).toBe(0);
  const plan = JSON.parse(fs.readFileSync(planFile, "utf8"));
  const waiting = plan.batches.find((b: any) => b.after.length);
  const first = plan.batches.find((b: any) => b.index === waiting.after[0]);
  await t.control.clearRequests();
  const r = await cli(["batches", "confirm", waiting.stagedId, "--yes"], { env });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(
    `error: batch ${waiting.stagedId} is batch #${waiting.index + 1} of the plan, which waits for batch #${first.index + 1} (${first.stagedId}, unconfirmed): it has not completed; nothing was sent\nhint: confirm that one first: meraki-batch batches confirm ${first.stagedId}; or apply the whole plan: meraki-batch apply --plan FILE\n`,
  );
  expect(await batchWrites()).toEqual([]);
});
