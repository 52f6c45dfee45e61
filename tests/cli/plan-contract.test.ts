/**
 * A saved plan is a contract (issue #9): `apply --plan` never sends an action the shown changes do
 * not produce. Every refusal is checked in the emulator's request log: nothing sent.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { planDigest } from "../../provider/plan/digest";
import { TestEmulator, testEmulator } from "../helpers/api";
import { cli, PROGRAMS } from "../helpers/cli";

let t: TestEmulator;
let env: NodeJS.ProcessEnv;
let dir: string;
let planFile: string;
const small = path.join(PROGRAMS, "small");

beforeAll(async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
  env = { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: t.emu.url, MERAKI_ORGANIZATION_ID: undefined };
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-contract-"));
  planFile = path.join(dir, "plan.json");
  const r = await cli(["plan", small, "--out", planFile], { env });
  expect(r.code).toBe(0);
});
afterAll(() => t.close());
beforeEach(() => t.control.clearRequests());

const saved = () => JSON.parse(fs.readFileSync(planFile, "utf8"));
const write = (name: string, plan: unknown) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, JSON.stringify(plan, null, 2));
  return f;
};
const reseal = (p: any) => {
  const { digest: _d, source: _s, ...content } = p;
  return { ...p, digest: planDigest(content) };
};
const portIndex = (p: any, port: string) => p.batches[0].actions.findIndex((a: any) => a.resource === `/devices/AAAA-BBBB-CCCC/switch/ports/${port}`);

test.each([
  [
    "an action edited by hand (HACKED, VLAN 666)",
    (p: any) => {
      p.batches[0].actions[portIndex(p, "2")].body = { name: "HACKED", vlan: 666 };
    },
    /batch #1, action 5 \(update \/devices\/AAAA-BBBB-CCCC\/switch\/ports\/2\): the file sends \{"name":"HACKED","vlan":666\}; the changes give \{"name":"Desk by the window"\}/,
  ],
  [
    "an action added that was never shown",
    (p: any) => {
      p.batches[0].actions.push({ resource: "/devices/DDDD-EEEE-FFFF", operation: "update", body: { name: "owned", notes: "by someone" } });
      p.batches[0].owners.push(p.batches[0].owners[0]);
    },
    /batch #1 has an action its changes do not produce: update \/devices\/DDDD-EEEE-FFFF \{"name":"owned","notes":"by someone"\}/,
  ],
  [
    "an action removed",
    (p: any) => {
      p.batches[0].actions.splice(portIndex(p, "1"), 1);
      p.batches[0].owners.splice(portIndex(p, "1"), 1);
    },
    /batch #1 lacks an action its changes produce: update \/devices\/AAAA-BBBB-CCCC\/switch\/ports\/1/,
  ],
  [
    "actions reordered",
    (p: any) => {
      p.batches[0].actions.reverse();
      p.batches[0].owners.reverse();
    },
    /batch #1: its actions are in a different order than the changes give/,
  ],
  [
    "options changed",
    (p: any) => {
      p.options.maxActionsPerBatch = 2;
    },
    /the file has 1 batch; its changes give 3/,
  ],
  [
    "the organization changed",
    (p: any) => {
      p.organizationId = "2930418";
    },
    /its content does not match its digest sha256:[0-9a-f]{16}… \(it was edited after it was made\)/,
  ],
])("a plan file with %s is refused, naming what differs; nothing is sent", async (_what, edit, message) => {
  const p = saved();
  edit(p);
  const edited = write("edited.json", p);
  const r = await cli(["apply", "--plan", edited, "--yes"], { env });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(new RegExp(`^error: ${edited.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} is not the plan that was made; nothing was sent:\\n`));
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toContain("hint: make a new plan and review it");
  // Not even a read: the file is judged before connecting.
  expect(await t.control.requests()).toEqual([]);

  // Recomputing the digest does not help: the batches are still not what the changes give, or (the
  // organization) the plan's resources are not in that organization.
  const resealed = await cli(["apply", "--plan", write("resealed.json", reseal(p)), "--yes"], { env });
  expect(resealed.code).toBe(1);
  if (/organization/.test(_what)) expect(resealed.stderr).toContain("2930418");
  else expect(resealed.stderr).toMatch(message);
  expect((await t.control.requests()).filter((q) => q.method !== "GET")).toEqual([]);
});

test("a plan whose changes and actions were both edited, digest recomputed, does not match its resources: refused with nothing written", async () => {
  const p = saved();
  const change = p.changes.find((c: any) => c.key === "switchPort/AAAA-BBBB-CCCC/2");
  change.fields = [{ path: "name", old: null, new: "HACKED" }];
  change.actions[0].body = { name: "HACKED" };
  p.batches[0].actions[portIndex(p, "2")].body = { name: "HACKED" };
  const r = await cli(["apply", "--plan", write("consistent.json", reseal(p)), "--yes"], { env });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(
    'error: the plan\'s changes are not what its desired resources give against the unchanged network; nothing was sent:\n  port 2 of switch AAAA-BBBB-CCCC: the file shows name null → "HACKED"; its desired state gives name null → "Desk by the window"\nhint: make a new plan and review it\n',
  );
  expect((await t.control.requests()).filter((q) => q.method !== "GET")).toEqual([]);
});

test("--expect-digest pins the reviewed plan; flags that would change the batches are refused", async () => {
  const other = `sha256:${"0".repeat(64)}`;
  const wrong = await cli(["apply", "--plan", planFile, "--yes", "--expect-digest", other], { env });
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toMatch(new RegExp(`^error: .* has digest sha256:[0-9a-f]{64}, not the expected ${other}; nothing was sent\n`));
  // Only the whole digest pins a plan: its first 8 (or 16) hex digits are refused as bad usage.
  const digest = saved().digest as string;
  for (const short of [digest.slice(0, "sha256:".length + 8), digest.slice("sha256:".length, "sha256:".length + 16)]) {
    const r = await cli(["apply", "--plan", planFile, "--yes", "--expect-digest", short], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: --expect-digest needs the plan's full digest (sha256: and 64 hex digits), got '${short}'; nothing was sent`);
  }
  const flags = await cli(["apply", "--plan", planFile, "--yes", "--max-batch-size", "2"], { env });
  expect(flags.code).toBe(2);
  expect(flags.stderr).toContain("error: the plan's options differ from this command's: --max-batch-size 2 (the plan was made with 100); nothing was sent");
  expect((await t.control.requests()).filter((q) => q.method !== "GET")).toEqual([]);
});

test("staging twice makes one draft; a staged batch confirmed with 'batches confirm' is not sent again by apply --plan", async () => {
  const out = path.join(dir, "staged.json");
  const first = await cli(["plan", small, "--stage", "--out", out], { env });
  expect(first.code).toBe(0);
  const id = JSON.parse(fs.readFileSync(out, "utf8")).batches[0].stagedId;
  expect(first.stdout).toContain(`Staged 1 unconfirmed batch for review: ${id}`);
  const second = await cli(["plan", small, "--stage", "--out", out], { env });
  expect(second.stdout).toContain(`Reused 1 identical unconfirmed batch already staged: ${id}`);
  expect((await t.api.get("/organizations/1234567/actionBatches")).body.map((b: any) => b.id)).toEqual([id]);

  // Staged on this machine: the plan is known, the batch is checked against it, then confirmed.
  const confirmed = await cli(["batches", "confirm", id, "--yes", "--org", "1234567"], { env });
  expect(confirmed.stdout).toMatch(new RegExp(`^Checked against the plan it was staged with on this machine \\(plan sha256:[0-9a-f]{16}\\): batch #1 of 1; the live fields it changes are as the plan showed\\.\nBatch ${id} completed\\.\n$`));
  await t.control.clearRequests();
  const applied = await cli(["apply", "--plan", out, "--yes"], { env });
  expect(applied.code).toBe(0);
  expect(applied.stdout).toBe(
    `batch #1 (${id}) was already confirmed (by 'meraki-batch batches confirm' or another apply) and completed; it is not sent again\nEvery batch of this plan was already confirmed and completed (${id}); nothing to do.\n`,
  );
  expect((await t.control.requests()).filter((q) => q.method !== "GET")).toEqual([]);
});
